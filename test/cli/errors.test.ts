// Every way a command can fail ends in one line naming what is wrong and a documented exit status,
// never a stack trace: bad flags, an unusable store, a missing tool or kernel, and a bug.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportFailure } from '../../src/cli/exit-status.js';
import { runCli } from '../../src/cli/program.js';
import { InterruptedError, KindlingError } from '../../src/errors.js';
import { MissingToolError, requireTool } from '../../src/sandbox/tool-identity.js';
import { kindling } from '../support/cli.js';

let dir: string;
/** A PATH holding node and nothing else: no bwrap, no qemu, no e2fsprogs. */
let bare: string;
/** A PATH holding node and a stand-in qemu (never run: the checks come first), no e2fsprogs. */
let onlyQemu: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-errors-'));
  bare = join(dir, 'bare');
  onlyQemu = join(dir, 'only-qemu');
  await mkdir(bare);
  await mkdir(onlyQemu);
  await writeFile(join(onlyQemu, 'qemu-system-x86_64'), '#!/bin/sh\nexit 1\n');
  await chmod(join(onlyQemu, 'qemu-system-x86_64'), 0o755);
  await writeFile(join(dir, 'vmlinuz'), 'not really a kernel');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `kindling bootstrap` in this process (flag checks come before any work): status and stderr. */
async function bootstrapHere(extra: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const status = await runCli(['node', 'kindling', 'bootstrap', '--until', 'hex0', '--store', join(dir, 'store'), ...extra]);
    return { status, stderr };
  } finally {
    spy.mockRestore();
  }
}

/** Runs the `kindling bootstrap` command on the default chain's first stage with a fresh store and `extra` flags. */
async function bootstrap(extra: string[], path = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`) {
  const result = await kindling(['bootstrap', '--until', 'hex0', '--store', join(dir, 'store'), ...extra], { env: { PATH: path } });
  return { status: result.exitCode, stderr: result.stderr };
}

function expectOneLine(stderr: string, ...needles: string[]): void {
  expect(stderr).not.toMatch(/^\s+at /m);
  const lines = stderr.trimEnd().split('\n');
  // The line itself, and for usage errors commander's hint to add --help.
  expect(lines.length).toBeLessThanOrEqual(2);
  for (const needle of needles) expect(lines[0]).toContain(needle);
}

describe('usage errors exit 2 and name the flag', () => {
  it.each([
    [['--jobs', '0'], '--jobs'],
    [['--jobs', '2x'], '--jobs'],
    [['--threshold', 'x'], '--threshold'],
    [['--accel', 'fast'], '--accel'],
    [['--sandbox', 'chroot'], '--sandbox'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('bootstrap %j', async (flags, named) => {
    const { status, stderr } = await bootstrapHere(flags);
    expect(status).toBe(2);
    expectOneLine(stderr, named);
  });

  it('an unknown stage for --until', async () => {
    const { status, stderr } = await bootstrapHere(['--sandbox', 'bwrap', '--until', 'no-such-stage']);
    expect(status).toBe(2);
    expectOneLine(stderr, "no stage 'no-such-stage'");
  });
});

describe('an unusable machine exits 4 and says what to install or fix', () => {
  it('a store that cannot be made', async () => {
    const { status, stderr } = await bootstrapHere(['--sandbox', 'bwrap', '--store', '/dev/null/store']);
    expect(status).toBe(4);
    expectOneLine(stderr, 'the store /dev/null/store cannot be used');
  });

  it('bubblewrap missing', async () => {
    const { status, stderr } = await bootstrap(['--sandbox', 'bwrap'], bare);
    expect(status).toBe(4);
    expectOneLine(stderr, 'bwrap was not found', 'apt-get install bubblewrap');
  });

  it('qemu missing', async () => {
    const { status, stderr } = await bootstrap(['--sandbox', 'qemu', '--kernel', join(dir, 'vmlinuz')], bare);
    expect(status).toBe(4);
    expectOneLine(stderr, 'qemu-system-x86_64 was not found', 'apt-get install qemu-system-x86');
  });

  it('a tool missing (e2fsprogs lives in /sbin, which is always searched: asked by another name)', async () => {
    const missing = requireTool('mke2fs-not-installed', 'e2fsprogs');
    await expect(missing).rejects.toThrow(MissingToolError);
    await expect(missing).rejects.toThrow(
      'mke2fs-not-installed was not found (looked on PATH and in /usr/sbin, /sbin); install it: apt-get install e2fsprogs',
    );
    expect(reportFailure(await missing.catch((error: unknown) => error), false).status).toBe(4);
  });

  it('the kernel missing', async () => {
    const { status, stderr } = await bootstrap(['--sandbox', 'qemu', '--accel', 'tcg', '--kernel', join(dir, 'no-vmlinuz')], onlyQemu);
    expect(status).toBe(4);
    expectOneLine(stderr, `the kernel ${join(dir, 'no-vmlinuz')} does not exist`);
  });
});

describe('the exit status table', () => {
  it('gives each kind its documented status', () => {
    const status = (error: unknown): number => reportFailure(error, false).status;
    expect(status(new KindlingError('failed', 'x'))).toBe(1);
    expect(status(new KindlingError('input', 'x'))).toBe(1);
    expect(status(new KindlingError('usage', 'x'))).toBe(2);
    expect(status(new KindlingError('manifest', 'x'))).toBe(2);
    expect(status(new KindlingError('differs', 'x'))).toBe(3);
    expect(status(new KindlingError('environment', 'x'))).toBe(4);
    expect(status(new InterruptedError('SIGINT', 'x'))).toBe(130);
    expect(status(new InterruptedError('SIGTERM', 'x'))).toBe(143);
  });

  it('reports a bug as one line and status 70, with the stack only when asked', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'outputs')");
    const quiet = reportFailure(bug, false);
    expect(quiet.status).toBe(70);
    expect(quiet.text).toBe(
      "kindling: internal error: Cannot read properties of undefined (reading 'outputs')\nrun again with --debug (or KINDLING_DEBUG=1) for the stack trace\n",
    );
    const loud = reportFailure(bug, true);
    expect(loud.status).toBe(70);
    expect(loud.text).toMatch(/^\s+at /m);
  });

  it('names the file of a system error a command did not expect', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open '/x/y'"), {
      code: 'ENOENT',
      syscall: 'open',
      path: '/x/y',
    });
    expect(reportFailure(error, false)).toEqual({ status: 1, text: 'kindling: /x/y: no such file or directory\n' });
  });
});
