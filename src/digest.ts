// A sha256 digest as 64 lower-case hex characters. The brand keeps the type checker from
// confusing a digest with any other string (a path, a stage name) at the call sites that matter.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { KindlingError } from './errors.js';

export type Sha256 = string & { readonly __brand: 'sha256' };

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export function isSha256(value: unknown): value is Sha256 {
  return typeof value === 'string' && SHA256_PATTERN.test(value);
}

/** Hash bytes held in memory. node:crypto is used for bulk hashing: it is far faster here. */
export function sha256Bytes(data: Uint8Array | string): Sha256 {
  return createHash('sha256').update(data).digest('hex') as Sha256;
}

/** Something other than a regular file where a file was to be hashed: a FIFO, a directory, a device. */
export class NotAFileError extends KindlingError {
  constructor(path: string, what: string) {
    super('input', `${path} is not a regular file but ${what}`);
    this.name = 'NotAFileError';
  }
}

/**
 * Hash a file by streaming it, so large source tarballs never sit whole in memory. It is opened
 * without blocking and checked to be a regular file first: reading a FIFO would wait forever for
 * a writer, and a directory fails with a bare EISDIR.
 */
export async function sha256File(path: string): Promise<Sha256> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const what = info.isFIFO() ? 'a FIFO' : info.isDirectory() ? 'a directory' : info.isSocket() ? 'a socket' : 'a device';
      throw new NotAFileError(path, what);
    }
    const hash = createHash('sha256');
    for await (const chunk of handle.createReadStream({ autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest('hex') as Sha256;
  } finally {
    await handle.close();
  }
}
