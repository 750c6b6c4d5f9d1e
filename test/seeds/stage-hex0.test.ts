// Stage 01-hex0 of each chain (amd64 and aarch64) run by kindling itself, under both backends: the
// hex0 seed, started by the kaem seed (PID 1 in the VM), assembles its own source to exactly its
// own bytes, and the manifest's declared output hash is the seed's. The aarch64 chain runs in
// qemu-system-aarch64, and under bubblewrap through qemu-user.
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
import { REPO } from '../support/cli.js';
import { SEED_SETS } from './seed-rig.js';

const CHAINS = { amd64: AMD64_CHAIN, aarch64: join(REPO, 'stages', 'aarch64') } as const;

for (const seeds of SEED_SETS) describe.skipIf(!seeds.canRun)(`stage 01-hex0 of the ${seeds.arch} chain (the fixed point)`, () => {
  let chain: Chain;
  let stores: string;

  beforeAll(async () => {
    chain = await loadChain(CHAINS[seeds.arch]);
    expect(chain.arch).toBe(seeds.arch);
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
    expect(await buildWith('bwrap', createBwrapSandbox({ arch: seeds.arch }))).toEqual(new Uint8Array(await readFile(join(seeds.dir, 'hex0'))));
  });

  it('rebuilds the seed byte for byte in a VM, with kaem as PID 1', async () => {
    expect(await buildWith('qemu', createQemuSandbox({ accel: 'tcg', arch: seeds.arch }))).toEqual(new Uint8Array(await readFile(join(seeds.dir, 'hex0'))));
  }, 180_000);
});
