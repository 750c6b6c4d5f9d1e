// A temporary store and the wanted-source records the sources tests fetch.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Bytes } from '../../src/digest.js';
import type { FetchOptions } from '../../src/sources/ensure.js';
import type { WantedSource } from '../../src/sources/wanted.js';
import { Store } from '../../src/store/store.js';

export interface Rig {
  readonly dir: string;
  readonly store: Store;
  cleanup(): Promise<void>;
}

export async function makeRig(): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-sources-'));
  const store = await Store.open(join(dir, 'store'));
  return { dir, store, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function randomPayload(size: number): Buffer {
  return randomBytes(size);
}

export function wanted(bytes: Uint8Array, urls: readonly string[], fileName = 'src.tar.gz'): WantedSource {
  return { sha256: sha256Bytes(bytes), urls, fileName, neededBy: ['stage test: src/src.tar.gz'] };
}

/** Short timeouts and back-off so every failure path ends in well under a second. */
export const fastOptions: FetchOptions = {
  retries: 2,
  backoffMs: 10,
  stallTimeoutMs: 300,
  connectTimeoutMs: 1000,
};
