// A `file:` input that is a FIFO or a directory is named as such, at once: reading a FIFO would
// wait forever for a writer (bootstrap and audit hung, deaf to SIGTERM), and a directory gave a
// bare EISDIR. The loader refuses it; every hash of a file refuses it too, without opening it for
// a blocking read.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { NotAFileError, sha256File } from '../../src/digest.js';
import { kindling } from '../support/cli.js';
import { makeRig, type Rig } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

async function rigWith(kind: 'fifo' | 'directory'): Promise<{ rig: Rig; path: string }> {
  const made = await makeRig({ only: { script: 'printf x > /out/x\n', outputs: { 'out/x': 'x' }, files: { 'in/data': 'data' } } });
  const path = join(made.chainDir, '01-only', 'in_data');
  await rm(path);
  if (kind === 'fifo') await execa('mkfifo', [path]);
  else await mkdir(path);
  return { rig: made, path };
}

describe('a file input that is not a regular file', () => {
  it.each([
    ['fifo', 'a FIFO'],
    ['directory', 'a directory'],
  ] as const)(
    'a %s: bootstrap fails with one line naming it',
    async (kind, what) => {
      const made = await rigWith(kind);
      rig = made.rig;
      const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain("inputs[path=in/data].file: 'in_data' is not a regular file");
      // Whatever hashes it later (a file changed after the manifest was read) says what it is, at once.
      await expect(sha256File(made.path)).rejects.toThrow(new NotAFileError(made.path, what));
    },
    60_000,
  );

  it('a FIFO: audit ends and names it', async () => {
    const made = await rigWith('fifo');
    rig = made.rig;
    const result = await kindling(['audit', '--chain', rig.chainDir]);
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain("'in_data' is not a regular file");
  }, 60_000);
});
