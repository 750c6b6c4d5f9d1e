// A real HTTP server on 127.0.0.1 for the sources tests, recording every request it gets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface SeenRequest {
  readonly path: string;
  readonly range: string | undefined;
}

export interface TestServer {
  readonly base: string;
  readonly requests: SeenRequest[];
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage, response: ServerResponse, index: number) => void;

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((request, response) => {
    requests.push({ path: request.url ?? '', range: request.headers.range });
    handler(request, response, requests.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answer with the whole body, or the asked-for range when `honourRange` (the default). */
export function serveBytes(response: ServerResponse, request: IncomingMessage, body: Uint8Array, honourRange = true): void {
  const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  if (match && honourRange) {
    const start = Number(match[1]);
    if (start >= body.length) {
      response.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    response.writeHead(206, {
      'content-length': body.length - start,
      'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
    });
    response.end(body.subarray(start));
    return;
  }
  response.writeHead(200, { 'content-length': body.length });
  response.end(body);
}

/** Send the headers for the whole body and only its first `count` bytes, then drop the connection. */
export function serveTruncated(response: ServerResponse, body: Uint8Array, count: number): void {
  response.writeHead(200, { 'content-length': body.length });
  response.write(body.subarray(0, count), () => {
    setTimeout(() => response.socket?.destroy(), 20);
  });
}

/**
 * A bare TCP server that answers every request with the same raw bytes in one write and then
 * closes: headers, body and end of stream can arrive in one packet, before the client has read
 * anything, which is how a broken server's reply most often reaches a busy client.
 */
export async function startRawServer(reply: Uint8Array): Promise<{ readonly base: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
