// Independent stages side by side: the default number of jobs, and under qemu, that two
// independent stages really run at the same time (their VMs' lifetimes overlap) and give the same
// outputs as when run one after the other.
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { defaultJobs, MEMORY_PER_JOB } from '../../src/run/jobs.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { Store } from '../../src/store/store.js';
import { makeRig, sha256, type Rig, type RigStage } from '../support/rig.js';

const GIB = 1024 * 1024 * 1024;

describe('the default number of jobs', () => {
  it('is one per core while memory holds a VM stage each, and never less than one', () => {
    expect(defaultJobs({ cores: 2, freeBytes: 20 * GIB })).toBe(2);
    expect(defaultJobs({ cores: 8, freeBytes: 3 * MEMORY_PER_JOB + 1 })).toBe(3);
    expect(defaultJobs({ cores: 2, freeBytes: MEMORY_PER_JOB + 1 })).toBe(1);
    expect(defaultJobs({ cores: 1, freeBytes: 20 * GIB })).toBe(1);
    expect(defaultJobs({ cores: 4, freeBytes: 0 })).toBe(1);
  });
});

/** A sandbox that notes when each run starts and ends (host clock), around the real one. */
function timed(sandbox: Sandbox): { sandbox: Sandbox; spans: { start: number; end: number }[] } {
  const spans: { start: number; end: number }[] = [];
  return {
    spans,
    sandbox: {
      ...sandbox,
      run: async (request) => {
        const start = performance.now();
        try {
          return await sandbox.run(request);
        } finally {
          spans.push({ start, end: performance.now() });
        }
      },
    },
  };
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.cleanup();
});

const BB = '/bin/busybox';
/** A stage that depends on no other: it writes its script's hash and its name. */
function independent(n: string): RigStage {
  const script = `${BB} sha256sum /build.sh > /out/${n}; printf ${n} >> /out/${n}\n`;
  return { script, outputs: { [`out/${n}`]: `${sha256(script)}  /build.sh\n${n}` } };
}

describe('independent stages under qemu', () => {
  it('run side by side with --jobs 2, each VM overlapping the other, with the outputs of a run one at a time', async () => {
    const kernel = await ensureKernel();
    const outputsOf = async (jobs: number) => {
      const rig = await makeRig({ a: independent('a'), b: independent('b') });
      rigs.push(rig);
      const { sandbox, spans } = timed(createQemuSandbox({ kernel, accel: 'tcg' }));
      const result = await bootstrap({ chain: await loadChain(rig.chainDir), store: await Store.open(rig.storeDir), sandbox, jobs });
      expect(result.ok).toBe(true);
      const outputs = [...result.outcomes.values()].map((o) => (o.status === 'verified' ? [o.record.stage, o.record.outputs] : o));
      return { outputs, spans };
    };
    const sideBySide = await outputsOf(2);
    expect(sideBySide.spans).toHaveLength(2);
    const [first, second] = sideBySide.spans.sort((x, y) => x.start - y.start);
    // The second VM started before the first one ended.
    expect(second!.start).toBeLessThan(first!.end);
    const oneByOne = await outputsOf(1);
    const [one, two] = oneByOne.spans.sort((x, y) => x.start - y.start);
    expect(two!.start).toBeGreaterThanOrEqual(one!.end);
    const byStage = (list: unknown[]) => [...list].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(byStage(sideBySide.outputs)).toEqual(byStage(oneByOne.outputs));
  }, 300_000);
});
