// Writing an HTTP response body to a file, with a byte limit. The listeners that settle the
// returned promise are attached before anything else can run: a body that failed or ended while
// the caller was busy elsewhere (between receiving the headers and reading the body) still settles
// it, instead of leaving a promise no event will ever settle and a process that quietly exits.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Thrown (through the body) when more bytes arrive than the limit allows. */
export class BodyTooLargeError extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`more than ${limit} bytes`);
    this.name = 'BodyTooLargeError';
    this.limit = limit;
  }
}

/**
 * Write `body` to `path` (appended when `append`), failing once the file would pass `limit` bytes.
 * `startSize` is what the file already holds when appending. The body is read in flowing mode and
 * each chunk is written synchronously, so the body stream never signals backpressure: undici 7
 * crashes the process with an uncatchable assertion when a server closes the connection while its
 * parser is paused by backpressure (nodejs/undici#5360, fixed only in undici 8, which needs Node 22).
 * Nothing here awaits before the listeners are in place: the file is opened synchronously, and
 * `finished` also reports a stream that had already ended or failed before it was called.
 */
export function writeBodyToFile(
  body: Readable,
  path: string,
  options: { readonly append: boolean; readonly startSize: number; readonly limit: number; onChunk(length: number): void },
): Promise<void> {
  const settled = finished(body);
  let fd: number;
  try {
    fd = openSync(path, options.append ? 'a' : 'w');
  } catch (error) {
    body.destroy();
    return settled.then(
      () => Promise.reject(error as Error),
      () => Promise.reject(error as Error),
    );
  }
  let size = options.startSize;
  body.on('data', (chunk: Buffer) => {
    try {
      if (size + chunk.length > options.limit) throw new BodyTooLargeError(options.limit);
      for (let written = 0; written < chunk.length;) written += writeSync(fd, chunk, written);
      size += chunk.length;
      options.onChunk(chunk.length);
    } catch (error) {
      body.destroy(error as Error);
    }
  });
  return settled.finally(() => closeSync(fd));
}
