// Stage 01-hex0 run by kindling itself, under both backends: the hex0 seed, started by the kaem
// seed (PID 1 in the VM), assembles its own source to exactly its own bytes, and the manifest's
// declared output hash is the seed's.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { describeFailure } from '../../src/run/failure.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { Store } from '../../src/store/store.js';
import { AMD64_CHAIN } from '../support/amd64.js';
import { CAN_RUN_SEEDS, SEEDS_DIR } from './seed-rig.js';

describe.skipIf(!CAN_RUN_SEEDS)('stage 01-hex0 (the fixed point)', () => {
  let chain: Chain;
  let stores: string;

  beforeAll(async () => {
    chain = await loadChain(AMD64_CHAIN);
    stores = await mkdtemp(join(tmpdir(), 'kindling-hex0-stage-'));
  });
  afterAll(async () => {
    await rm(stores, { recursive: true, force: true });
  });

  it("declares the seed's own hash as its output, and takes the seed, kaem and the source as inputs", () => {
    const stage = chain.stages.find((s) => s.name === 'hex0');
    expect(stage?.outputs).toEqual([{ path: 'bin/hex0', sha256: chain.seeds.get('hex0')?.sha256, executable: true }]);
    expect(stage?.inputs.map((i) => i.origin)).toEqual([
      { kind: 'seed', seed: 'hex0' },
      { kind: 'seed', seed: 'kaem' },
      { kind: 'seed-source', seed: 'hex0' },
      { kind: 'file', file: 'build.kaem' },
    ]);
  });

  async function buildWith(name: string, sandbox: Sandbox): Promise<Uint8Array> {
    const store = await Store.open(join(stores, name));
    const result = await bootstrap({ chain, store, sandbox, until: 'hex0' });
    const failures = [...result.outcomes.values()].flatMap((o) => (o.status === 'failed' ? o.failures.map(describeFailure) : []));
    expect(failures).toEqual([]);
    expect(result.ok).toBe(true);
    const output = chain.stages.find((s) => s.name === 'hex0')!.outputs[0]!;
    return new Uint8Array(await readFile(store.objectPath(output.sha256)));
  }

  it('rebuilds the seed byte for byte under bubblewrap', async () => {
    expect(await buildWith('bwrap', createBwrapSandbox())).toEqual(new Uint8Array(await readFile(join(SEEDS_DIR, 'hex0'))));
  });

  it('rebuilds the seed byte for byte in a VM, with kaem as PID 1', async () => {
    expect(await buildWith('qemu', createQemuSandbox({ accel: 'tcg' }))).toEqual(new Uint8Array(await readFile(join(SEEDS_DIR, 'hex0'))));
  }, 180_000);
});
