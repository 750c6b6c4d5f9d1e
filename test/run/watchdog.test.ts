// A stage that hangs (here: sleeps, as one waiting for an input that is not there would) is
// reported while it runs, without being stopped early; a stage that computes or prints is not.
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, type ChainEvent } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { makeRig, type Rig, type RigStage } from '../support/rig.js';

const BB = '/bin/busybox';
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

async function notesOf(stage: RigStage): Promise<{ ok: boolean; notes: string[] }> {
  rig = await makeRig({ only: stage });
  const events: ChainEvent[] = [];
  const result = await bootstrap({
    chain: await loadChain(rig.chainDir),
    store: await Store.open(rig.storeDir),
    sandbox: createBwrapSandbox(),
    quietMs: 1_500,
    onEvent: (e) => events.push(e),
  });
  return { ok: result.ok, notes: events.flatMap((e) => (e.type === 'stage-note' ? [e.message] : [])) };
}

describe('the watchdog', () => {
  it('says when a running stage prints nothing and uses no CPU, and lets it finish', async () => {
    const { ok, notes } = await notesOf({ script: `${BB} sleep 4; printf done > /out/x\n`, outputs: { 'out/x': 'done' } });
    expect(ok).toBe(true);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^no output and no CPU for \d+ s: still running, but it may be waiting for something that is not there \(an input it was not given\?\); its timeout is in \d+ s$/,
    );
  }, 60_000);

  it('stays silent while the stage computes', async () => {
    // A busy loop in the shell for about four seconds: CPU all along, no output.
    const busy = `${BB} timeout 4 ${BB} sh -c 'while :; do :; done'; printf done > /out/x\n`;
    const { ok, notes } = await notesOf({ script: busy, outputs: { 'out/x': 'done' } });
    expect(ok).toBe(true);
    expect(notes).toEqual([]);
  }, 60_000);
});
