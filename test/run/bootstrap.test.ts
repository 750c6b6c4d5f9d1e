import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, type ChainEvent } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { makeRig, sha256, TWO_STAGES, type Rig, type RigStage } from '../support/rig.js';

const BB = '/bin/busybox';
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

async function run(stages: Record<string, RigStage>, options: { jobs?: number; until?: string } = {}) {
  rig ??= await makeRig(stages);
  const chain = await loadChain(rig.chainDir);
  const store = await Store.open(rig.storeDir);
  const events: ChainEvent[] = [];
  const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), onEvent: (e) => events.push(e), ...options });
  return { result, events, store, chain };
}

function failureOf(events: ChainEvent[]) {
  const failed = events.find((e) => e.type === 'stage-failed');
  if (failed?.type !== 'stage-failed') throw new Error(`no stage failed: ${JSON.stringify(events)}`);
  return failed.outcome;
}

describe('bootstrap under bubblewrap', () => {
  it('runs stages in order, stores verified outputs and writes a provenance record per stage', async () => {
    rig = await makeRig(TWO_STAGES);
    const { result, events, store } = await run({});
    expect(result.ok).toBe(true);
    expect(events.map((e) => `${e.type}:${e.stage}`)).toEqual([
      'stage-started:first',
      'stage-verified:first',
      'stage-started:second',
      'stage-verified:second',
    ]);
    expect(await readFile(store.objectPath(sha256('one\none\n') as never), 'utf8')).toBe('one\none\n');
    const verified = events.filter((e) => e.type === 'stage-verified');
    const record = verified[1]?.type === 'stage-verified' ? verified[1].record : undefined;
    expect(record?.inputs.find((i) => i.path === 'in/one')?.sha256).toBe(sha256('one\n'));
    expect(record?.outputs).toEqual([{ path: 'out/two', sha256: sha256('one\none\n') }]);
    expect(record?.trustedBase.backend).toBe('bwrap');
    expect(existsSync(store.recordPath(record!.stageKey))).toBe(true);
    // Work directories of verified stages are removed.
    expect(await readdir(join(rig.storeDir, 'work'))).toEqual([]);
  });

  it('does not run again a stage whose verified result is in the store', async () => {
    await run(TWO_STAGES);
    const { result, events } = await run(TWO_STAGES);
    expect(result.ok).toBe(true);
    expect(events.filter((e) => e.type === 'stage-started')).toEqual([]);
    expect(events.every((e) => e.type !== 'stage-verified' || e.cached)).toBe(true);
  });

  it('refuses a tampered input before anything runs, naming the file and both hashes', async () => {
    rig = await makeRig({
      only: { script: `${BB} cat /src/data > /out/x\n`, outputs: { 'out/x': 'good' }, files: { 'src/data': 'good' } },
    });
    await writeFile(join(rig.chainDir, '01-only', 'src_data'), 'evil');
    const { result, events } = await run({});
    expect(result.ok).toBe(false);
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
      first: { script: `echo making; printf 'actual' > /out/x\n`, outputs: { 'out/x': 'expected' } },
      second: { script: `printf y > /out/y\n`, outputs: { 'out/y': 'y' }, from: { 'out/x': ['first', 'out/x'] } },
    });
    expect(result.ok).toBe(false);
    expect(result.notRun).toEqual(['second']);
    const outcome = failureOf(events);
    expect(outcome.failures).toEqual([
      { reason: 'output-mismatch', path: 'out/x', expected: sha256('expected'), actual: sha256('actual') },
    ]);
    expect(await readFile(join(outcome.workDir!, 'root', 'out', 'x'), 'utf8')).toBe('actual');
    expect(await readFile(outcome.logFile!, 'utf8')).toContain('making');
  });

  it('reports a non-zero exit status', async () => {
    const { events } = await run({ bad: { script: 'exit 7\n', outputs: { 'out/x': '' } } });
    expect(failureOf(events).failures).toEqual([{ reason: 'exit-non-zero', exitCode: 7 }]);
  });

  it('kills a stage that hangs past its timeout', async () => {
    const started = Date.now();
    const { events } = await run({ hang: { script: `${BB} sleep 600\n`, outputs: { 'out/x': '' }, timeout: 1 } });
    expect(failureOf(events).failures).toEqual([{ reason: 'timeout', timeoutMs: 1000 }]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses a stage that writes outside its declared outputs', async () => {
    const { events } = await run({
      leaky: { script: `printf x > /out/x; printf y > /extra; ${BB} mkdir -p /tmp; printf z > /tmp/z\n`, outputs: { 'out/x': 'x' }, scratch: ['tmp'] },
    });
    expect(failureOf(events).failures).toEqual([{ reason: 'undeclared-file', paths: ['extra'] }]);
  });

  it('refuses an output that is a symbolic link to a host file', async () => {
    const { events } = await run({ link: { script: `${BB} ln -s /etc/passwd /out/x\n`, outputs: { 'out/x': 'whatever' } } });
    expect(failureOf(events).failures).toEqual([{ reason: 'output-not-regular', path: 'out/x', kind: 'symbolic link' }]);
  });

  it('refuses a stage that changes one of its inputs', async () => {
    const { events } = await run({
      mutate: { script: `printf changed > /src/data; printf x > /out/x\n`, outputs: { 'out/x': 'x' }, files: { 'src/data': 'orig' } },
    });
    expect(failureOf(events).failures).toEqual([
      { reason: 'input-modified', path: 'src/data', expected: sha256('orig'), actual: sha256('changed') },
    ]);
  });

  it('runs independent stages side by side up to --jobs', async () => {
    const slow = (n: string): RigStage => ({ script: `${BB} sleep 1; printf ${n} > /out/${n}\n`, outputs: { [`out/${n}`]: n } });
    const { result, events } = await run({ a: slow('a'), b: slow('b') }, { jobs: 2 });
    expect(result.ok).toBe(true);
    // Both started before either finished.
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['stage-started', 'stage-started']);
  });

  it('runs only a stage and its dependencies with --until', async () => {
    const { result } = await run({ ...TWO_STAGES, other: { script: 'printf o > /out/o\n', outputs: { 'out/o': 'o' } } }, { until: 'second' });
    expect(result.stages.map((s) => s.name)).toEqual(['first', 'second']);
  });

  it('lets two runs race on one store without running a stage twice or corrupting it', async () => {
    rig = await makeRig({
      a: { script: `${BB} sleep 0.5; printf a > /out/a\n`, outputs: { 'out/a': 'a' } },
      b: { script: `${BB} cat /out/a > /out/b\n`, outputs: { 'out/b': 'a' }, from: { 'out/a': ['a', 'out/a'] } },
    });
    const [one, two] = await Promise.all([run({}), run({})]);
    expect(one.result.ok && two.result.ok).toBe(true);
    const starts = [...one.events, ...two.events].filter((e) => e.type === 'stage-started');
    expect(starts.map((e) => e.stage).sort()).toEqual(['a', 'b']);
  });
});
