// What a stage does last must survive the end of its sandbox. Under qemu the machine stops right
// after the stage, so a change still in the guest's memory would be lost: a chmod, a rename, a
// truncate or a utime as the very last act of a stage is the case that once failed. Each runs
// under both backends, from a busybox shell script, and both must leave the same tree.
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

const BUSYBOX = '/bin/busybox';
const RUN_TIMEOUT_MS = 60_000;

let dir: string;
let kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-last-act-'));
  kernel = await ensureKernel();
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each script writes its file first and ends with the act under test; `exit` keeps the shell
// from doing anything after it.
const ACTS = {
  chmod: 'echo data > out/f; chmod 755 out/f; exit 0',
  rename: 'echo data > out/tmp; mv out/tmp out/f; exit 0',
  truncate: 'echo 123456789 > out/f; truncate -s 3 out/f; exit 0',
  utime: 'echo data > out/f; touch -d "2001-02-03 04:05:06" out/f; exit 0',
} as const;

/** Each entry under root: path, type and permission bits, size, mtime and sha256 of contents. */
async function describeTree(root: string, prefix = ''): Promise<string[]> {
  const lines: string[] = [];
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const info = await lstat(join(root, path));
    if (info.isDirectory()) {
      lines.push(`${path}/ ${(info.mode & 0o7777).toString(8)}`, ...(await describeTree(root, path)));
    } else {
      const digest = createHash('sha256')
        .update(await readFile(join(root, path)))
        .digest('hex')
        .slice(0, 16);
      lines.push(`${path} ${info.mode.toString(8)} ${info.size} ${Math.floor(info.mtimeMs / 1000)} ${digest}`);
    }
  }
  return lines;
}

let runs = 0;
async function runAct(sandbox: Sandbox, script: string): Promise<{ exitCode: number | undefined; tree: string[] }> {
  const base = join(dir, `run-${runs++}`);
  const root = join(base, 'root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'out'));
  await copyFile(BUSYBOX, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  await writeFile(join(root, 'build.sh'), `${script}\n`);
  const logFile = join(base, 'stage.log');
  await writeFile(logFile, '');
  const result = await sandbox.run({ root, init: 'bin/busybox', args: ['sh', '/build.sh'], timeoutMs: RUN_TIMEOUT_MS, logFile });
  if (!result.ok) throw new Error(`${sandbox.name}: ${result.error.message}\n${await readFile(logFile, 'utf8')}`);
  return { exitCode: result.exitCode, tree: await describeTree(join(root, 'out')) };
}

/** A line of describeTree without its mtime. */
const withoutTime = (line: string): string =>
  line
    .split(' ')
    .filter((_, i) => i !== 3)
    .join(' ');

const expected = {
  chmod: (line: string) => expect(line).toMatch(/^f 100755 5 /),
  rename: (line: string) => expect(line).toMatch(/^f 100644 5 /),
  truncate: (line: string) => expect(line).toMatch(/^f 100644 3 /),
  utime: (line: string) => expect(line).toMatch(new RegExp(`^f 100644 5 ${Date.UTC(2001, 1, 3, 4, 5, 6) / 1000} `)),
};

describe('a stage whose last act changes metadata', () => {
  for (const [act, script] of Object.entries(ACTS) as [keyof typeof ACTS, string][]) {
    it(
      `keeps a ${act} done last, under bubblewrap and under qemu alike`,
      async () => {
        const bwrap = await runAct(createBwrapSandbox(), script);
        const qemu = await runAct(createQemuSandbox({ kernel, accel: 'tcg' }), script);
        for (const run of [bwrap, qemu]) {
          expect(run.exitCode).toBe(0);
          expect(run.tree).toHaveLength(1);
          expected[act](run.tree[0] ?? '');
        }
        // The same file, byte for byte and mode for mode. The times of files the stage wrote differ
        // (the VM's clock starts at a fixed instant, bubblewrap's is the host's).
        expect(qemu.tree.map(withoutTime)).toEqual(bwrap.tree.map(withoutTime));
      },
      2 * RUN_TIMEOUT_MS,
    );
  }
});
