import { chmod, cp, lstat, mkdir, mkdtemp, open, readFile, readdir, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildImage, DiskImageError, FIXED_TIME, imageSizeFor, readImageInto, treeSize } from '../../src/sandbox/qemu-disk.js';
import { debugfsWrite } from '../support/debugfs-write.js';

let dir: string;
let root: string;
let image: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-disk-'));
  root = join(dir, 'root');
  image = join(dir, 'disk.img');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'out'), { recursive: true });
  await writeFile(join(root, 'bin/tool'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]));
  await chmod(join(root, 'bin/tool'), 0o755);
  await writeFile(join(root, 'script.kaem'), 'bin/tool a b\n');
  await chmod(join(root, 'script.kaem'), 0o644);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listTree(base: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(join(base, prefix))).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const info = await lstat(join(base, path));
    found.push(`${path} ${(info.mode & 0o170777).toString(8)}`);
    if (info.isDirectory()) found.push(...(await listTree(base, path)));
  }
  return found;
}

describe('sizing', () => {
  it('gives twice the inputs plus 64 MiB by default, in whole blocks', async () => {
    const bytes = await treeSize(root);
    // Three directories and two one-block files.
    expect(bytes).toBe(5 * 4096);
    expect(imageSizeFor(bytes)).toBe(2 * bytes + 64 * 1024 * 1024);
    expect(imageSizeFor(1000, { factor: 3, headroomMiB: 1 })).toBe(1024 * 1024 + 4096);
  });
});

describe('building an image from a stage root', () => {
  it('holds the tree and a console device, and reads back to the same tree', async () => {
    const before = await listTree(root);
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    expect([...added.paths].sort()).toEqual(['dev', 'dev/console', 'lost+found']);

    const stat = await execa('debugfs', ['-R', 'stat /dev/console', image]);
    expect(stat.stdout).toMatch(/Type: character special/);
    expect(stat.stdout).toMatch(/Device major\/minor number: 05:01/);

    await readImageInto(image, root, added);
    expect(await listTree(root)).toEqual(before);
  });

  it('is byte-identical when made from two copies of a tree made at different times', async () => {
    const size = imageSizeFor(await treeSize(root));
    await buildImage(root, image, size);
    const first = await readFile(image);
    // A second copy, a second later, with other modification and access times.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const copy = join(dir, 'copy');
    await cp(root, copy, { recursive: true });
    await utimes(join(copy, 'script.kaem'), new Date('2024-05-06T07:08:09Z'), new Date('2023-01-02T03:04:05Z'));
    await rm(image);
    await buildImage(copy, image, size);
    expect((await readFile(image)).equals(first)).toBe(true);
  });

  it('gives every file the fixed time, which the files keep when read back', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    const stat = await execa('debugfs', ['-R', 'stat /script.kaem', image]);
    for (const field of ['ctime', 'atime', 'mtime', 'crtime'])
      expect(stat.stdout).toMatch(new RegExp(`^ ?${field}: 0x386d4380:00000000`, 'm'));
    await readImageInto(image, root, added);
    expect((await lstat(join(root, 'bin/tool'))).mtime).toEqual(FIXED_TIME);
  });

  it('carries names with spaces and quotes both ways', async () => {
    await mkdir(join(root, 'a dir'));
    await writeFile(join(root, 'a dir/say "hi"'), 'quoted');
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    await readImageInto(image, root, added);
    expect(await readFile(join(root, 'a dir/say "hi"'), 'utf8')).toBe('quoted');
  });

  it('fails with mke2fs named when the tree does not fit', async () => {
    await writeFile(join(root, 'big'), Buffer.alloc(3 * 1024 * 1024, 7));
    const error = await buildImage(root, image, 1024 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiskImageError);
    expect((error as Error).message).toMatch(/^mke2fs could not make a 1 MiB image of /);
  });
});

describe('reading the final filesystem back', () => {
  it('replaces root with what the machine left: new files, modes, symlinks, deletions', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    await writeFile(join(dir, 'payload'), 'output bytes\n');
    await debugfsWrite(image, [
      'cd /out',
      `write ${join(dir, 'payload')} result`,
      'set_inode_field result mode 0100755',
      'symlink link /bin/tool',
      'cd /',
      'rm script.kaem',
    ]);
    await readImageInto(image, root, added);
    expect(await readFile(join(root, 'out/result'), 'utf8')).toBe('output bytes\n');
    expect((await lstat(join(root, 'out/result'))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(root, 'out/link'))).toBe('/bin/tool');
    expect(await listTree(root)).toEqual(['bin 40755', 'bin/tool 100755', 'out 40755', 'out/link 120777', 'out/result 100755']);
    // Nothing is left beside root either.
    expect((await readdir(dir)).sort()).toEqual(['disk.img', 'payload', 'root']);
  });

  it('reads the tree whatever the allocation bitmaps say', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    // Mark script.kaem's block free and a free block used: the bitmaps say where to allocate, not
    // what a file holds.
    const blocks = (await execa('debugfs', ['-R', 'blocks /script.kaem', image])).stdout.trim();
    await debugfsWrite(image, [`freeb ${blocks}`, 'setb 3000']);
    expect((await execa('e2fsck', ['-f', '-n', image], { reject: false })).exitCode).not.toBe(0);
    await readImageInto(image, root, added);
    expect(await readFile(join(root, 'script.kaem'), 'utf8')).toBe('bin/tool a b\n');
  });

  it('leaves out a file deleted while still open (an orphan: its inode is in no directory)', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    await writeFile(join(dir, 'payload'), 'temporary');
    // An unlinked inode on the orphan list: what a process holding a deleted file leaves at a crash.
    await debugfsWrite(image, [`write ${join(dir, 'payload')} tmpfile`]);
    const inode = (await execa('debugfs', ['-R', 'stat /tmpfile', image])).stdout.match(/^Inode: (\d+)/m)?.[1];
    expect(inode).toBeDefined();
    await debugfsWrite(image, ['unlink /tmpfile', `sif <${inode}> links_count 0`, `ssv last_orphan ${inode}`]);
    await readImageInto(image, root, added);
    expect(await listTree(root)).toEqual(['bin 40755', 'bin/tool 100755', 'out 40755', 'script.kaem 100644']);
  });

  it('refuses a damaged image and leaves root as it was', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    const before = await listTree(root);
    // Overwrite the primary superblock and the group descriptors after it.
    const handle = await open(image, 'r+');
    await handle.write(Buffer.alloc(8192, 0xa5), 0, 8192, 1024);
    await handle.close();
    const error = await readImageInto(image, root, added).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiskImageError);
    expect((error as Error).message).toBe(`the disk image ${image} is damaged: its superblock's magic is 0xa5a5, not ext4's 0xef53`);
    expect(await listTree(root)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(['disk.img', 'root']);
  });

  it('refuses an image whose directories are damaged', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    // Point the root directory's first block at garbage.
    const blocks = await execa('debugfs', ['-R', 'blocks /', image]);
    const rootBlock = Number(blocks.stdout.trim().split(/\s+/)[0]);
    const handle = await open(image, 'r+');
    await handle.write(Buffer.alloc(4096, 0x5a), 0, 4096, rootBlock * 4096);
    await handle.close();
    await expect(readImageInto(image, root, added)).rejects.toThrow(/is damaged/);
    expect(await readFile(join(root, 'script.kaem'), 'utf8')).toBe('bin/tool a b\n');
  });

  it('keeps a directory the stage put files in, even one the image added', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    await writeFile(join(dir, 'payload'), 'x');
    await debugfsWrite(image, ['cd /dev', `write ${join(dir, 'payload')} note`]);
    await readImageInto(image, root, added);
    expect(await readFile(join(root, 'dev/note'), 'utf8')).toBe('x');
    await expect(lstat(join(root, 'dev/console'))).rejects.toThrow();
    await expect(lstat(join(root, 'lost+found'))).rejects.toThrow();
  });

  it('does not follow a symlink the stage put in place of a directory the image added', async () => {
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    // /dev, which the image added, becomes a symlink to a host directory that holds a `console`.
    const elsewhere = join(dir, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'console'), 'a host file');
    await debugfsWrite(image, ['rm /dev/console', 'rmdir /dev', `symlink /dev ${elsewhere}`]);
    await readImageInto(image, root, added);
    expect(await readFile(join(elsewhere, 'console'), 'utf8')).toBe('a host file');
  });

  it('keeps symlinks created by the image untouched on the host side', async () => {
    await symlink('bin/tool', join(root, 'alias'));
    const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
    await readImageInto(image, root, added);
    expect(await readlink(join(root, 'alias'))).toBe('bin/tool');
  });
});
