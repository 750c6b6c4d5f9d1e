// The orchestrator under a real sandbox (bubblewrap): what only real programs show — the record's
// trusted base, a real exit status, a process killed at its timeout, files a real program leaves.
// The orchestrator's own logic (planning, caching, failure reports, halts, interrupts) is tested
// without a sandbox in orchestrator.test.ts.
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
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
      leaky: {
        script: `printf x > /out/x; printf y > /extra; ${BB} mkdir -p /tmp; printf z > /tmp/z\n`,
        outputs: { 'out/x': 'x' },
        scratch: ['tmp'],
      },
    });
    expect(failureOf(events).failures).toEqual([{ reason: 'undeclared-file', paths: ['extra'] }]);
  });

  it('refuses an output that is a symbolic link to a host file', async () => {
    const { events } = await run({ link: { script: `${BB} ln -s /etc/passwd /out/x\n`, outputs: { 'out/x': 'whatever' } } });
    expect(failureOf(events).failures).toEqual([{ reason: 'output-not-regular', path: 'out/x', kind: 'symbolic link' }]);
  });
});
