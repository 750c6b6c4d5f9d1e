// The aarch64 chain must give byte-identical outputs under every backend: under bubblewrap (its
// programs run by qemu-user through binfmt_misc) and in qemu-system-aarch64 (Debian's arm64
// kernel), each from an empty store. And where two architectures' programs read the same
// language, the same source must give the same bytes on both: each hex0 assembles the other
// chain's hex1 source to that chain's hex1, and the two catms join files alike (the two M0s are
// compared in test/stages/m0-aarch64.test.ts).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/environment.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, type BootstrapResult } from '../../src/run/bootstrap.js';
import { describeFailure } from '../../src/run/failure.js';
import { createSandbox } from '../../src/sandbox/select.js';
import { Store } from '../../src/store/store.js';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function runUnder(name: 'bwrap' | 'qemu'): Promise<{ store: Store; result: BootstrapResult }> {
  const dir = await mkdtemp(join(tmpdir(), `kindling-equivalence-aarch64-${name}-`));
  dirs.push(dir);
  const store = await Store.open(join(dir, 'store'));
  const chain = await loadChain(AARCH64_CHAIN);
  const result = await bootstrap({ chain, store, sandbox: await createSandbox({ name, arch: 'aarch64' }), jobs: 1 });
  return { store, result };
}

/** Each failed stage with what went wrong, so a failure here says why. */
function problems(result: BootstrapResult): string[] {
  return [...result.outcomes.values()].flatMap((o) =>
    o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
  );
}

describe.skipIf(!CAN_RUN_AARCH64)('the aarch64 chain under both backends, and against the amd64 chain', () => {
  it('gives byte-identical outputs under bubblewrap and under qemu-system-aarch64, for every stage', async () => {
    const bwrap = await runUnder('bwrap');
    const qemu = await runUnder('qemu');
    expect(problems(bwrap.result)).toEqual([]);
    expect(problems(qemu.result)).toEqual([]);
    expect(qemu.result.trustedBase?.backend).toBe('qemu');
    // Each stage restored the saved machine rather than booting (unless KINDLING_VM_RESTORE=0): its boot program is in the trusted base.
    if (readEnvironment().vmRestore) expect(qemu.result.trustedBase?.components.map((c) => c.name)).toContain('guest-boot');
    expect(bwrap.result.stages.map((s) => s.name)).toEqual(['hex0', 'hex1', 'hex2', 'catm', 'M0', 'b0', 'cc']);
    for (const stage of bwrap.result.stages) {
      const a = bwrap.result.outcomes.get(stage.name);
      const b = qemu.result.outcomes.get(stage.name);
      if (a?.status !== 'verified' || b?.status !== 'verified') throw new Error(`${stage.name} not verified under both`);
      expect([a.cached, b.cached]).toEqual([false, false]);
      expect(b.record.outputs).toEqual(a.record.outputs);
      for (const output of a.record.outputs) {
        const left = await readFile(bwrap.store.objectPath(output.sha256));
        const right = await readFile(qemu.store.objectPath(output.sha256));
        expect(Buffer.compare(left, right), `${stage.name}: ${output.path}`).toBe(0);
      }
    }
  }, 900_000);

  it("makes each chain's hex1 with the other chain's hex0, and joins files alike with both catms", async () => {
    const work = await mkdtemp(join(tmpdir(), 'kindling-cross-arch-'));
    dirs.push(work);
    const hex0 = { amd64: await chainOutput('hex0', 'bin/hex0'), aarch64: await aarch64ChainOutput('hex0', 'bin/hex0') };
    const hex1 = { amd64: await chainOutput('hex1', 'bin/hex1'), aarch64: await aarch64ChainOutput('hex1', 'bin/hex1') };
    await execa(hex0.amd64, [join(AARCH64_CHAIN, '02-hex1', 'hex1.hex0'), join(work, 'aarch64-hex1')]);
    await execa(hex0.aarch64, [join(AMD64_CHAIN, '02-hex1', 'hex1.hex0'), join(work, 'amd64-hex1')]);
    expect((await readFile(join(work, 'aarch64-hex1'))).equals(await readFile(hex1.aarch64))).toBe(true);
    expect((await readFile(join(work, 'amd64-hex1'))).equals(await readFile(hex1.amd64))).toBe(true);

    const catm = { amd64: await chainOutput('catm', 'bin/catm'), aarch64: await aarch64ChainOutput('catm', 'bin/catm') };
    const inputs = [
      join(AARCH64_CHAIN, 'common', 'elf64.hex2'),
      join(AARCH64_CHAIN, '05-M0', 'M0.hex2'),
      join(AARCH64_CHAIN, 'common', 'elf64-end.hex2'),
    ];
    await writeFile(join(work, 'empty'), '');
    await execa(catm.amd64, [join(work, 'joined-amd64'), ...inputs, join(work, 'empty')]);
    await execa(catm.aarch64, [join(work, 'joined-aarch64'), ...inputs, join(work, 'empty')]);
    const joined = await readFile(join(work, 'joined-aarch64'));
    expect(joined.equals(await readFile(join(work, 'joined-amd64')))).toBe(true);
    expect(joined.equals(Buffer.concat(await Promise.all(inputs.map((p) => readFile(p)))))).toBe(true);
  }, 300_000);
});
