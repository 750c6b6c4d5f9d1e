// Two independent sha256 implementations over the same bytes: node:crypto (OpenSSL) and
// @noble/hashes (plain JavaScript). Whoever checks the files that anchor the chain — the seeds
// (`kindling seeds`) and every file the audit takes from the repository — then trusts neither alone.
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

interface Hashers {
  update(bytes: Uint8Array): void;
  result(): DualHash;
}

function hashers(): Hashers {
  const openssl = createHash('sha256');
  const noble = nobleSha256.create();
  let size = 0;
  return {
    update(bytes) {
      openssl.update(bytes);
      noble.update(bytes);
      size += bytes.length;
    },
    result() {
      const a = openssl.digest('hex') as Sha256;
      const b = bytesToHex(noble.digest()) as Sha256;
      return { openssl: a, noble: b, size, agree: a === b };
    },
  };
}

/** Hashes bytes already in memory with both implementations. */
export function dualHash(bytes: Uint8Array): DualHash {
  const both = hashers();
  both.update(bytes);
  return both.result();
}

/** Hashes a file once, streaming its bytes through both implementations. */
export async function dualHashFile(path: string): Promise<DualHash> {
  const both = hashers();
  for await (const chunk of createReadStream(path)) both.update(chunk as Buffer);
  return both.result();
}
