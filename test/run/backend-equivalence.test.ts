// The same stages must give byte-identical outputs under every backend. This runs the real amd64
// chain from empty stores under bubblewrap and under qemu and compares every output's bytes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, type BootstrapResult } from '../../src/run/bootstrap.js';
import { describeFailure } from '../../src/run/failure.js';
import { createSandbox } from '../../src/sandbox/select.js';
import { ensureSources } from '../../src/sources/ensure.js';
import { Store } from '../../src/store/store.js';
import { AMD64_CHAIN, DISTFILES } from '../support/amd64.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function runUnder(name: 'bwrap' | 'qemu'): Promise<{ store: Store; result: BootstrapResult }> {
  const dir = await mkdtemp(join(tmpdir(), `kindling-equivalence-${name}-`));
  dirs.push(dir);
  const store = await Store.open(join(dir, 'store'));
  const chain = await loadChain(AMD64_CHAIN);
  await ensureSources(chain, store, { distfiles: DISTFILES, retries: 0 });
  const result = await bootstrap({ chain, store, sandbox: await createSandbox({ name }), jobs: 2 });
  return { store, result };
}

/** Each failed stage with what went wrong, so a failure here says why. */
function problems(result: BootstrapResult): string[] {
  return [...result.outcomes.values()].flatMap((o) => (o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : []));
}

describe('backend equivalence on the amd64 chain', () => {
  it('gives byte-identical outputs under bubblewrap and under qemu, for every stage', async () => {
    const bwrap = await runUnder('bwrap');
    const qemu = await runUnder('qemu');
    expect(problems(bwrap.result)).toEqual([]);
    expect(problems(qemu.result)).toEqual([]);
    expect(qemu.result.trustedBase?.backend).toBe('qemu');
    expect(bwrap.result.stages.length).toBeGreaterThanOrEqual(4);
    for (const stage of bwrap.result.stages) {
      const a = bwrap.result.outcomes.get(stage.name);
      const b = qemu.result.outcomes.get(stage.name);
      if (a?.status !== 'verified' || b?.status !== 'verified') throw new Error(`${stage.name} not verified under both`);
      // Neither run may have been answered from a cache: each store started empty.
      expect([a.cached, b.cached]).toEqual([false, false]);
      expect(b.record.outputs).toEqual(a.record.outputs);
      for (const output of a.record.outputs) {
        const left = await readFile(bwrap.store.objectPath(output.sha256));
        const right = await readFile(qemu.store.objectPath(output.sha256));
        expect(Buffer.compare(left, right), `${stage.name}: ${output.path}`).toBe(0);
      }
    }
  }, 900_000);
});
