// The reader against debugfs rdump, which read VM stages' disks back before it, on images made as
// buildImage makes them and changed with debugfs -w (which stands in for the VM's writes); then
// against images damaged in place, as a hostile guest could leave them.
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readExt4Tree } from '../../src/sandbox/ext4-read.js';
import { buildImage, DiskImageError, imageSizeFor, readImageInto, treeSize } from '../../src/sandbox/qemu-disk.js';
import { debugfsWrite } from '../support/debugfs-write.js';

let dir: string;
let root: string;
let image: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-ext4-read-'));
  root = join(dir, 'root');
  image = join(dir, 'disk.img');
  await mkdir(root);
});

afterEach(async () => {
  // The trees read back may hold mode-000 directories.
  await execa('chmod', ['-R', 'u+rwx', dir], { reject: false });
  await rm(dir, { recursive: true, force: true });
});

async function debugfsSays(command: string): Promise<string> {
  return (await execa('debugfs', ['-R', command, image])).stdout;
}

/** Every entry under base: type, permission bits, contents' hash, symlink target, mtime (not for symlinks, which rdump leaves alone). */
async function describeTree(base: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(join(base, prefix))).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const full = join(base, path);
    const info = await lstat(full);
    const perms = (info.mode & 0o777).toString(8);
    const mtime = Math.floor(info.mtimeMs / 1000);
    if (info.isSymbolicLink()) found.push(`${path} link -> ${await readlink(full)}`);
    else if (info.isFile()) {
      const hash = createHash('sha256')
        .update(await readFile(full))
        .digest('hex')
        .slice(0, 16);
      found.push(`${path} file ${perms} ${info.size} ${hash} ${mtime}`);
    } else if (info.isDirectory()) {
      found.push(`${path} dir ${perms} ${mtime}`);
      await chmod(full, info.mode | 0o700);
      found.push(...(await describeTree(base, path)));
      await chmod(full, info.mode);
    } else found.push(`${path} other`);
  }
  return found;
}

/** Reads the image with the reader and with rdump; the two trees must agree, and the reader's is returned. */
async function readBothWays(beforeReading?: (out: string) => Promise<void>): Promise<{ tree: string[]; out: string }> {
  const out = join(dir, 'reader');
  const oracle = join(dir, 'rdump');
  await mkdir(out);
  await mkdir(oracle);
  await readExt4Tree(image, out);
  // Reading a file's contents may move its atime (relatime).
  await beforeReading?.(out);
  await execa('debugfs', ['-R', 'rdump / .', image], { cwd: oracle });
  const tree = await describeTree(out);
  expect(tree).toEqual(await describeTree(oracle));
  return { tree, out };
}

async function hostFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = (i * 31 + seed * 7 + (i >> 12)) & 0xff;
  return bytes;
}

/** The deepest level an inode's extent tree has, from debugfs's `ex` listing ("0/ 1  1/  3 ..."). */
async function extentDepth(path: string): Promise<number> {
  const rows = [...(await debugfsSays(`ex ${path}`)).matchAll(/^\s*\d+\/\s*(\d+)\s/gm)];
  return Math.max(-1, ...rows.map((row) => Number(row[1])));
}

describe('reading an image as debugfs rdump did', () => {
  it('gives the same files, contents, modes, symlinks and times, and skips devices and fifos', async () => {
    await writeFile(join(root, 'empty'), '');
    await writeFile(join(root, 'one-byte'), 'x');
    await writeFile(join(root, 'one-block'), pattern(4096, 1));
    await writeFile(join(root, 'multi-block'), pattern(200_000, 2));
    await writeFile(join(root, 'n'.repeat(255)), 'a 255-byte name');
    await mkdir(join(root, 'sub/deeper'), { recursive: true });
    await writeFile(join(root, 'sub/deeper/file'), 'deep');
    // Holes at the start, in the middle and at the end.
    const sparse = join(root, 'sparse');
    await writeFile(sparse, '');
    const handle = await open(sparse, 'r+');
    await handle.write(pattern(5000, 3), 0, 5000, 3 * 4096);
    await handle.write(pattern(100, 4), 0, 100, 40 * 4096);
    await handle.close();
    await truncate(sparse, 90 * 4096 + 17);
    await buildImage(root, image, imageSizeFor(await treeSize(root)));
    await debugfsWrite(image, [
      `symlink /fast ${'f'.repeat(59)}`,
      `symlink /slow /${'s'.repeat(200)}`,
      'ln /one-block /sub/hard-link',
      'cd /',
      'mknod fifo p',
      'mkdir /locked',
      `write ${await hostFile('inside', Buffer.from('in a mode-000 directory'))} /locked/inside`,
      'sif /locked mode 040000',
      'sif /one-byte mode 0100000',
      'sif /multi-block mode 0104755',
      'mkdir /tmp',
      'sif /tmp mode 041777',
      'sif /sub mtime 20240506070809',
      'sif /one-block mtime @1234567890',
      'sif /one-block atime @1000000000',
    ]);
    expect(await debugfsSays('stat /sparse')).toMatch(/Blockcount: (16|24)\n/);
    const { tree, out } = await readBothWays(async (out) => {
      expect((await lstat(join(out, 'one-block'))).atimeMs).toBe(1_000_000_000_000);
    });
    expect(tree).toContain(`fast link -> ${'f'.repeat(59)}`);
    expect(tree).toContain(`slow link -> /${'s'.repeat(200)}`);
    expect(tree.some((line) => line.startsWith('locked dir 0 '))).toBe(true);
    expect(tree.some((line) => line.startsWith('locked/inside file 644 23 '))).toBe(true);
    expect(tree.filter((line) => line.startsWith('fifo') || line.startsWith('dev/console'))).toEqual([]);
    expect(tree.find((line) => line.startsWith('sub/hard-link'))?.replace('sub/hard-link', 'one-block')).toBe(
      tree.find((line) => line.startsWith('one-block')),
    );
    // rdump dropped the setuid, setgid and sticky bits; the reader keeps them.
    expect((await lstat(join(out, 'multi-block'))).mode & 0o7777).toBe(0o4755);
    expect((await lstat(join(out, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect((await lstat(join(out, 'one-byte'))).mode & 0o7777).toBe(0);
    expect((await lstat(join(out, 'sub'))).mtime).toEqual(new Date('2024-05-06T07:08:09Z'));
    expect((await lstat(join(out, 'sparse'))).blocks).toBeLessThan(90 * 8);
  });

  it('reads unwritten extents as zeros, whatever their blocks held before', async () => {
    await writeFile(join(root, 'sparse'), '');
    await truncate(join(root, 'sparse'), 64 * 4096);
    await buildImage(root, image, imageSizeFor(await treeSize(root)));
    // Blocks full of 0xff, freed, then given to the sparse file unwritten: a reader that ignored
    // the flag would read 0xff.
    await debugfsWrite(image, [
      `write ${await hostFile('junk', Buffer.alloc(256 * 4096, 0xff))} /junk`,
      'rm /junk',
      'fallocate /sparse 4 40',
    ]);
    expect(await debugfsSays('ex /sparse')).toMatch(/Uninit/);
    const { out } = await readBothWays();
    expect((await readFile(join(out, 'sparse'))).equals(Buffer.alloc(64 * 4096))).toBe(true);
  });

  it('follows an extent tree with index nodes', async () => {
    for (let i = 0; i < 800; i += 1) await writeFile(join(root, `small-${String(i).padStart(4, '0')}`), pattern(4096, i));
    await buildImage(root, image, imageSizeFor(await treeSize(root)));
    const removals = Array.from({ length: 400 }, (_, i) => `rm /small-${String(2 * i).padStart(4, '0')}`);
    await debugfsWrite(image, [...removals, `write ${await hostFile('big', pattern(300 * 4096 + 5, 9))} /fragmented`]);
    expect(await extentDepth('/fragmented')).toBeGreaterThanOrEqual(1);
    const { out } = await readBothWays();
    expect((await readFile(join(out, 'fragmented'))).equals(pattern(300 * 4096 + 5, 9))).toBe(true);
  });

  it('reads an htree directory of thousands of entries', async () => {
    await mkdir(join(root, 'many'));
    for (let i = 0; i < 3000; i += 1) await writeFile(join(root, `many/entry-with-a-longer-name-${i}`), String(i));
    await buildImage(root, image, imageSizeFor(await treeSize(root)));
    // e2fsck -D rebuilds every directory, with an htree index where the filesystem has dir_index.
    expect((await execa('e2fsck', ['-f', '-y', '-D', image], { reject: false })).exitCode).toBeLessThan(4);
    expect(await debugfsSays('stat /many')).toMatch(/Flags: 0x81000/);
    const { tree } = await readBothWays();
    expect(tree.filter((line) => line.startsWith('many/'))).toHaveLength(3000);
  });
});

/** An image with a few files, and where its structures are. */
async function smallImage(): Promise<{ before: string[] }> {
  await mkdir(join(root, 'out'));
  await writeFile(join(root, 'out/a'), pattern(3 * 4096, 5));
  await writeFile(join(root, 'out/bc'), 'bc');
  await writeFile(join(root, 'keep'), 'kept');
  const added = await buildImage(root, image, imageSizeFor(await treeSize(root)));
  expect(added.paths.length).toBeGreaterThan(0);
  return { before: await describeTree(root) };
}

/** Where an inode lies in the image, in bytes. */
async function inodeOffset(path: string): Promise<{ inode: number; at: number }> {
  const inode = Number((await debugfsSays(`stat ${path}`)).match(/^Inode: (\d+)/m)?.[1]);
  const where = (await debugfsSays(`imap <${inode}>`)).match(/located at block (\d+), offset (0x[0-9a-f]+)/);
  expect(where).not.toBeNull();
  return { inode, at: Number(where![1]) * 4096 + Number(where![2]) };
}

/** Where the entry named `name` is in the first block of directory `path`, in bytes. */
async function entryOffset(path: string, name: string): Promise<number> {
  const block = Number((await debugfsSays(`blocks ${path}`)).trim().split(/\s+/)[0]);
  const bytes = Buffer.alloc(4096);
  const handle = await open(image, 'r');
  await handle.read(bytes, 0, 4096, block * 4096);
  await handle.close();
  for (let at = 0; at < 4096;) {
    const nameLength = bytes[at + 6]!;
    if (bytes.toString('latin1', at + 8, at + 8 + nameLength) === name) return block * 4096 + at;
    at += bytes.readUInt16LE(at + 4);
  }
  throw new Error(`no entry ${name} in ${path}`);
}

async function poke(at: number, bytes: Buffer): Promise<void> {
  const handle = await open(image, 'r+');
  await handle.write(bytes, 0, bytes.length, at);
  await handle.close();
}

const u16 = (value: number): Buffer => Buffer.from([value & 0xff, value >> 8]);
const u32 = (value: number): Buffer => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value >>> 0);
  return bytes;
};

/** readImageInto must fail with `words`, leave root as it was and write nothing beside it. */
async function expectRefused(before: string[], words: RegExp | string): Promise<void> {
  const beside = (await readdir(dir)).sort();
  const error = await readImageInto(image, root, { paths: ['dev', 'dev/console', 'lost+found'] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DiskImageError);
  if (typeof words === 'string') expect((error as Error).message).toBe(words);
  else expect((error as Error).message).toMatch(words);
  expect(await describeTree(root)).toEqual(before);
  expect((await readdir(dir)).sort()).toEqual(beside);
}

describe('refusing a damaged image', () => {
  it('with a bad superblock magic', async () => {
    const { before } = await smallImage();
    await poke(1024 + 0x38, u16(0x1234));
    await expectRefused(before, `the disk image ${image} is damaged: its superblock's magic is 0x1234, not ext4's 0xef53`);
  });

  it('with an incompatible feature it does not know', async () => {
    const { before } = await smallImage();
    await poke(1024 + 0x60, u32(0x2 | 0x40 | 0x8000 | 0x80000000));
    await expectRefused(
      before,
      /damaged: its superblock asks for the incompatible feature inline_data, 0x80000000, which the reader does not know$/,
    );
  });

  it('with an extent past the end of the disk', async () => {
    const { before } = await smallImage();
    const { inode, at } = await inodeOffset('/out/a');
    const blocks = Number((await debugfsSays('stats')).match(/^Block count:\s+(\d+)/m)?.[1]);
    // The first extent's start (ee_start_lo), after the header in i_block.
    await poke(at + 0x28 + 12 + 8, u32(99999));
    await expectRefused(
      before,
      `the disk image ${image} is damaged: /out/a (inode ${inode}): an extent points past the end of the disk (block 99999 of ${blocks})`,
    );
  });

  it('with a bad extent header magic', async () => {
    const { before } = await smallImage();
    const { at } = await inodeOffset('/out/a');
    await poke(at + 0x28, u16(0xbeef));
    await expectRefused(before, /\/out\/a \(inode \d+\): an extent header has the magic 0xbeef, not 0xf30a$/);
  });

  it('with too deep an extent tree', async () => {
    const { before } = await smallImage();
    const { at } = await inodeOffset('/out/a');
    await poke(at + 0x28 + 6, u16(6));
    await expectRefused(before, /\/out\/a \(inode \d+\): its extent tree is 6 levels deep \(at most 5\)$/);
  });

  it('with a directory entry of rec_len 0', async () => {
    const { before } = await smallImage();
    await poke((await entryOffset('/out', 'bc')) + 4, u16(0));
    await expectRefused(before, /damaged: \/out \(inode \d+\): the directory entry at byte \d+ of its block 0 has rec_len 0$/);
  });

  it("with a '/' in a name", async () => {
    const { before } = await smallImage();
    await poke((await entryOffset('/out', 'bc')) + 9, Buffer.from('/'));
    await expectRefused(before, /\/out \(inode \d+\): the directory entry at byte \d+ of its block 0 has a name with a '\/': "b\/"$/);
  });

  it("with a second '..'", async () => {
    const { before } = await smallImage();
    await poke((await entryOffset('/out', 'bc')) + 8, Buffer.from('..'));
    await expectRefused(before, /\/out \(inode \d+\): the directory entry at byte \d+ of its block 0 is a second '\.\.'$/);
  });

  it('with an inode number past the inode count', async () => {
    const { before } = await smallImage();
    const inodes = Number((await debugfsSays('stats')).match(/^Inode count:\s+(\d+)/m)?.[1]);
    await poke(await entryOffset('/out', 'bc'), u32(inodes + 1));
    await expectRefused(before, new RegExp(`names inode ${inodes + 1}, past the ${inodes} the filesystem has$`));
  });

  it('with a directory inside itself', async () => {
    const { before } = await smallImage();
    await debugfsWrite(image, ['ln /out /out/again']);
    await expectRefused(
      before,
      /: \/out\/again \(inode \d+\): the directory is met a second time \(a loop, or a hard link to a directory\)$/,
    );
  });

  it('with a file larger than the disk', async () => {
    const { before } = await smallImage();
    const { at } = await inodeOffset('/out/a');
    await poke(at + 0x6c, u32(0x10)); // i_size_high: 64 GiB more
    await expectRefused(before, /\/out\/a \(inode \d+\): its size is 68719489024 bytes, larger than the disk \(\d+ bytes\)$/);
  });

  it('with hard links that would have it read far more than the filesystem holds', async () => {
    const { before } = await smallImage();
    // 8000 unwritten blocks cost nothing to write on the host, and count as read: 80 links to
    // them are over 16 times the disk's blocks and inodes.
    const links = Array.from({ length: 80 }, (_, i) => `ln /out/bc /out/link-${i}`);
    await debugfsWrite(image, [`sif /out/bc size ${8000 * 4096}`, 'fallocate /out/bc 0 7999', ...links]);
    expect(await debugfsSays('ex /out/bc')).toMatch(/Uninit/);
    await expectRefused(
      before,
      /: \/out\/link-\d+ \(inode \d+\): reading it takes more than \d+ blocks and names, 16 times what the filesystem holds/,
    );
  });

  it('with a name that appears twice in a directory, which must not write through a symlink', async () => {
    const { before } = await smallImage();
    // /out/bc becomes a symlink to a file outside; a second entry "bc", a file, follows it.
    const outside = join(dir, 'outside');
    await writeFile(outside, 'untouched');
    await debugfsWrite(image, ['rm /out/bc', `symlink /out/bc ${outside}`, 'ln /keep /out/bd']);
    await poke((await entryOffset('/out', 'bd')) + 9, Buffer.from('c'));
    await expectRefused(before, /\/out\/bc \(inode \d+\): its name appears twice in its directory$/);
    expect(await readFile(outside, 'utf8')).toBe('untouched');
  });
});
