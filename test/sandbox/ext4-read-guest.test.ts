// The disk reader on what Linux's own ext4 driver writes, not debugfs: a stage in a VM makes an
// htree directory, a file of a hundred extents, unwritten extents, holes, odd modes, long names and
// symlinks, hard links and a fifo; the same stage under bubblewrap must leave the same tree.
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

const BUSYBOX = '/bin/busybox';
const RUN_TIMEOUT_MS = 300_000;

let dir: string;
let kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-ext4-guest-'));
  kernel = await ensureKernel();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Shell builtins only in the loops (`:` and `[` in busybox ash): a fork per file is slow under TCG.
// Every other block of `strided` is written, so no two of its 100 extents can merge and its tree
// cannot fit the inode's four: it has an index node. A directory of 3000 entries outgrows one
// block, and the kernel indexes it (dir_index); the host's `lsattr` (busybox has none), with its
// libraries, shows the flag from inside the VM.
const SCRIPT = `
cd /out
mkdir many
i=0; while [ $i -lt 3000 ]; do : > many/entry-with-a-longer-name-$i; i=$((i+1)); done
i=0; while [ $i -lt 100 ]; do echo "block $i" | dd of=strided bs=4096 seek=$((2*i)) conv=notrunc,sync; i=$((i+1)); done
fallocate -l 1048576 unwritten
echo tail >> unwritten
truncate -s 10000001 holes
echo head | dd of=holes conv=notrunc
name=nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn
echo long > $name$name$name$(echo $name | cut -c1-63)
ln -s /a/target/of/more/than/sixty/bytes/so/that/it/cannot/live/in/the/inode slow
ln -s short fast
echo linked > first; ln first second
mkfifo fifo
echo s > setuid; chmod 4755 setuid
mkdir sticky; chmod 1777 sticky
mkdir locked; echo inside > locked/file; chmod 0 locked
touch -d "2001-02-03 04:05:06" strided
/lsattr -d many > /indexed 2>&1
exit 0
`;

async function describeTree(root: string, prefix = ''): Promise<string[]> {
  const lines: string[] = [];
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const full = join(root, path);
    const info = await lstat(full);
    const mode = (info.mode & 0o7777).toString(8);
    if (info.isDirectory()) {
      await chmod(full, info.mode | 0o700);
      lines.push(`${path}/ ${mode}`, ...(await describeTree(root, path)));
      await chmod(full, info.mode);
    } else if (info.isSymbolicLink()) lines.push(`${path} -> ${await readlink(full)}`);
    else if (!info.isFile()) lines.push(`${path} not a file`);
    else {
      const digest = createHash('sha256')
        .update(await readFile(full))
        .digest('hex')
        .slice(0, 16);
      lines.push(`${path} ${mode} ${info.size} ${digest}`);
    }
  }
  return lines;
}

async function run(sandbox: Sandbox): Promise<{ tree: string[]; indexed: string }> {
  const root = join(dir, sandbox.name, 'root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'out'));
  await copyFile(BUSYBOX, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  await copyFile('/usr/bin/lsattr', join(root, 'lsattr'));
  await chmod(join(root, 'lsattr'), 0o755);
  await mkdir(join(root, 'lib/x86_64-linux-gnu'), { recursive: true });
  await mkdir(join(root, 'lib64'));
  for (const library of ['libe2p.so.2', 'libcom_err.so.2', 'libc.so.6'])
    await copyFile(join('/lib/x86_64-linux-gnu', library), join(root, 'lib/x86_64-linux-gnu', library));
  await copyFile('/lib64/ld-linux-x86-64.so.2', join(root, 'lib64/ld-linux-x86-64.so.2'));
  await writeFile(join(root, 'build.sh'), SCRIPT);
  const logFile = join(dir, `${sandbox.name}.log`);
  await writeFile(logFile, '');
  const result = await sandbox.run({ root, init: 'bin/busybox', args: ['sh', '/build.sh'], timeoutMs: RUN_TIMEOUT_MS, logFile });
  if (!result.ok) throw new Error(`${sandbox.name}: ${result.error.message}\n${await readFile(logFile, 'utf8')}`);
  expect(result.exitCode).toBe(0);
  return { tree: await describeTree(join(root, 'out')), indexed: await readFile(join(root, 'indexed'), 'utf8') };
}

it(
  "reads back what the guest kernel's ext4 wrote as bubblewrap leaves it",
  async () => {
    const qemu = await run(createQemuSandbox({ kernel, accel: 'tcg' }));
    expect(qemu.indexed).toMatch(/^\S*I\S* many$/m);
    const bwrap = await run(createBwrapSandbox());
    // A fifo stays under bubblewrap; the disk reader skips it, as debugfs rdump did.
    expect(bwrap.tree).toContain('fifo not a file');
    expect(qemu.tree).toEqual(bwrap.tree.filter((line) => line !== 'fifo not a file'));
    expect(qemu.tree).toContain('setuid 4755 2 ' + createHash('sha256').update('s\n').digest('hex').slice(0, 16));
    expect(qemu.tree).toContain('locked/ 0');
    expect(qemu.tree.filter((line) => line.startsWith('many/entry-'))).toHaveLength(3000);
  },
  3 * RUN_TIMEOUT_MS,
);
