// The disk a VM stage runs on: an ext4 image made from the stage root alone, and the way back from
// that image to a host directory once the machine has stopped. e2fsprogs makes the image (mke2fs -d,
// debugfs), so no step needs root or a loop mount; kindling reads it back itself (ext4-read.ts),
// since what the guest wrote is hostile input, and two process spawns were most of the read back.
//
// Durability: the disk is mounted without `sync`, so the stage's writes stay in the guest's page
// cache as on any Linux machine, and the guest init (guest/init.hex0) calls sync(2) after the
// stage and everything it started have ended, before it restarts the machine. The image has no
// journal: with none, sync(2) writes every change (data, creates, renames, chmods, truncates,
// times) in place, so the image is complete, as a cleanly unmounted one is, with nothing to replay.
// A machine that stops any other way (a timeout, a crash, a panic) is never read back, and so a
// journal, which only makes a filesystem consistent after such a stop, would buy nothing.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, unlinkSync } from 'node:fs';
import { chmod, lstat, open, readdir, rm, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { describeTool, requireTool } from './tool-identity.js';
import { DiskImageError } from './disk-image-error.js';
import { readExt4Tree } from './ext4-read.js';
import type { TrustedComponent } from './sandbox.js';

export { DiskImageError } from './disk-image-error.js';

/** How the kernel must mount the disk for everything the stage writes to reach it. */
export const ROOT_FILESYSTEM = 'ext4';
// nobarrier: qemu completes a write only once it is in the host's page cache, and the image is
// read back from there, so cache flushes buy nothing.
export const ROOT_MOUNT_OPTIONS = 'nobarrier';

const BLOCK_SIZE = 4096;
const MiB = 1024 * 1024;

// Fixed identifiers and a fake clock make two images of the same tree byte-identical, which keeps
// the VM's view of its inputs independent of when and where the image was made.
const FIXED_UUID = '6b696e64-6c69-4e67-8000-000000000001';
const FIXED_HASH_SEED = '6b696e64-6c69-4e67-8000-000000000002';
const E2FS_ENV = { E2FSPROGS_FAKE_TIME: '1' } as const;

/**
 * The one instant every file on a fresh disk carries (2000-01-01T00:00:00Z), and the instant the
 * VM's clock starts at: what a stage sees does not depend on when its inputs were copied.
 */
export const FIXED_TIME = new Date('2000-01-01T00:00:00Z');
const FIXED_TIME_SECONDS = FIXED_TIME.getTime() / 1000;
const TIME_FIELDS = ['atime', 'mtime', 'ctime', 'crtime'] as const;

/** How big the disk is, from the size of what goes on it. */
export interface ImageSizing {
  /** The disk holds this many times the inputs' size, so outputs have room (default 2). */
  readonly factor?: number;
  /** Added on top, for filesystem metadata and small outputs (default 64). */
  readonly headroomMiB?: number;
}

/** Entries the image has that the stage root did not; dropped again on the way back. */
export interface ImageAdditions {
  readonly paths: readonly string[];
}

function tool(name: string): Promise<string> {
  return requireTool(name, 'e2fsprogs');
}

/** Bytes the tree occupies on a disk with 4 KiB blocks: file data rounded up to blocks, one block per directory. */
export async function treeSize(root: string): Promise<number> {
  let total = BLOCK_SIZE;
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) total += await treeSize(path);
    else total += Math.ceil((await lstat(path)).size / BLOCK_SIZE) * BLOCK_SIZE;
  }
  return total;
}

/** Every path under root ('' for root itself), directories before what they hold. */
async function treePaths(root: string, prefix = ''): Promise<string[]> {
  const paths = [prefix];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) paths.push(...(await treePaths(root, path)));
    else paths.push(path);
  }
  return paths;
}

/** Text as one word of debugfs's command language: in double quotes, a quote written twice. */
function debugfsQuoted(text: string): string {
  if (text.includes('\n')) throw new DiskImageError(`cannot name ${JSON.stringify(text)} to debugfs: it holds a newline`);
  return `"${text.replaceAll('"', '""')}"`;
}

/** A path on the disk as one debugfs word. */
function debugfsWord(path: string): string {
  return debugfsQuoted(`/${path}`);
}

export function imageSizeFor(inputBytes: number, sizing: ImageSizing = {}): number {
  const bytes = inputBytes * (sizing.factor ?? 2) + (sizing.headroomMiB ?? 64) * MiB;
  return Math.ceil(bytes / BLOCK_SIZE) * BLOCK_SIZE;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** debugfs reports most errors on stderr and still exits 0: every line but its banner is a problem. */
function debugfsProblems(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^debugfs \d/.test(line));
}

/** A program put on the disk beside the stage's tree, at `path` (a name in `/`), executable. */
export interface ExtraProgram {
  readonly path: string;
  /** The host file it is copied from. */
  readonly source: string;
}

/**
 * Makes `image` a sparse file of `sizeBytes` (all zeros), or leaves it so when it is already: the
 * file qemu opens and mke2fs then fills. mke2fs knows a sparse file's blocks read as zeros, and so
 * leaves the inode tables unwritten; it marks them zeroed, one flag that differs from a file it
 * creates itself, so every image starts this way (the same tree, the same bytes).
 */
export async function reserveImage(image: string, sizeBytes: number): Promise<void> {
  await (await open(image, 'a')).close();
  await truncate(image, sizeBytes);
}

/**
 * Makes `image` (a sparse file of `sizeBytes`, see reserveImage) holding exactly the tree at `root`, plus the
 * console device the kernel and the stage write to, and `programs` when given (the guest init, and
 * when the machine is a restored one the file of its arguments and, for a stage that asks for the
 * kernel's devices, the empty file that says so: each is removed in the guest before the stage runs).
 * Every time on it is FIXED_TIME, and with the fixed identifiers the same tree always gives the
 * same bytes.
 */
export async function buildImage(
  root: string,
  image: string,
  sizeBytes: number,
  programs?: ExtraProgram | readonly ExtraProgram[],
): Promise<ImageAdditions> {
  const extras: readonly ExtraProgram[] = programs === undefined ? [] : 'path' in programs ? [programs] : programs;
  for (const program of extras) {
    if (await exists(join(root, program.path))) {
      throw new DiskImageError(`the stage root already holds /${program.path}, a name kindling's guest programs take on the disk`);
    }
  }
  const mke2fs = await tool('mke2fs');
  await reserveImage(image, sizeBytes);
  const made = await execa(
    mke2fs,
    [
      '-q',
      '-F',
      '-t',
      'ext4',
      '-b',
      String(BLOCK_SIZE),
      '-I',
      '256',
      '-i',
      '4096',
      '-m',
      '0',
      // Only what the stage needs; no feature depends on the host's mke2fs.conf. No journal (see
      // the top of this file), and no incompatible feature ext4-read.ts does not know.
      '-O',
      'none,extent,filetype,sparse_super,large_file,dir_index',
      '-U',
      FIXED_UUID,
      '-E',
      `hash_seed=${FIXED_HASH_SEED},root_owner=0:0`,
      '-L',
      'kindling',
      '-d',
      root,
      image,
      `${sizeBytes / 1024}k`,
    ],
    { reject: false, all: true, env: E2FS_ENV, timeout: 600_000 },
  );
  if (made.exitCode !== 0) {
    throw new DiskImageError(
      `mke2fs could not make a ${Math.round(sizeBytes / MiB)} MiB image of ${root}: ${made.all?.trim() || `exit status ${made.exitCode}`}`,
    );
  }

  const added: string[] = [];
  const commands: string[] = [];
  if (!(await exists(join(root, 'lost+found')))) added.push('lost+found');
  if (!(await exists(join(root, 'dev')))) {
    commands.push('mkdir /dev');
    added.push('dev');
  }
  if (!(await exists(join(root, 'dev/console')))) {
    // debugfs's mknod takes a name in the current directory, not a path.
    commands.push('cd /dev', 'mknod console c 5 1', 'set_inode_field console mode 020600');
    added.push('dev/console');
  }
  const timed = [...(await treePaths(root)), ...added];
  for (const program of extras) {
    // debugfs's write takes a host path (quoted like a name) and a name in the current directory.
    commands.push('cd /', `write ${debugfsQuoted(program.source)} ${program.path}`, `set_inode_field ${program.path} mode 0100755`);
    timed.push(program.path);
  }
  // mke2fs copies each file's times from the host; every entry gets the fixed instant instead.
  for (const path of timed) {
    for (const field of TIME_FIELDS) commands.push(`set_inode_field ${debugfsWord(path)} ${field} @${FIXED_TIME_SECONDS}`);
  }
  const debugfs = await tool('debugfs');
  const result = await execa(debugfs, ['-w', '-f', '-', image], {
    input: commands.join('\n') + '\n',
    reject: false,
    env: E2FS_ENV,
    timeout: 600_000,
  });
  const problems = debugfsProblems(result.stderr);
  if (result.exitCode !== 0 || problems.length > 0) {
    throw new DiskImageError(
      `debugfs could not finish ${image} (times, /dev/console): ${problems.slice(0, 8).join('; ') || `exit status ${result.exitCode}`}`,
    );
  }
  return { paths: added };
}

/** Whether every directory above `path` (relative, `/`-separated) under `base` is a directory, not a symlink. */
function parentsAreDirectories(base: string, path: string): boolean {
  const parts = path.split('/').slice(0, -1);
  return parts.every((_, i) => lstatSync(join(base, ...parts.slice(0, i + 1)), { throwIfNoEntry: false })?.isDirectory() === true);
}

/** Removes the staging directory: empty after a read back, or a tree the reader left half-written, whose directories may have mode 000. */
async function removeStaging(staging: string): Promise<void> {
  try {
    rmdirSync(staging);
    return;
  } catch {
    // Not empty: the read back failed.
  }
  try {
    await rm(staging, { recursive: true, force: true });
  } catch {
    const open = async (path: string): Promise<void> => {
      await chmod(path, 0o700);
      for (const entry of await readdir(path, { withFileTypes: true })) if (entry.isDirectory()) await open(join(path, entry.name));
    };
    await open(staging);
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Replaces the contents of `root` with the image's whole filesystem, keeping file modes and
 * dropping what buildImage added. The image is read beside root first, so when anything fails
 * root still holds what it held before and nothing half-read is left in it. The few small steps
 * around the reader are synchronous: each is one cheap system call, and through libuv's thread
 * pool each cost about ten times that, most of an empty stage's read back.
 */
export async function readImageInto(image: string, root: string, added: ImageAdditions): Promise<void> {
  mkdirSync(dirname(root), { recursive: true });
  const staging = mkdtempSync(join(dirname(root), `.${basename(root)}.readback-`));
  try {
    await readExt4Tree(image, staging);
    // Deepest first, so dev/console goes before dev; a directory the stage filled is kept. A
    // path whose parent the stage replaced (dev, a symlink to anywhere) is not followed.
    for (const path of [...added.paths].sort().reverse()) {
      if (!parentsAreDirectories(staging, path)) continue;
      const target = join(staging, path);
      const info = lstatSync(target, { throwIfNoEntry: false });
      if (info === undefined) continue;
      if (!info.isDirectory()) unlinkSync(target);
      else {
        try {
          rmdirSync(target);
        } catch {
          // Not empty: the stage put files in it.
        }
      }
    }
    for (const name of readdirSync(root)) await rm(join(root, name), { recursive: true, force: true });
    for (const name of readdirSync(staging)) renameSync(join(staging, name), join(root, name));
  } finally {
    await removeStaging(staging);
  }
}

export async function e2fsprogsComponent(): Promise<TrustedComponent> {
  return describeTool('e2fsprogs', await tool('mke2fs'), ['-V']);
}
