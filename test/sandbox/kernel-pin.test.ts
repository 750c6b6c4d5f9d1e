// The guest kernel is pinned: its sha256, written down when it is fetched or pinned, or stated in
// configuration, is checked before every boot. A changed kernel never boots silently.
import { appendFile, chmod, copyFile, mkdir, mkdtemp, open, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File, type Sha256 } from '../../src/digest.js';
import { checkedKernel, ensureKernel, KernelError, pinKernel, pinPath } from '../../src/sandbox/kernel.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';

const KINDLING = fileURLToPath(new URL('../../bin/kindling.js', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-kernel-pin-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function kernelFile(name: string, bytes: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

describe('the kernel pin', () => {
  it('accepts the pinned bytes and refuses changed ones, naming both hashes and what to do', async () => {
    const path = await kernelFile('vmlinuz-a', 'a kernel');
    const pinned = await sha256File(path);
    await writeFile(pinPath(path), JSON.stringify({ package: 'linux-image-a', version: '1', sha256: pinned }));
    expect((await checkedKernel(path)).sha256).toBe(pinned);

    await appendFile(path, '\0');
    const now = await sha256File(path);
    const error = await checkedKernel(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect((error as KernelError).kind).toBe('failed');
    expect((error as KernelError).message).toBe(
      `the kernel ${path} changed since it was pinned: sha256 ${now}, pinned ${pinned} (${path}.json); ` +
        `run \`kindling kernel fetch\` for a fresh one, or \`kindling kernel pin --kernel ${path}\` to trust these bytes`,
    );

    // An explicit re-pin trusts the new bytes; the old package name no longer describes them.
    const info = await pinKernel(path);
    expect(info.sha256).toBe(now);
    const pin = JSON.parse(await readFile(pinPath(path), 'utf8')) as Record<string, unknown>;
    expect(pin).toEqual({ sha256: now, pinnedAt: expect.any(String) });
    expect((await checkedKernel(path)).sha256).toBe(now);
  });

  it('refuses a kernel that nobody pinned', async () => {
    const path = await kernelFile('vmlinuz-b', 'another kernel');
    const error = await checkedKernel(path).catch((e: unknown) => e);
    expect((error as KernelError).kind).toBe('environment');
    expect((error as KernelError).message).toContain(
      `the kernel ${path} is not pinned: check it, then run \`kindling kernel pin --kernel ${path}\``,
    );
  });

  it('checks the hash stated in configuration before the pin beside the kernel', async () => {
    const path = await kernelFile('vmlinuz-c', 'a third kernel');
    await pinKernel(path);
    const actual = await sha256File(path);
    const other = 'f'.repeat(64) as Sha256;
    await expect(checkedKernel(path, { sha256: other, from: '$KINDLING_KERNEL_SHA256' })).rejects.toThrow(
      `the kernel ${path} has sha256 ${actual}, but $KINDLING_KERNEL_SHA256 pins ${other}`,
    );
    // A stated hash is enough on its own: the kernel need not be pinned beside it.
    await rm(pinPath(path));
    expect((await checkedKernel(path, { sha256: actual, from: '--kernel-sha256' })).sha256).toBe(actual);
  });
});

describe('a changed kernel never boots', () => {
  let real: string;
  beforeAll(async () => {
    real = await ensureKernel();
  }, 120_000);

  it('the qemu backend refuses it before any boot, in its check, its trusted base and every run', async () => {
    const path = join(dir, 'vmlinuz-real');
    await copyFile(real, path);
    await pinKernel(path);
    await appendFile(path, 'tampered');
    const sandbox = createQemuSandbox({ kernel: path, accel: 'tcg' });
    await expect(sandbox.check!()).rejects.toThrow(`the kernel ${path} changed since it was pinned`);
    await expect(sandbox.trustedBase()).rejects.toThrow('changed since it was pinned');
    const logFile = join(dir, 'run.log');
    await writeFile(logFile, '');
    const result = await sandbox.run({ root: dir, init: 'bin/kaem', args: [], timeoutMs: 30_000, logFile });
    expect(result).toEqual({
      ok: false,
      error: { reason: 'sandbox-failed', message: expect.stringContaining('changed since it was pinned') },
    });
    // Nothing booted: the console log is empty.
    expect(await readFile(logFile, 'utf8')).toBe('');
    // A configured hash that is malformed is an error too, never ignored.
    await expect(createQemuSandbox({ kernel: path, kernelSha256: 'abc', accel: 'tcg' }).check!()).rejects.toThrow(
      "--kernel-sha256 must be a sha256 (64 hex digits), not 'abc'",
    );
  });

  it('a kernel changed between two stages of one run is refused at the second, though its size and time are as before', async () => {
    const path = join(dir, 'vmlinuz-between');
    await copyFile(real, path);
    await pinKernel(path);
    const sandbox = createQemuSandbox({ kernel: path, accel: 'tcg' });
    const stage = async (name: string) => {
      const root = join(dir, name, 'root');
      await mkdir(join(root, 'bin'), { recursive: true });
      await copyFile(fileURLToPath(new URL('../../seeds/amd64/kaem', import.meta.url)), join(root, 'bin/kaem'));
      await chmod(join(root, 'bin/kaem'), 0o755);
      await writeFile(join(root, 'empty.kaem'), '');
      const logFile = join(dir, name, 'stage.log');
      await writeFile(logFile, '');
      return sandbox.run({ root, init: 'bin/kaem', args: ['empty.kaem'], timeoutMs: 120_000, logFile });
    };
    expect(await stage('between-1')).toMatchObject({ ok: true, exitCode: 0 });
    // One byte in the middle, written in place, the modification time put back: only the change
    // time and the bytes tell.
    const { size, mtime } = await stat(path);
    const file = await open(path, 'r+');
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, size >> 1);
    await file.write(Buffer.from([byte[0]! ^ 0xff]), 0, 1, size >> 1);
    await file.close();
    await utimes(path, mtime, mtime);
    expect(await stage('between-2')).toEqual({
      ok: false,
      error: { reason: 'sandbox-failed', message: expect.stringContaining(`the kernel ${path} changed since it was pinned`) },
    });
  }, 240_000);

  it('bootstrap stops with one line and exit 1; $KINDLING_KERNEL_SHA256 and kernel pin are the ways out', async () => {
    const path = join(dir, 'vmlinuz-cli');
    await copyFile(real, path);
    await pinKernel(path);
    await appendFile(path, 'tampered');
    const store = join(dir, 'store-cli');
    const run = (args: string[], env: Record<string, string> = {}) =>
      execa(process.execPath, [KINDLING, ...args], { reject: false, env: { ...env, KINDLING_KERNEL: '' } });
    const refused = await run(['bootstrap', '--sandbox', 'qemu', '--accel', 'tcg', '--kernel', path, '--store', store, '--until', 'hex0']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`the kernel ${path} changed since it was pinned`);

    const wrongStated = await run(
      ['bootstrap', '--sandbox', 'qemu', '--accel', 'tcg', '--kernel', path, '--store', store, '--until', 'hex0'],
      {
        KINDLING_KERNEL_SHA256: await sha256File(real),
      },
    );
    expect(wrongStated.exitCode).toBe(1);
    expect(wrongStated.stderr).toContain('but $KINDLING_KERNEL_SHA256 pins');

    // A malformed hash on the command line is bad usage.
    const malformed = await run(['bootstrap', '--sandbox', 'qemu', '--kernel', path, '--kernel-sha256', 'zz', '--store', store]);
    expect(malformed.exitCode).toBe(2);
    expect(malformed.stderr).toContain("option '--kernel-sha256 <sha256>' argument 'zz' is invalid. give a sha256: 64 hex digits.");

    const pinned = await run(['kernel', 'pin', '--kernel', path]);
    expect(pinned.exitCode).toBe(0);
    expect(pinned.stdout).toContain(`sha256   ${await sha256File(path)}`);
    const shown = await run(['kernel', 'show', '--kernel', path]);
    expect(shown.stdout).toContain('pin      pinned');
  });
});
