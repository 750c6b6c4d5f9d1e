// Crash safety: a real bootstrap (bubblewrap, a small chain) is killed with SIGKILL at random
// moments; after each kill `kindling store verify` finds no damaged object or record, and a normal
// run recovers and verifies every stage. The number of kills is bounded to keep CI fast; the delays
// are random so that, run after run, the kills land in every phase (fetch, stage run, import,
// record write).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kindling } from '../support/cli.js';
import { makeRig, type Rig, type RigStage } from '../support/rig.js';

const BB = '/bin/busybox';
const KILLS = 4;
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const chain: Record<string, RigStage> = {
  one: { script: `${BB} sleep 0.2; printf 1 > /out/1\n`, outputs: { 'out/1': '1' } },
  two: { script: `${BB} sleep 0.2; ${BB} cat /in/1 /in/1 > /out/2\n`, outputs: { 'out/2': '11' }, from: { 'in/1': ['one', 'out/1'] } },
  three: { script: `${BB} sleep 0.2; ${BB} cat /in/2 /in/2 > /out/3\n`, outputs: { 'out/3': '1111' }, from: { 'in/2': ['two', 'out/2'] } },
  four: {
    script: `${BB} cat /in/3 /in/1 > /out/4\n`,
    outputs: { 'out/4': '11111' },
    from: { 'in/3': ['three', 'out/3'], 'in/1': ['one', 'out/1'] },
  },
};

describe('SIGKILL at random moments of a real bootstrap', () => {
  it(`leaves no damaged object or record, and a normal run recovers, ${KILLS} times`, async () => {
    rig = await makeRig(chain);
    for (let kill = 0; kill < KILLS; kill++) {
      // A fresh store each time: every kill lands in a real run, not in one that finds all cached.
      const store = `${rig.storeDir}-${kill}`;
      const args = ['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', store];
      const verify = ['store', 'verify', '--store', store];
      const run = kindling(args);
      const delay = 200 + Math.floor(Math.random() * 2500);
      const timer = setTimeout(() => run.kill('SIGKILL'), delay);
      await run;
      clearTimeout(timer);
      const checked = await kindling(verify);
      expect(checked.stdout, `after a kill at ${delay} ms`).toMatch(/ 0 bad objects, 0 bad records/);
      expect(checked.exitCode).toBe(0);
      const recovered = await kindling(args);
      expect(recovered.exitCode, recovered.all).toBe(0);
      // The stages the killed run finished are taken from the store; the others run now.
      const summary = /chain 'rig': (?:(\d) stages? verified \(bwrap\))?(?:, )?(?:(\d) stages? already in the store)?;/.exec(
        recovered.stdout,
      );
      expect(summary, recovered.stdout).not.toBeNull();
      expect(Number(summary![1] ?? 0) + Number(summary![2] ?? 0)).toBe(4);
      expect((await kindling(verify)).exitCode).toBe(0);
      // Nothing left behind: the killed run's work directory and temporary files are gone.
      expect(await readdir(join(store, 'work')), recovered.all).toEqual([]);
      expect(await readdir(join(store, 'tmp'))).toEqual([]);
    }
  });
});
