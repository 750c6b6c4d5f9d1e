// The template as an ext2 image whose bytes depend on the tree alone (and on the e2fsprogs that
// made it, which is recorded). Measured with e2fsprogs 1.47.0, two `mke2fs -d` runs over the same
// tree differ unless every one of these is fixed:
//  - the UUID (-U) and the directory hash seed (-E hash_seed), else random;
//  - the clock: E2FSPROGS_FAKE_TIME=1 for superblock times and the root's and lost+found's times
//    (0 means "not set" to e2fsprogs);
//  - the configuration: the host's /etc/mke2fs.conf picks features and sizes, so a fixed one is given;
//  - the collation: entries are added in alphasort order, which follows LC_ALL, so LC_ALL=C;
//  - extended attributes: with the ext_attr feature mke2fs copies the host's (an SELinux label,
//    say) into the image; without it, as here, none is copied;
//  - each file's change time, access time, owner and mode are copied from the host file. A file's
//    change time cannot be set from user space and reading a file moves its access time, so a
//    debugfs pass sets every inode's times, owner and mode after the image is made.
// The image is then checked with e2fsck, which must find nothing to say.
import { chmod, mkdir, mkdtemp, rm, symlink, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { KindlingError } from '../errors.js';
import { describeTool, requireTool } from '../sandbox/tool-identity.js';
import type { TrustedComponent } from '../sandbox/sandbox.js';
import { DIRECTORY_MODE, type TemplateNode } from './tree.js';

export const IMAGE_FILESYSTEM = 'ext2';
const BLOCK_SIZE = 4096;
const INODE_SIZE = 256;
const FIXED_UUID = '6b696e64-6c69-4e67-8000-00000000a001';
const FIXED_HASH_SEED = '6b696e64-6c69-4e67-8000-00000000a002';
const LABEL = 'kindling';
const FEATURES = 'none,filetype,sparse_super,large_file';
// Our own mke2fs.conf: nothing in it may depend on the host, and it names the usage type given
// with -T, so mke2fs does not choose one by the image's size.
const MKE2FS_CONF = `[defaults]
\tblocksize = ${BLOCK_SIZE}
\tinode_size = ${INODE_SIZE}
[fs_types]
\text2 = {
\t\tfeatures = filetype,sparse_super,large_file
\t}
\ttemplate = {
\t\tblocksize = ${BLOCK_SIZE}
\t}
`;
const TIME_FIELDS = ['atime', 'mtime', 'ctime', 'crtime'] as const;

export class ImageError extends KindlingError {
  constructor(message: string) {
    super('environment', message);
    this.name = 'ImageError';
  }
}

function tool(name: string): Promise<string> {
  return requireTool(name, 'e2fsprogs');
}

/** The e2fsprogs build that made an image: part of what a template's image bytes depend on. */
export async function imageToolComponent(): Promise<TrustedComponent> {
  return describeTool('e2fsprogs', await tool('mke2fs'), ['-V']);
}

/** Bytes of an ext2 directory entry: an 8-byte header and the name, padded to 4 bytes. */
function directoryEntryBytes(name: string): number {
  return 8 + Math.ceil(name.length / 4) * 4;
}

/** Blocks for the image: the tree's data and directories, plus room for the filesystem's own metadata. */
export function imageBlocks(nodes: readonly TemplateNode[], sizes: ReadonlyMap<string, number>): number {
  // Every directory holds "." and ".."; the root holds lost+found as well.
  const directoryBytes = new Map<string, number>([['', 24 + directoryEntryBytes('lost+found')]]);
  let blocks = 4; // lost+found, as mke2fs makes it
  for (const node of nodes) {
    const slash = node.path.lastIndexOf('/');
    const parent = slash === -1 ? '' : node.path.slice(0, slash);
    directoryBytes.set(parent, (directoryBytes.get(parent) ?? 24) + directoryEntryBytes(node.path.slice(slash + 1)));
    if (node.kind === 'directory') {
      if (!directoryBytes.has(node.path)) directoryBytes.set(node.path, 24);
      continue;
    }
    const data = Math.ceil((sizes.get(node.path) ?? 0) / BLOCK_SIZE);
    // Indirect blocks: one per 1024 data blocks beyond the twelve direct ones, plus the double one.
    const indirect = data > 12 ? Math.ceil((data - 12) / 1024) + 1 : 0;
    blocks += data + indirect;
  }
  // An entry never spans two blocks: one block more per directory covers what that leaves unused.
  for (const bytes of directoryBytes.values()) blocks += Math.ceil(bytes / BLOCK_SIZE) + 1;
  // A tenth more and 1 MiB for the superblock, group descriptors, bitmaps, inode tables and backups.
  return Math.ceil(blocks * 1.1) + 256;
}

export function imageInodes(nodes: readonly TemplateNode[]): number {
  const perBlock = BLOCK_SIZE / INODE_SIZE;
  return Math.ceil((nodes.length + 16) / perBlock) * perBlock;
}

/** Writes an ext2 image of `nodes` to `target`; `workDir` receives a staging tree, removed afterwards. */
export async function writeImage(
  nodes: readonly TemplateNode[],
  contents: ReadonlyMap<string, Buffer>,
  target: string,
  workDir: string,
): Promise<void> {
  const [mke2fs, debugfs, e2fsck] = [await tool('mke2fs'), await tool('debugfs'), await tool('e2fsck')];
  await mkdir(workDir, { recursive: true });
  const staging = await mkdtemp(join(workDir, 'image-'));
  try {
    const tree = join(staging, 'tree');
    const conf = join(staging, 'mke2fs.conf');
    await writeFile(conf, MKE2FS_CONF);
    const sizes = await stageTree(nodes, contents, tree);
    const env = { E2FSPROGS_FAKE_TIME: '1', LC_ALL: 'C', TZ: 'UTC', MKE2FS_CONFIG: conf };
    const options = { env, extendEnv: false, reject: false, all: true, timeout: 600_000 } as const;

    await rm(target, { force: true });
    await writeFile(target, '');
    const blocks = imageBlocks(nodes, sizes);
    await truncate(target, blocks * BLOCK_SIZE);
    const made = await execa(
      mke2fs,
      [
        '-q',
        '-F',
        '-t',
        IMAGE_FILESYSTEM,
        '-T',
        'template',
        '-b',
        String(BLOCK_SIZE),
        '-I',
        String(INODE_SIZE),
        '-N',
        String(imageInodes(nodes)),
        '-m',
        '0',
        '-O',
        FEATURES,
        '-U',
        FIXED_UUID,
        '-E',
        `hash_seed=${FIXED_HASH_SEED},root_owner=0:0,nodiscard`,
        '-L',
        LABEL,
        '-d',
        tree,
        target,
        String(blocks),
      ],
      options,
    );
    if (made.exitCode !== 0 || (made.all ?? '').trim() !== '') {
      throw new ImageError(`mke2fs could not make the template image: ${made.all?.trim() || `exit status ${made.exitCode}`}`);
    }

    const fixed = await execa(debugfs, ['-w', '-f', '-', target], { ...options, all: false, input: inodeFixes(nodes) });
    const problems = fixed.stderr.split('\n').filter((line) => line.trim() !== '' && !/^debugfs \d/.test(line));
    if (fixed.exitCode !== 0 || problems.length > 0) {
      throw new ImageError(
        `debugfs could not fix the image's inode fields: ${problems.slice(0, 5).join('; ') || `exit status ${fixed.exitCode}`}`,
      );
    }

    const checked = await execa(e2fsck, ['-f', '-n', target], options);
    if (checked.exitCode !== 0) {
      throw new ImageError(
        `e2fsck found problems in the template image (exit status ${checked.exitCode}): ${(checked.all ?? '').split('\n').slice(1, 8).join('; ')}`,
      );
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Writes the tree to disk for mke2fs -d; returns each file's size. */
async function stageTree(
  nodes: readonly TemplateNode[],
  contents: ReadonlyMap<string, Buffer>,
  tree: string,
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  await mkdir(tree, { recursive: true });
  await chmod(tree, DIRECTORY_MODE);
  for (const node of nodes) {
    const path = join(tree, node.path);
    if (node.kind === 'directory') {
      await mkdir(path, { recursive: true });
    } else if (node.kind === 'symlink') {
      // mke2fs copies the link; its mode and times are set inside the image (chmod would follow it).
      await symlink(node.target, path);
      continue;
    } else {
      const bytes = contents.get(node.path);
      if (bytes === undefined) throw new ImageError(`no contents for template file ${node.path}`);
      await writeFile(path, bytes);
      sizes.set(node.path, bytes.length);
    }
    // Set, not inherited from the umask; debugfs sets them again inside the image.
    await chmod(path, node.mode);
  }
  for (const node of [...nodes].reverse()) if (node.kind !== 'symlink') await utimes(join(tree, node.path), 0, 0);
  return sizes;
}

/** debugfs commands giving every inode of the tree fixed times, owner 0:0 and its declared mode. */
function inodeFixes(nodes: readonly TemplateNode[]): string {
  const lines: string[] = [];
  const fix = (path: string, typeBits: number, mode: number): void => {
    lines.push(`sif ${path} mode 0${(typeBits | mode).toString(8)}`, `sif ${path} uid 0`, `sif ${path} gid 0`);
    for (const field of TIME_FIELDS) lines.push(`sif ${path} ${field} @0`, `sif ${path} ${field}_extra 0`);
  };
  fix('/', 0o040000, DIRECTORY_MODE);
  fix('/lost+found', 0o040000, 0o700);
  const typeBits = { directory: 0o040000, file: 0o100000, symlink: 0o120000 } as const;
  for (const node of nodes) fix(`/${node.path}`, typeBits[node.kind], node.mode);
  return lines.join('\n') + '\n';
}
