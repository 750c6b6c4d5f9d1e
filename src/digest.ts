// A sha256 digest as 64 lower-case hex characters. The brand keeps the type checker from
// confusing a digest with any other string (a path, a stage name) at the call sites that matter.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export type Sha256 = string & { readonly __brand: 'sha256' };

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export function isSha256(value: unknown): value is Sha256 {
  return typeof value === 'string' && SHA256_PATTERN.test(value);
}

/** Hash bytes held in memory. node:crypto is used for bulk hashing: it is far faster here. */
export function sha256Bytes(data: Uint8Array | string): Sha256 {
  return createHash('sha256').update(data).digest('hex') as Sha256;
}

/** Hash a file by streaming it, so large source tarballs never sit whole in memory. */
export async function sha256File(path: string): Promise<Sha256> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex') as Sha256;
}
