// The HTTP client of a remote store. Every byte it returns is treated as hostile: each request has a
// deadline and a stall timeout, each answer a size limit checked against Content-Length and again
// while reading, redirects are not followed, and callers re-hash whatever they keep.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { KindlingError } from '../errors.js';

export interface RemoteLimits {
  /** Whole-request deadline: a server that trickles bytes forever is cut off here. */
  readonly deadlineMs: number;
  /** Time without any data (before the headers, between body chunks). */
  readonly stallMs: number;
  /** Largest object (a stage output or log) accepted. */
  readonly maxObjectBytes: number;
  /** Largest index, record or statement accepted: these are small JSON documents. */
  readonly maxDocumentBytes: number;
}

export const DEFAULT_LIMITS: RemoteLimits = {
  deadlineMs: 300_000,
  stallMs: 30_000,
  maxObjectBytes: 1024 * 1024 * 1024,
  maxDocumentBytes: 1024 * 1024,
};

export class RemoteError extends KindlingError {
  override readonly name = 'RemoteError';

  constructor(message: string) {
    super('failed', message);
  }
}

/** Bytes moved, for reports and the benchmark. */
export interface TransferCounts {
  bytesDown: number;
  bytesUp: number;
  requests: number;
}

export class RemoteClient {
  readonly base: URL;
  readonly limits: RemoteLimits;
  readonly counts: TransferCounts = { bytesDown: 0, bytesUp: 0, requests: 0 };
  private readonly dispatcher: Dispatcher;

  constructor(base: string, limits: RemoteLimits = DEFAULT_LIMITS) {
    let url: URL;
    try {
      url = new URL(base.endsWith('/') ? base : `${base}/`);
    } catch {
      throw new RemoteError(`--remote ${JSON.stringify(base)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new RemoteError(`--remote ${base}: only http and https remotes are supported`);
    if (url.username !== '' || url.password !== '')
      throw new RemoteError(`--remote ${url.host}: credentials in the URL are not supported (they would appear in messages)`);
    this.base = url;
    this.limits = limits;
    this.dispatcher = new Agent({ connectTimeout: limits.stallMs, headersTimeout: limits.stallMs, bodyTimeout: limits.stallMs });
  }

  /** The full URL of a path under the remote (for messages). */
  urlOf(path: string): string {
    return new URL(path, this.base).toString();
  }

  /** A small document, or undefined when the server has none (404). */
  async getDocument(path: string): Promise<Uint8Array | undefined> {
    return this.withDeadline(path, async (signal) => {
      const response = await this.send('GET', path, signal);
      return closingOnError(response, async () => {
        if (response.statusCode === 404) {
          await response.body.dump();
          return undefined;
        }
        this.expectOk(response, 'GET', path);
        this.checkLength(response, this.limits.maxDocumentBytes, path);
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of response.body) {
          const buffer = chunk as Buffer;
          size += buffer.length;
          this.counts.bytesDown += buffer.length;
          if (size > this.limits.maxDocumentBytes)
            throw new RemoteError(`${this.urlOf(path)}: larger than ${this.limits.maxDocumentBytes} bytes`);
          chunks.push(buffer);
        }
        return new Uint8Array(Buffer.concat(chunks));
      });
    });
  }

  /**
   * Stream an object into `file`. Returns false when the server has none. On any failure the file
   * is removed, so a half transfer never lingers where a caller might take it for whole.
   */
  async getToFile(path: string, file: string): Promise<boolean> {
    try {
      return await this.withDeadline(path, async (signal) => {
        const response = await this.send('GET', path, signal);
        return closingOnError(response, async () => {
          if (response.statusCode === 404) {
            await response.body.dump();
            return false;
          }
          this.expectOk(response, 'GET', path);
          this.checkLength(response, this.limits.maxObjectBytes, path);
          await pipeline(response.body, this.sizeGuard(path), createWriteStream(file, { flags: 'wx', mode: 0o600 }), { signal });
          return true;
        });
      });
    } catch (error) {
      await rm(file, { force: true });
      throw error;
    }
  }

  /** Whether the server holds something at `path` (HEAD; any answer but 200 counts as no). */
  async has(path: string): Promise<boolean> {
    return this.withDeadline(path, async (signal) => {
      const response = await this.send('HEAD', path, signal);
      await closingOnError(response, () => response.body.dump());
      return response.statusCode === 200;
    });
  }

  async put(path: string, bytes: Uint8Array): Promise<void> {
    await this.withDeadline(path, async (signal) => {
      const response = await this.send('PUT', path, signal, bytes);
      this.counts.bytesUp += bytes.length;
      await closingOnError(response, async () => {
        this.expectOk(response, 'PUT', path);
        await response.body.dump();
      });
    });
  }

  /** Ends every connection at once: nothing a caller still waits for is worth finishing. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private async send(
    method: 'GET' | 'HEAD' | 'PUT',
    path: string,
    signal: AbortSignal,
    body?: Uint8Array,
  ): Promise<Dispatcher.ResponseData> {
    this.counts.requests += 1;
    try {
      return await request(this.urlOf(path), {
        method,
        dispatcher: this.dispatcher,
        signal,
        // undici 7 follows no redirect unless asked: a remote cannot send kindling elsewhere.
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/octet-stream' } }),
      });
    } catch (error) {
      throw this.describe(error, method, path);
    }
  }

  private expectOk(response: Dispatcher.ResponseData, method: string, path: string): void {
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    throw new RemoteError(`${method} ${this.urlOf(path)}: HTTP ${response.statusCode}`);
  }

  private checkLength(response: Dispatcher.ResponseData, limit: number, path: string): void {
    const length = Number(response.headers['content-length']);
    if (Number.isFinite(length) && length > limit)
      throw new RemoteError(`${this.urlOf(path)}: ${length} bytes, over the limit of ${limit}`);
  }

  /** Counts bytes as they pass and stops the transfer past the object limit. */
  private sizeGuard(path: string): Transform {
    let size = 0;
    const limit = this.limits.maxObjectBytes;
    const counts = this.counts;
    const url = this.urlOf(path);
    return new Transform({
      transform(chunk: Buffer, _encoding, done: TransformCallback) {
        size += chunk.length;
        counts.bytesDown += chunk.length;
        if (size > limit) done(new RemoteError(`${url}: larger than ${limit} bytes`));
        else done(null, chunk);
      },
    });
  }

  private async withDeadline<T>(path: string, step: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(this.limits.deadlineMs);
    try {
      return await step(signal);
    } catch (error) {
      if (signal.aborted)
        throw new RemoteError(`${this.urlOf(path)}: no complete answer within ${Math.round(this.limits.deadlineMs / 1000)} s`);
      throw this.describe(error, 'GET', path);
    }
  }

  private describe(error: unknown, method: string, path: string): RemoteError {
    if (error instanceof RemoteError) return error;
    const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    const message = error instanceof Error ? error.message : String(error);
    return new RemoteError(`${method} ${this.urlOf(path)}: ${message}${code}`);
  }
}

/**
 * Run `read` on a response; if it fails, destroy the body so that the connection is not left
 * holding an answer nobody reads (which would also keep the client from closing).
 */
async function closingOnError<T>(response: Dispatcher.ResponseData, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    response.body.destroy();
    throw error;
  }
}
