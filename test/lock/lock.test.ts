import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kindling } from '../support/cli.js';
import { makeRig, sha256, TWO_STAGES, type Rig } from '../support/rig.js';

const BB = '/bin/busybox';
// A placeholder a person might write before the first run (plain YAML: letters keep it a string).
const ZERO = 'e'.repeat(64);
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const manifest = (name: string): string => join(rig!.chainDir, name, 'stage.yaml');

/** Every sha256 in a manifest's text becomes the placeholder: a chain written before any run. */
async function unlockAll(files: readonly string[]): Promise<void> {
  for (const file of files) await writeFile(file, (await readFile(file, 'utf8')).replace(/[0-9a-f]{64}/g, ZERO));
}

describe('kindling lock', () => {
  it('writes the hashes real runs produce into producers and consumers, keeps the rest of each file, and the chain then verifies', async () => {
    rig = await makeRig(TWO_STAGES);
    const files = [manifest('01-first'), manifest('02-second')];
    await unlockAll(files);
    // A comment and the line layout must survive: only hashes change.
    await writeFile(files[1]!, `# the second stage, read by people\n${await readFile(files[1]!, 'utf8')}`);
    const before = await readFile(files[1]!, 'utf8');

    const locked = await kindling(['lock', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(locked.all).toContain('chain locked');
    expect(locked.exitCode).toBe(0);
    expect(locked.stdout).toMatch(/first: ran; 1 output hash\(es\) to write/);

    const after = await readFile(files[1]!, 'utf8');
    expect(after).toContain('# the second stage, read by people');
    expect(after).not.toContain(ZERO);
    expect(after).toContain(sha256('one\n')); // the input it takes from the first stage
    expect(after).toContain(sha256('one\none\n')); // its own output
    expect(after).toContain(sha256(`${BB} cat /in/one /in/one > /out/two\n`)); // its script, a file input
    // Same lines, same places: only the 64 hex characters of each hash differ.
    expect(after.replace(/[0-9a-f]{64}/g, ZERO)).toBe(before);

    // A fresh store, the normal command: everything lock wrote is verified.
    const again = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', join(rig.dir, 'fresh')]);
    expect(again.all).toContain("chain 'rig': 2 stages verified");
    expect(again.exitCode).toBe(0);

    // A locked chain locks to itself: nothing more is written.
    const relock = await kindling(['lock', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(relock.stdout).toContain('chain locked: 0 hashes written');
    expect(await readFile(files[1]!, 'utf8')).toBe(after);
  });

  it('refuses a stage whose second run gives other bytes, naming both hashes', async () => {
    rig = await makeRig({
      clock: { script: `${BB} date +%s > /out/now; ${BB} sleep 1\n`, outputs: { 'out/now': 'placeholder' } },
    });
    const locked = await kindling(['lock', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(locked.exitCode).toBe(1);
    expect(locked.stderr).toMatch(/stage clock is not reproducible: out\/now was [0-9a-f]{64} on one run and [0-9a-f]{64} on the next/);
  });

  it('stops at a stage that fails for another reason, and keeps what it wrote before', async () => {
    rig = await makeRig({
      ...TWO_STAGES,
      second: { ...TWO_STAGES.second!, script: 'exit 3\n' },
    });
    await unlockAll([manifest('01-first')]);
    const locked = await kindling(['lock', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(locked.exitCode).toBe(1);
    expect(locked.stdout).toContain('the stage exited with status 3');
    expect(locked.stderr).toMatch(/stage second failed; nothing more was written; \d+ hashes written so far/);
    expect(await readFile(manifest('01-first'), 'utf8')).toContain(sha256('one\n'));
  });

  it('reports a malformed manifest with its file and field, exit 2', async () => {
    rig = await makeRig({ only: { ...TWO_STAGES.first!, tweak: (m) => void (m.outputs = [{ path: '../escape', sha256: ZERO }]) } });
    const locked = await kindling(['lock', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(locked.exitCode).toBe(2);
    expect(locked.stderr).toMatch(/01-only\/stage\.yaml.*outputs\[0\]\.path/);
  });
});
