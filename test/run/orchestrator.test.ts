// The orchestrator's own logic — planning, the store and its cache, verification of what a stage
// left, failure reports, halts, interrupts — over the fake backend (src/sandbox/fake.ts): each
// stage is a TypeScript function acting on a real stage root, so no bubblewrap or qemu is needed and
// every case runs in milliseconds. test/run/bootstrap.test.ts keeps what needs a real sandbox.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attestHalt } from '../../src/attest/attest.js';
import { generateKeyFiles, loadSigningKey } from '../../src/attest/key-files.js';
import type { Sha256 } from '../../src/digest.js';
import { KindlingError } from '../../src/errors.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, summarize, type ChainEvent } from '../../src/run/bootstrap.js';
import { describeFailure, type StageFailure } from '../../src/run/failure.js';
import { runChain, type RunChainOptions } from '../../src/run/run-chain.js';
import { createFakeSandbox } from '../../src/sandbox/fake.js';
import type { FakeRun } from '../../src/sandbox/fake.js';
import { Store } from '../../src/store/store.js';
import { makeRig, sha256, type Rig, type RigStage } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** A program that writes `content` to `path` in its root. */
const writes =
  (path: string, content: string) =>
  async (run: FakeRun): Promise<void> => {
    await mkdir(join(run.file(path), '..'), { recursive: true });
    await writeFile(run.file(path), content);
  };

/** `first` writes a file; `second` takes it as an input and writes it twice. */
function twoStages(calls: string[] = []): Record<string, RigStage> {
  return {
    first: {
      outputs: { 'out/one': 'one\n' },
      program: async (run) => {
        calls.push('first');
        await writes('out/one', 'one\n')(run);
      },
    },
    second: {
      outputs: { 'out/two': 'one\none\n' },
      from: { 'in/one': ['first', 'out/one'] },
      program: async (run) => {
        calls.push('second');
        const one = await readFile(run.file('in/one'), 'utf8');
        await writes('out/two', one + one)(run);
      },
    },
  };
}

type Options = Omit<RunChainOptions, 'chain' | 'store' | 'sandbox' | 'onEvent'>;

async function run(stages: Record<string, RigStage>, options: Options = {}) {
  rig ??= await makeRig(stages);
  const chain = await loadChain(rig.chainDir);
  const store = await Store.open(rig.storeDir);
  const events: ChainEvent[] = [];
  const result = await runChain({ chain, store, sandbox: rig.fake({ graceMs: 100 }), onEvent: (e) => events.push(e), ...options });
  return { result, events, store, chain };
}

function failureOf(events: ChainEvent[]) {
  const failed = events.find((e) => e.type === 'stage-failed');
  if (failed?.type !== 'stage-failed') throw new Error(`no stage failed: ${JSON.stringify(events)}`);
  return failed.outcome;
}

const trace = (events: ChainEvent[]): string[] => events.map((e) => `${e.type}:${e.stage}`);

describe('planning', () => {
  it('runs stages in dependency order, stores verified outputs and writes a record per stage', async () => {
    const { result, events, store } = await run(twoStages());
    expect(result.ok).toBe(true);
    expect(trace(events)).toEqual(['stage-started:first', 'stage-verified:first', 'stage-started:second', 'stage-verified:second']);
    expect(await readFile(store.objectPath(sha256('one\none\n') as Sha256), 'utf8')).toBe('one\none\n');
    const last = events.at(-1);
    const record = last?.type === 'stage-verified' ? last.record : undefined;
    expect(record?.inputs.find((i) => i.path === 'in/one')?.sha256).toBe(sha256('one\n'));
    expect(record?.outputs).toEqual([{ path: 'out/two', sha256: sha256('one\none\n') }]);
    expect(record?.trustedBase.backend).toBe('fake');
    expect(existsSync(store.recordPath(record!.stageKey))).toBe(true);
    // Work directories of verified stages are removed.
    expect(await readdir(join(rig!.storeDir, 'work'))).toEqual([]);
  });

  it('gives a stage a root holding exactly its inputs', async () => {
    let seen: string[] = [];
    await run({
      look: {
        outputs: { 'out/x': 'x' },
        files: { 'src/a': 'a' },
        program: async (r) => {
          seen = (await readdir(r.root, { recursive: true })).sort();
          await writes('out/x', 'x')(r);
        },
      },
    });
    expect(seen).toEqual(['bin', 'bin/look', 'out', 'src', 'src/a']);
  });

  it('runs only a stage and its dependencies with until', async () => {
    const calls: string[] = [];
    const { result } = await run(
      { ...twoStages(calls), other: { program: writes('out/o', 'o'), outputs: { 'out/o': 'o' } } },
      { until: 'second' },
    );
    expect(result.ok).toBe(true);
    expect(result.stages.map((s) => s.name)).toEqual(['first', 'second']);
    expect(calls).toEqual(['first', 'second']);
  });

  it('refuses an unknown stage as a usage error, naming the stages there are', async () => {
    const refused = run(twoStages(), { until: 'third' });
    await expect(refused).rejects.toThrow("chain 'rig' has no stage 'third' (stages: first, second)");
    await expect(refused).rejects.toMatchObject({ kind: 'usage' });
  });

  it('refuses a backend made for another architecture before anything runs', async () => {
    rig = await makeRig(twoStages());
    const chain = await loadChain(rig.chainDir);
    const store = await Store.open(rig.storeDir);
    const sandbox = createFakeSandbox({ programs: new Map(), arch: 'aarch64' });
    await expect(bootstrap({ chain, store, sandbox })).rejects.toThrow(
      "chain 'rig' is for amd64, but the fake backend was made to run aarch64 programs",
    );
  });

  it('runs independent stages side by side up to jobs, and one at a time without', async () => {
    for (const jobs of [1, 2]) {
      await rig?.cleanup();
      rig = undefined;
      let running = 0;
      let most = 0;
      const slow = (name: string): RigStage => ({
        outputs: { [`out/${name}`]: name },
        program: async (r) => {
          most = Math.max(most, (running += 1));
          await new Promise((resolve) => setTimeout(resolve, 50));
          running -= 1;
          await writes(`out/${name}`, name)(r);
        },
      });
      const { result, events } = await run({ a: slow('a'), b: slow('b'), c: slow('c') }, { jobs });
      expect(result.ok).toBe(true);
      expect(most).toBe(jobs);
      if (jobs === 2) expect(events.slice(0, 2).map((e) => e.type)).toEqual(['stage-started', 'stage-started']);
    }
  });
});

describe('the store as a cache', () => {
  it('does not run again a stage whose verified result is in the store', async () => {
    const calls: string[] = [];
    await run(twoStages(calls));
    const { result, events } = await run(twoStages(calls));
    expect(result.ok).toBe(true);
    expect(calls).toEqual(['first', 'second']);
    expect(events.filter((e) => e.type === 'stage-started')).toEqual([]);
    expect(events.every((e) => e.type !== 'stage-verified' || e.cached)).toBe(true);
  });

  it('runs a stage again when its stored output was damaged, says why, and sets the object aside', async () => {
    const calls: string[] = [];
    const { store } = await run(twoStages(calls));
    const object = store.objectPath(sha256('one\n') as Sha256);
    await chmod(object, 0o644);
    await writeFile(object, 'onE\n');
    const again = await run(twoStages(calls));
    expect(again.result.ok).toBe(true);
    expect(calls).toEqual(['first', 'second', 'first']);
    const note = again.events.find((e) => e.type === 'stage-note' && e.stage === 'first');
    expect(note?.type === 'stage-note' && note.message).toContain(`sha256 ${sha256('onE\n')}`);
    expect(await readFile(object, 'utf8')).toBe('one\n');
    expect(await readdir(join(rig!.storeDir, 'corrupt'))).toHaveLength(1);
  });

  it('lets two runs race on one store without running a stage twice', async () => {
    const calls: string[] = [];
    rig = await makeRig(twoStages(calls));
    const [one, two] = await Promise.all([run({}), run({})]);
    expect(one.result.ok && two.result.ok).toBe(true);
    expect(calls.sort()).toEqual(['first', 'second']);
  });
});

describe('failure reports', () => {
  it('refuses a tampered input before anything runs, naming the file and both hashes', async () => {
    const calls: string[] = [];
    rig = await makeRig({ only: { program: () => void calls.push('only'), outputs: { 'out/x': 'good' }, files: { 'src/data': 'good' } } });
    await writeFile(join(rig.chainDir, '01-only', 'src_data'), 'evil');
    const { result, events } = await run({});
    expect(result.ok).toBe(false);
    expect(calls).toEqual([]);
    expect(events.some((e) => e.type === 'stage-started')).toBe(false);
    expect(failureOf(events).failures[0]).toMatchObject({
      reason: 'input-mismatch',
      path: 'src/data',
      expected: sha256('good'),
      actual: sha256('evil'),
    });
  });

  it('stops the chain on a wrong output hash, keeps the work directory and log, and runs nothing after it', async () => {
    const { result, events } = await run({
      first: {
        outputs: { 'out/x': 'expected' },
        program: async (r) => {
          await r.print('making\n');
          await writes('out/x', 'actual')(r);
        },
      },
      second: { program: writes('out/y', 'y'), outputs: { 'out/y': 'y' }, from: { 'out/x': ['first', 'out/x'] } },
    });
    expect(result.ok).toBe(false);
    expect(result.notRun).toEqual(['second']);
    expect(trace(events).at(-1)).toBe('stage-not-run:second');
    const outcome = failureOf(events);
    const failure: StageFailure = {
      reason: 'output-mismatch',
      path: 'out/x',
      expected: sha256('expected') as Sha256,
      actual: sha256('actual') as Sha256,
    };
    expect(outcome.failures).toEqual([failure]);
    expect(describeFailure(failure)).toBe(`output out/x has sha256 ${sha256('actual')}, the manifest expects ${sha256('expected')}`);
    expect(await readFile(join(outcome.workDir!, 'root', 'out', 'x'), 'utf8')).toBe('actual');
    expect(await readFile(outcome.logFile!, 'utf8')).toBe('making\n');
    // The machine-readable report carries the same, and names the stage that did not run.
    expect(summarize(result)).toMatchObject({
      ok: false,
      stages: [
        { stage: 'first', status: 'failed', failures: [failure], workDir: outcome.workDir, logFile: outcome.logFile },
        { stage: 'second', status: 'not-run' },
      ],
    });
  });

  const cases: [string, RigStage, unknown[]][] = [
    ['a non-zero exit status', { program: () => 7, outputs: { 'out/x': '' } }, [{ reason: 'exit-non-zero', exitCode: 7 }]],
    ['a missing output', { program: () => 0, outputs: { 'out/x': '' } }, [{ reason: 'output-missing', path: 'out/x' }]],
    [
      'a file outside the declared outputs',
      {
        outputs: { 'out/x': 'x' },
        scratch: ['tmp'],
        program: async (r) => {
          await writes('out/x', 'x')(r);
          await writes('extra', 'y')(r);
          await writes('tmp/z', 'z')(r); // scratch: allowed
        },
      },
      [{ reason: 'undeclared-file', paths: ['extra'] }],
    ],
    [
      'an output that is a symbolic link',
      {
        outputs: { 'out/x': 'whatever' },
        program: async (r) => void (await mkdir(r.file('out'), { recursive: true }), await symlink('/etc/passwd', r.file('out/x'))),
      },
      [{ reason: 'output-not-regular', path: 'out/x', kind: 'symbolic link' }],
    ],
    [
      'a changed input',
      {
        outputs: { 'out/x': 'x' },
        files: { 'src/data': 'orig' },
        program: async (r) => void (await writes('src/data', 'changed')(r), await writes('out/x', 'x')(r)),
      },
      [{ reason: 'input-modified', path: 'src/data', expected: sha256('orig'), actual: sha256('changed') }],
    ],
    [
      'a crashed program',
      {
        outputs: { 'out/x': 'x' },
        program: () => {
          throw new Error('segmentation fault');
        },
      },
      [{ reason: 'sandbox-failed', message: 'fake program crashed: segmentation fault' }],
    ],
  ];
  for (const [what, stage, failures] of cases) {
    it(`reports ${what}`, async () => {
      const { result, events } = await run({ stage });
      expect(result.ok).toBe(false);
      expect(failureOf(events).failures).toEqual(failures);
    });
  }

  it('stops a stage that runs past its timeout, and the stage sees it stopped', async () => {
    let stoppedInside = false;
    const started = Date.now();
    const { events } = await run({
      hang: {
        outputs: { 'out/x': '' },
        timeout: 1,
        program: (r) =>
          new Promise<number>((resolve) => {
            r.signal.addEventListener('abort', () => {
              stoppedInside = true;
              resolve(0);
            });
          }),
      },
    });
    expect(failureOf(events).failures).toEqual([{ reason: 'timeout', timeoutMs: 1000 }]);
    expect(stoppedInside).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('gives up on a stage that ignores its timeout after the grace a killed process gets', async () => {
    const { events } = await run({
      stubborn: { outputs: { 'out/x': '' }, timeout: 1, program: () => new Promise<number>(() => undefined) },
    });
    expect(failureOf(events).failures).toEqual([{ reason: 'timeout', timeoutMs: 1000 }]);
  });
});

describe('interrupts', () => {
  it('stops the running stage, keeps its work directory, and starts nothing after it', async () => {
    const controller = new AbortController();
    const { result, events } = await run(
      {
        ...twoStages(),
        first: {
          outputs: { 'out/one': 'one\n' },
          program: (r) =>
            new Promise<number>((resolve) => {
              r.signal.addEventListener('abort', () => resolve(0));
              controller.abort();
            }),
        },
      },
      { signal: controller.signal },
    );
    expect(result.ok).toBe(false);
    const outcome = failureOf(events);
    expect(outcome.failures).toEqual([{ reason: 'aborted' }]);
    expect(existsSync(join(outcome.workDir!, 'root', 'bin', 'first'))).toBe(true);
    expect(result.notRun).toEqual(['second']);
    expect(events.at(-1)).toEqual({ type: 'stage-not-run', stage: 'second', because: 'interrupted' });
  });

  it('runs nothing when interrupted before the first stage', async () => {
    const calls: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const { result, events } = await run(twoStages(calls), { signal: controller.signal });
    expect(result.ok).toBe(false);
    expect(calls).toEqual([]);
    expect(events.filter((e) => e.type === 'stage-started')).toEqual([]);
  });
});

describe('halts', () => {
  it('refuses to run a stage halted by a trusted signer, naming who and why, until the halt is released', async () => {
    const calls: string[] = [];
    rig = await makeRig(twoStages(calls));
    const keys = await generateKeyFiles(join(rig.dir, 'keys', 'alice.key'), 'alice');
    const key = await loadSigningKey(keys.privatePath);
    const statements = join(rig.dir, 'statements');
    const halts = { attestationsDir: statements, trust: keys.publicPath, threshold: 1 };
    await attestHalt('halt', { chain: 'rig', stage: 'second' }, 'backdoor suspected', key, statements, new Date('2026-01-01T00:00:00Z'));

    const refused = run({}, { halts });
    await expect(refused).rejects.toThrow(/stage rig\/second halted by 1 trusted signer\(s\): alice .*backdoor suspected/);
    await expect(refused).rejects.toBeInstanceOf(KindlingError);
    expect(calls).toEqual([]);
    // Only runs that reach the halted stage are refused.
    expect((await run({}, { halts, until: 'first' })).result.ok).toBe(true);
    // A halt by a key that is not trusted counts for nothing.
    const mallory = await generateKeyFiles(join(rig.dir, 'keys', 'mallory.key'), 'mallory');
    await attestHalt(
      'halt',
      { chain: 'rig' },
      'spite',
      await loadSigningKey(mallory.privatePath),
      statements,
      new Date('2026-01-01T00:00:01Z'),
    );
    await expect(run({}, { halts })).rejects.toThrow(/alice/);

    await attestHalt(
      'release',
      { chain: 'rig', stage: 'second' },
      'checked: false alarm',
      key,
      statements,
      new Date('2026-01-01T00:00:02Z'),
    );
    expect((await run({}, { halts })).result.ok).toBe(true);
    expect(calls).toEqual(['first', 'second']);
  });
});
