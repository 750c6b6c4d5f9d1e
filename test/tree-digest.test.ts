import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashTree, TreeError } from '../src/tree-digest.js';
import { sha256 } from './support/rig.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

async function tree(files: Record<string, string>, executable: readonly string[] = []): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'kindling-tree-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
    await chmod(join(dir, path), executable.includes(path) ? 0o700 : 0o600);
  }
  return dir;
}

describe('tree digest', () => {
  it('is the sha256 of the sorted listing the README documents, and shell tools give the same', async () => {
    const top = await tree({ 'b/z.c': 'z', 'a.txt': 'a', 'b/run.sh': 'echo', 'B.txt': 'B' }, ['b/run.sh']);
    const listing = [
      `644 ${sha256('B')} B.txt\n`,
      `644 ${sha256('a')} a.txt\n`,
      `755 ${sha256('echo')} b/run.sh\n`,
      `644 ${sha256('z')} b/z.c\n`,
    ].join('');
    const digest = await hashTree(top);
    expect(digest.sha256).toBe(sha256(listing));
    // The documented recipe, by hand with coreutils: the same digest without kindling.
    const byHand = execFileSync(
      'bash',
      [
        '-c',
        `cd "$1" && LC_ALL=C find . -type f | LC_ALL=C sort | while read -r f; do m=644; [ -x "$f" ] && m=755; echo "$m $(sha256sum < "$f" | cut -d' ' -f1) \${f#./}"; done | sha256sum | cut -d' ' -f1`,
        '_',
        top,
      ],
      { encoding: 'utf8' },
    ).trim();
    expect(byHand).toBe(digest.sha256);
  });

  it('changes with any byte, name or execute bit, and not with an empty directory', async () => {
    const top = await tree({ 'x/y': 'one' });
    const before = (await hashTree(top)).sha256;
    await mkdir(join(top, 'empty'));
    expect((await hashTree(top)).sha256).toBe(before);
    await chmod(join(top, 'x/y'), 0o755);
    const executable = (await hashTree(top)).sha256;
    expect(executable).not.toBe(before);
    await writeFile(join(top, 'x/y'), 'onE');
    expect((await hashTree(top)).sha256).not.toBe(executable);
  });

  it('refuses a symbolic link or a line break in a name, naming the path', async () => {
    const top = await tree({ 'src/a.c': 'a' });
    await symlink('/etc/passwd', join(top, 'src', 'passwd'));
    await expect(hashTree(top)).rejects.toThrow(new TreeError('src/passwd', 'is a symbolic link; a tree holds only files and directories'));
    await rm(join(top, 'src', 'passwd'));
    await writeFile(join(top, 'src', 'evil\n644 x y'), '');
    await expect(hashTree(top)).rejects.toThrow(/has a line break in its name/);
  });
});
