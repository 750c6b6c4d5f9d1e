// Two independent sha256 implementations over the same bytes: node:crypto (OpenSSL) and
// @noble/hashes (plain JavaScript). An auditor then trusts neither alone for the files that
// anchor the chain: the seeds and every file taken from the repository.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Sha256 } from '../digest.js';

export interface DualHash {
  readonly openssl: Sha256;
  readonly noble: Sha256;
  readonly size: number;
  /** True when the two implementations agree. */
  readonly agree: boolean;
}

/** Hashes a file once, streaming its bytes through both implementations. */
export async function dualHashFile(path: string): Promise<DualHash> {
  const openssl = createHash('sha256');
  const noble = nobleSha256.create();
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    const bytes = chunk as Buffer;
    openssl.update(bytes);
    noble.update(bytes);
    size += bytes.length;
  }
  const a = openssl.digest('hex') as Sha256;
  const b = bytesToHex(noble.digest()) as Sha256;
  return { openssl: a, noble: b, size, agree: a === b };
}
