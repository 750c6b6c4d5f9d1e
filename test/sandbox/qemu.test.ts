// The qemu backend with real qemu, the real kernel (fetched into the cache when missing) and the
// chain's own seeds as the stage programs. Boots use TCG unless a test is about the accelerator
// choice; each boot takes a few seconds, more on a busy machine.
import { chmod, copyFile, cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAccel } from '../../src/sandbox/accel.js';
import { GUEST_BOOT_SHA256, GUEST_INIT_SHA256 } from '../../src/sandbox/guest-init.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import { qemuWithZeroedDisk } from '../support/zeroed-disk-qemu.js';
import type { SandboxRunRequest } from '../../src/sandbox/sandbox.js';
import { findExecutable } from '../../src/sandbox/tool-identity.js';

const BOOT_TIMEOUT_MS = 30_000;
const SEEDS = fileURLToPath(new URL('../../seeds/amd64/', import.meta.url));

let dir: string;
let kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-qemu-test-'));
  kernel = await ensureKernel();
  // The machine every stage restores is saved by the first run that needs it: done here, outside
  // the tests' own time limits (a boot and a save, longer on a busy machine).
  const warm = await rig({ 'build.kaem': '' });
  expect(await createQemuSandbox({ kernel, accel: 'tcg' }).run(kaemRun(warm, 'build.kaem', 300_000))).toMatchObject({ ok: true });
}, 400_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Rig {
  readonly root: string;
  readonly logFile: string;
  /** Where this rig's disk images are made, so a test can look for what is left of them. */
  readonly workDir: string;
}

let rigCount = 0;
/** A stage root with the two seeds in bin/, hex0's commented source in src/, an out/ directory and the given files. */
async function rig(files: Record<string, string> = {}): Promise<Rig> {
  const base = join(dir, `rig-${rigCount++}`);
  const root = join(base, 'root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'src'));
  await mkdir(join(root, 'out'));
  for (const seed of ['kaem', 'hex0']) {
    await copyFile(join(SEEDS, seed), join(root, 'bin', seed));
    await chmod(join(root, 'bin', seed), 0o755);
  }
  await copyFile(join(SEEDS, 'hex0.hex0'), join(root, 'src/hex0.hex0'));
  for (const [path, text] of Object.entries(files)) await writeFile(join(root, path), text);
  const workDir = join(base, 'images');
  await mkdir(workDir);
  const logFile = join(base, 'stage.log');
  await writeFile(logFile, '');
  return { root, logFile, workDir };
}

function kaemRun(r: Rig, script: string, timeoutMs = BOOT_TIMEOUT_MS): SandboxRunRequest {
  return { root: r.root, logFile: r.logFile, init: 'bin/kaem', args: [script], timeoutMs };
}

/** Runs the same kaem script on the host, in a copy of the root: what the VM must agree with. */
async function nativeExitCode(r: Rig, script: string): Promise<number | undefined> {
  const copy = `${r.root}-native`;
  await cp(r.root, copy, { recursive: true });
  const result = await execa(join(copy, 'bin/kaem'), [script], { cwd: copy, env: {}, extendEnv: false, reject: false });
  await rm(copy, { recursive: true, force: true });
  return result.exitCode;
}

async function listTree(base: string, prefix = ''): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(join(base, prefix))).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    found.push(path);
    if ((await lstat(join(base, path))).isDirectory()) found.push(...(await listTree(base, path)));
  }
  return found;
}

/** qemu processes whose command line mentions `text` (a rig's private image directory). */
async function qemuProcessesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('qemu-system') && cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

const INPUTS = ['bin', 'bin/hex0', 'bin/kaem', 'build.kaem', 'out', 'src', 'src/hex0.hex0'];

describe('a stage in a VM', () => {
  it(
    'runs kaem as init, which runs hex0: hex0 rebuilt from its source is the seed, byte for byte',
    async () => {
      const r = await rig({ 'build.kaem': '# rebuild the first seed from its commented source\nbin/hex0 src/hex0.hex0 out/hex0\n' });
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', workDir: r.workDir });
      const result = await sandbox.run(kaemRun(r, 'build.kaem'));
      expect(result).toMatchObject({ ok: true, exitCode: 0 });
      // hex0 writes one byte per system call; every one of them has to reach the disk by the end.
      expect((await readFile(join(r.root, 'out/hex0'))).equals(await readFile(join(SEEDS, 'hex0')))).toBe(true);
      expect((await lstat(join(r.root, 'out/hex0'))).mode & 0o777).toBe(0o755);
      // The root holds the inputs and the output, and nothing the disk image added.
      expect(await listTree(r.root)).toEqual([...INPUTS, 'out/hex0'].sort());
      // The disk images are gone, and so is qemu.
      expect(await readdir(r.workDir)).toEqual([]);
      expect(await qemuProcessesMentioning(r.workDir)).toEqual([]);
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'shows the stage its inputs and nothing else: no guest init, no host files, no environment',
    async () => {
      const r = await rig({
        'build.sh': 'ls -a / > out/root; ls -a /dev > out/dev; echo $PPID > out/parent; /bin/busybox env > out/env\n',
      });
      await copyFile('/bin/busybox', join(r.root, 'bin/busybox'));
      await chmod(join(r.root, 'bin/busybox'), 0o755);
      const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run({
        ...kaemRun(r, 'build.sh'),
        init: 'bin/busybox',
        args: ['sh', '/build.sh'],
      });
      expect(result).toMatchObject({ ok: true, exitCode: 0 });
      const lines = async (path: string): Promise<string[]> =>
        (await readFile(join(r.root, path), 'utf8')).split('\n').filter((line) => line !== '');
      // The inputs, the console device and lost+found (mke2fs makes it); the guest init removed itself.
      expect(await lines('out/root')).toEqual(['.', '..', 'bin', 'build.sh', 'dev', 'lost+found', 'out', 'src']);
      expect(await lines('out/dev')).toEqual(['.', '..', 'console']);
      // The stage's init is a child of the guest init (PID 1), as under bubblewrap it is of bwrap.
      expect(await lines('out/parent')).toEqual(['1']);
      // The shell's own defaults only: nothing from the kernel (HOME, TERM) or the host.
      expect((await lines('out/env')).map((line) => line.split('=')[0]).sort()).toEqual(['PATH', 'PWD', 'SHLVL']);
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'recovers a failing command’s status exactly as kaem gives it on the host, with its message in the log',
    async () => {
      const script = 'bin/hex0 src/no-such-file.hex0 out/x\n';
      const r = await rig({ 'build.kaem': script });
      const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(kaemRun(r, 'build.kaem'));
      const native = await nativeExitCode(r, 'build.kaem');
      expect(native).toBe(2);
      expect(result).toMatchObject({ ok: true, exitCode: native });
      const log = await readFile(r.logFile, 'utf8');
      expect(log).toContain('kaem: failed: bin/hex0 src/no-such-file.hex0 out/x');
      // The firmware keeps off the console: the log holds the stage and the kernel, nothing before.
      expect(log).not.toContain('SeaBIOS');
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'recovers a status above 127 exactly (kaem given a script that does not exist)',
    async () => {
      const r = await rig();
      const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(kaemRun(r, 'missing.kaem'));
      const native = await nativeExitCode(r, 'missing.kaem');
      // kaem exits with the low byte of a negated error number: above 127, unlike a shell's statuses.
      expect(native).toBeGreaterThan(127);
      expect(result).toMatchObject({ ok: true, exitCode: native });
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'kills a hung stage at its timeout and leaves no qemu behind',
    async () => {
      // Reading the console waits for input that never comes.
      const r = await rig({ 'build.kaem': 'bin/hex0 dev/console out/x\n' });
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', workDir: r.workDir });
      const started = performance.now();
      // Long enough for a boot on a busy machine, so that the stage itself is what hangs.
      const result = await sandbox.run(kaemRun(r, 'build.kaem', 10_000));
      const elapsed = performance.now() - started;
      expect(result).toMatchObject({ ok: false, error: { reason: 'timeout', timeoutMs: 10_000 } });
      expect(elapsed).toBeGreaterThanOrEqual(10_000);
      expect(elapsed).toBeLessThan(15_000);
      expect(await qemuProcessesMentioning(r.workDir)).toEqual([]);
      expect(await readdir(r.workDir)).toEqual([]);
      // Root keeps its inputs: nothing of a killed machine is read back.
      expect(await listTree(r.root)).toEqual(INPUTS);
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'stops the VM when the run is aborted',
    async () => {
      const r = await rig({ 'build.kaem': 'bin/hex0 dev/console out/x\n' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 1_000);
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', workDir: r.workDir });
      const result = await sandbox.run({ ...kaemRun(r, 'build.kaem'), signal: controller.signal });
      expect(result).toMatchObject({ ok: false, error: { reason: 'aborted' } });
      expect(await qemuProcessesMentioning(r.workDir)).toEqual([]);
    },
    BOOT_TIMEOUT_MS,
  );
});

describe('failures of the machine itself', () => {
  it('names the missing kernel', async () => {
    const r = await rig({ 'build.kaem': '' });
    const missing = join(dir, 'no-such-vmlinuz');
    const sandbox = createQemuSandbox({ kernel: missing, accel: 'tcg' });
    const result = await sandbox.run(kaemRun(r, 'build.kaem'));
    expect(result).toEqual({
      ok: false,
      error: { reason: 'sandbox-failed', message: `the kernel ${missing} does not exist or cannot be read` },
    });
    await expect(sandbox.trustedBase()).rejects.toThrow(missing);
  });

  it('fails as a sandbox failure when mke2fs cannot make the disk, leaving root as it was', async () => {
    const r = await rig({ 'build.kaem': '', 'big-input': 'x'.repeat(3 * 1024 * 1024) });
    const before = await listTree(r.root);
    const sandbox = createQemuSandbox({ kernel, accel: 'tcg', disk: { factor: 0, headroomMiB: 1 } });
    // A restored machine's qemu starts while its disk is being made: it is stopped when the disk fails.
    const started: number[] = [];
    const result = await sandbox.run({ ...kaemRun(r, 'build.kaem'), onSpawn: (pid) => started.push(pid) });
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toMatch(/^the stage's disk could not be made: mke2fs could not make a 1 MiB image of /);
    expect(await listTree(r.root)).toEqual(before);
    expect(started).toHaveLength(1);
    expect(() => process.kill(started[0]!, 0)).toThrow();
  });

  it('fails as a sandbox failure when qemu dies without a verdict', async () => {
    const r = await rig({ 'build.kaem': '' });
    const booted = await createQemuSandbox({ kernel, accel: 'tcg', qemu: '/bin/false', restore: false }).run(kaemRun(r, 'build.kaem'));
    expect(booted).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!booted.ok && booted.error.message).toMatch(/^qemu exited with status 1 without the stage's exit status on the console/);
    // Restoring, the machine to save is the first to die.
    const snapshotDir = join(dir, 'false-vm-state');
    const restored = await createQemuSandbox({ kernel, accel: 'tcg', qemu: '/bin/false', snapshotDir }).run(kaemRun(r, 'build.kaem'));
    expect(restored).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!restored.ok && restored.error.message).toMatch(
      /^the VM could not be saved for restoring .*: the machine stopped before it was ready/,
    );
    expect(await readdir(snapshotDir)).toEqual([]);
  });

  it(
    'refuses a disk damaged by the time the machine stopped; root keeps its inputs, not half a filesystem',
    async () => {
      const r = await rig({ 'build.kaem': 'bin/hex0 src/hex0.hex0 out/hex0\n' });
      // A qemu that runs the machine and then overwrites the disk's superblock and group descriptors.
      const damaging = join(dir, 'damaging-qemu');
      await writeFile(
        damaging,
        [
          '#!/bin/sh',
          `"${(await findExecutable('qemu-system-x86_64'))!}" "$@"; status=$?`,
          'for arg in "$@"; do case "$arg" in file=*) image="${arg#file=}"; image="${image%%,if=*}";; esac; done',
          'dd if=/dev/zero of="$image" bs=1024 seek=1 count=8 conv=notrunc status=none',
          'exit $status',
        ].join('\n') + '\n',
      );
      await chmod(damaging, 0o755);
      const before = await listTree(r.root);
      const result = await createQemuSandbox({ kernel, accel: 'tcg', qemu: damaging, restore: false }).run(kaemRun(r, 'build.kaem'));
      expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!result.ok && result.error.message).toMatch(
        /^the stage ended with status 0, but its disk could not be read back: the disk image .* is damaged/,
      );
      expect(await listTree(r.root)).toEqual(before);
      expect(await readdir(join(r.root, '..'))).toEqual(expect.not.arrayContaining([expect.stringMatching(/readback/)]));
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    "reports a stage init that cannot be executed, as bubblewrap does, with the guest init's message",
    async () => {
      const r = await rig();
      const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run({ ...kaemRun(r, 'build.kaem'), init: 'bin/missing' });
      expect(result).toMatchObject({ ok: true, exitCode: 127 });
      expect(await readFile(r.logFile, 'utf8')).toContain("kindling: the stage's init could not be executed");
    },
    BOOT_TIMEOUT_MS,
  );

  it(
    'reports a machine that crashes: a disk the kernel cannot mount makes it panic',
    async () => {
      const r = await rig({ 'build.kaem': '' });
      const wiping = await qemuWithZeroedDisk(dir, 'qemu-system-x86_64');
      const before = await listTree(r.root);
      const result = await createQemuSandbox({ kernel, accel: 'tcg', qemu: wiping, restore: false }).run(kaemRun(r, 'build.kaem'));
      expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!result.ok && result.error.message).toMatch(/^the VM's kernel panicked before the stage ended: VFS: Unable to mount root fs/);
      expect(await listTree(r.root)).toEqual(before);
      // A restored machine mounts the disk itself: the boot program says so, exits, and the kernel panics.
      const snapshotDir = join(dir, 'wiping-vm-state');
      const restored = await createQemuSandbox({ kernel, accel: 'tcg', qemu: wiping, snapshotDir }).run(kaemRun(r, 'build.kaem'));
      expect(restored).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!restored.ok && restored.error.message).toMatch(/^the VM's kernel panicked before the stage ended: .*Attempted to kill init/);
      expect(await readFile(r.logFile, 'utf8')).toContain("kindling: the stage's disk could not be attached");
      expect(await listTree(r.root)).toEqual(before);
    },
    // Two machines: one booted, one saved (a boot and a save) and restored.
    BOOT_TIMEOUT_MS * 4,
  );

  it('refuses too little memory for the kernel, saying how much it needs', async () => {
    const r = await rig({ 'build.kaem': '' });
    const result = await createQemuSandbox({ kernel, accel: 'tcg', memoryMiB: 64 }).run(kaemRun(r, 'build.kaem'));
    expect(result).toEqual({
      ok: false,
      error: { reason: 'sandbox-failed', message: 'the VM needs at least 96 MiB of memory to boot its kernel, not 64' },
    });
  });

  it('refuses arguments the kernel command line cannot carry', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(kaemRun(r, 'two words'));
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toContain('"two words"');
  });
});

describe('accelerator and trusted base', () => {
  it('picks an accelerator that boots, and records it with qemu, the kernel and e2fsprogs', async () => {
    // The same qemu path the backend resolves, so both share one probe.
    const accel = await resolveAccel('auto', { qemu: (await findExecutable('qemu-system-x86_64'))!, kernel });
    expect(['kvm', 'tcg']).toContain(accel);
    const r = await rig({ 'build.kaem': '# nothing to do\n' });
    const sandbox = createQemuSandbox({ kernel, accel: 'auto' });
    expect(await sandbox.run(kaemRun(r, 'build.kaem'))).toMatchObject({ ok: true, exitCode: 0 });
    const base = await sandbox.trustedBase();
    expect(base.backend).toBe('qemu');
    const byName = new Map(base.components.map((c) => [c.name, c]));
    expect(byName.get('qemu-system-x86_64')?.version).toMatch(/^QEMU emulator version \d/);
    expect(byName.get('kernel')).toMatchObject({ path: kernel });
    expect(byName.get('kernel')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byName.get('e2fsprogs')?.version).toMatch(/^mke2fs \d/);
    expect(byName.get('guest-init')?.sha256).toBe(GUEST_INIT_SHA256.amd64);
    expect(byName.get('qemu-accel')?.version).toBe(accel);
    // The saved machine's parts: the modules of the kernel's own package, and the program that loads them.
    expect(byName.get('guest-boot')?.sha256).toBe(GUEST_BOOT_SHA256.amd64);
    expect(byName.get('kernel-modules')?.version).toMatch(/^linux-image-\S+ \S+: virtio_ring\.ko .*virtio_blk\.ko$/);
    expect(byName.get('kernel-modules')?.sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 40_000);
});
