// The saved machine (qemu-snapshot.ts): each stage restores the same saved state, sees only its
// own disk (and the kernel's devices only when it asks for them), and a damaged or unloadable
// state is caught, never run.
import { chmod, copyFile, mkdir, mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { findExecutable } from '../../src/sandbox/tool-identity.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import { archProfile } from '../../src/arch.js';
import { kernelRestorePart, snapshotKey, type SnapshotParts } from '../../src/sandbox/qemu-snapshot.js';
import { qemuWithZeroedDisk } from '../support/zeroed-disk-qemu.js';
import type { SandboxRunRequest } from '../../src/sandbox/sandbox.js';

// The first run of a cache saves the machine: a boot, then the save (seconds under TCG, more on a busy machine).
const SAVE_TIMEOUT_MS = 120_000;

let dir: string;
let kernel: string;
let aarch64Kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-snapshot-test-'));
  kernel = await ensureKernel();
  aarch64Kernel = await ensureKernel({ arch: 'aarch64' });
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
/** A stage root holding busybox, running `script` with sh. */
async function shellStage(script: string): Promise<SandboxRunRequest> {
  const base = join(dir, `stage-${count++}`);
  const root = join(base, 'root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'out'));
  await copyFile('/bin/busybox', join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  await writeFile(join(root, 'build.sh'), script);
  const logFile = join(base, 'stage.log');
  await writeFile(logFile, '');
  return { root, logFile, init: 'bin/busybox', args: ['sh', '/build.sh'], timeoutMs: SAVE_TIMEOUT_MS };
}

/**
 * An AArch64 stage (its words below, from GNU as): exits with 1 to 5 when /secret, /kindling-args,
 * /kindling-init, /kindling-devices or /dev/vda exists, with 6 when fd 3 is open (the boot
 * program's files are closed), with 7 when it cannot create /secret, and with 0 once it has.
 */
const PROBE_PROGRAM = [
  '7f454c4602010100 0000000000000000 0200b70001000000 7800600000000000', // ELF64 header: AArch64, entry 0x600078
  '4000000000000000 0000000000000000 0000000040003800 0100000000000000', // one program header at 64
  '0100000005000000 0000000000000000 0000600000000000 0000600000000000', // PT_LOAD, R-X, at 0x600000
  '3e01000000000000 3e01000000000000 0010000000000000', // 318 bytes of file and memory
  '33040010 340080d2', // x19 = the paths, x20 = 1, the status if the first exists
  '600c8092 e10313aa 020080d2 030080d2 080680d2 010000d4 c00200b4', // faccessat(AT_FDCWD, path, F_OK, 0) == 0: exit(x20)
  '60164038 e0ffff35 94060091 60024039 a0feff35', // past the name, x20 += 1, again until the empty name
  '600080d2 210080d2 280380d2 010000d4 8001f8b6 94060091', // fcntl(3, F_GETFD) >= 0: exit(6)
  '600c8092 81010010 221880d2 833480d2 080780d2 010000d4 8000f8b7', // openat(AT_FDCWD, "/secret", O_WRONLY|O_CREAT|O_EXCL, 0644) < 0: exit(7)
  '000080d2 a80b80d2 010000d4', // exit(0)
  'e00314aa a80b80d2 010000d4', // exit(x20)
  Buffer.from('/secret\0/kindling-args\0/kindling-init\0/kindling-devices\0/dev/vda\0\0', 'latin1').toString('hex'),
].join('');

/**
 * An x86-64 stage (its instructions below): exits with the lowest descriptor from 3 to 1023 that
 * fcntl(fd, F_GETFD) finds open, or with 0 when there is none, as under bubblewrap.
 */
const AMD64_FD_PROBE = [
  '7f454c4602010100 0000000000000000 02003e0001000000 7800600000000000', // ELF64 header: x86-64, entry 0x600078
  '4000000000000000 0000000000000000 0000000040003800 0100000000000000', // one program header at 64
  '0100000005000000 0000000000000000 0000600000000000 0000600000000000', // PT_LOAD, R-X, at 0x600000
  'a000000000000000 a000000000000000 0010000000000000', // 160 bytes of file and memory
  'bf03000000', // mov edi, 3: the first fd after the console's
  'b848000000 be01000000 0f05 85c0 790c', // fcntl(edi, F_GETFD) >= 0: to the exit, with edi
  'ffc7 81ff00040000 72e6', // edi += 1, again below 1024
  '31ff', // none open: status 0
  'b83c000000 0f05', // exit(edi)
].join('');

async function probeStage(program = PROBE_PROGRAM): Promise<SandboxRunRequest> {
  const base = join(dir, `stage-${count++}`);
  const root = join(base, 'root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await writeFile(join(root, 'bin/probe'), Buffer.from(program.replace(/\s/g, ''), 'hex'));
  await chmod(join(root, 'bin/probe'), 0o755);
  const logFile = join(base, 'stage.log');
  await writeFile(logFile, '');
  return { root, logFile, init: 'bin/probe', args: [], timeoutMs: SAVE_TIMEOUT_MS };
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
}

/** The one saved machine in a cache directory: its directory. */
async function savedDir(cache: string): Promise<string> {
  const keys = (await readdir(cache)).filter((name) => /^[0-9a-f]{64}$/.test(name));
  expect(keys).toHaveLength(1);
  return join(cache, keys[0]!);
}

/** The saved machine's processor and device state (a migration stream). */
async function savedState(cache: string): Promise<string> {
  return join(await savedDir(cache), 'machine.state');
}

/** The saved machine's memory, which every restore maps privately. */
async function savedMemory(cache: string): Promise<string> {
  return join(await savedDir(cache), 'memory');
}

/** What says a file is unchanged: its size, its modification time and its sha256. */
async function fingerprint(path: string): Promise<[number, number, string]> {
  const info = await stat(path);
  return [info.size, info.mtimeMs, sha256Bytes(await readFile(path))];
}

describe('a saved machine, restored per stage', () => {
  it(
    "gives a second stage none of the first one's files, and every stage the same saved state",
    async () => {
      const cache = join(dir, 'cache-isolation');
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      const first = await shellStage('echo first-stage-secret > /secret; sync; ls -a / > out/root\n');
      expect(await sandbox.run(first)).toMatchObject({ ok: true, exitCode: 0 });
      expect(await readFile(join(first.root, 'secret'), 'utf8')).toBe('first-stage-secret\n');
      const saved = [await savedState(cache), await savedMemory(cache)];
      const before = await Promise.all(saved.map(fingerprint));

      const second = await shellStage(
        'ls -a / > out/root; ls -a /dev > out/dev; /bin/busybox cat /secret > out/cat 2>&1; echo $? > out/status\n',
      );
      expect(await sandbox.run(second)).toMatchObject({ ok: true, exitCode: 0 });
      // Its inputs, the console and lost+found: no /secret, no argument file, no guest programs.
      expect(await lines(join(second.root, 'out/root'))).toEqual(['.', '..', 'bin', 'build.sh', 'dev', 'lost+found', 'out']);
      expect(await lines(join(second.root, 'out/dev'))).toEqual(['.', '..', 'console']);
      expect(await lines(join(second.root, 'out/status'))).toEqual(['1']);
      // The state and the memory both restored from are untouched (the first stage wrote a file,
      // so its guest's page cache changed): the second began where the first did.
      expect(await Promise.all(saved.map(fingerprint))).toEqual(before);
    },
    SAVE_TIMEOUT_MS * 2,
  );

  it(
    "starts a restored stage with the console's descriptors only: the boot program closes the files it opened",
    async () => {
      // The cache of the test above when it ran first (a restore); else this run saves the machine.
      const cache = join(dir, 'cache-isolation');
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      expect(await sandbox.run(await probeStage(AMD64_FD_PROBE))).toMatchObject({ ok: true, exitCode: 0 });
      // Restored, not booted: a booted stage starts with fds 0, 1 and 2 and proves nothing.
      await savedState(cache);
    },
    SAVE_TIMEOUT_MS,
  );

  it(
    "gives a stage that asks for the kernel's devices a working /dev/null and /dev/zero, restored, and the next stage none",
    async () => {
      const cache = join(dir, 'cache-devices');
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      const withDevices = await shellStage(
        [
          'ls -a / > out/root',
          // Written to /dev/null and gone: a regular file there would keep the bytes.
          'echo discarded > /dev/null; echo $? > out/null-status',
          '/bin/busybox wc -c < /dev/null > out/null-size',
          '[ -c /dev/null ] && [ -c /dev/zero ] && echo character-devices > out/kinds',
          '/bin/busybox head -c 4096 /dev/zero > out/zeros',
        ].join('\n') + '\n',
      );
      expect(await sandbox.run({ ...withDevices, devices: true })).toMatchObject({ ok: true, exitCode: 0 });
      // Restored, not booted: the machine was saved for it (a booted stage saves none).
      await savedState(cache);
      // The boot program removed the file that asked for the devices: the stage sees its inputs.
      expect(await lines(join(withDevices.root, 'out/root'))).toEqual(['.', '..', 'bin', 'build.sh', 'dev', 'lost+found', 'out']);
      expect(await lines(join(withDevices.root, 'out/null-status'))).toEqual(['0']);
      expect((await lines(join(withDevices.root, 'out/null-size'))).map((line) => line.trim())).toEqual(['0']);
      expect(await lines(join(withDevices.root, 'out/kinds'))).toEqual(['character-devices']);
      expect(await readFile(join(withDevices.root, 'out/zeros'))).toEqual(Buffer.alloc(4096));
      // The kernel's device nodes lived in the guest's devtmpfs, not on the disk: none comes back.
      await expect(readdir(join(withDevices.root, 'dev'))).rejects.toThrow(/ENOENT/);
      await expect(stat(join(withDevices.root, 'kindling-devices'))).rejects.toThrow(/ENOENT/);

      const without = await shellStage('ls -a /dev > out/dev; [ -e /dev/null ]; echo $? > out/null\n');
      expect(await sandbox.run(without)).toMatchObject({ ok: true, exitCode: 0 });
      expect(await lines(join(without.root, 'out/dev'))).toEqual(['.', '..', 'console']);
      expect(await lines(join(without.root, 'out/null'))).toEqual(['1']);

      // A stage's own file of that name would ask for devices in its place: refused before any VM runs.
      const posing = await shellStage('true\n');
      await writeFile(join(posing.root, 'kindling-devices'), '');
      const refused = await sandbox.run(posing);
      expect(refused).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!refused.ok && refused.error.message).toBe(
        "the stage's disk could not be made: the stage root already holds /kindling-devices, a name kindling's guest programs take on the disk",
      );
    },
    SAVE_TIMEOUT_MS * 2,
  );

  it(
    'notices a saved machine whose memory changed, though not its size or its time, and saves it anew',
    async () => {
      const cache = join(dir, 'cache-damaged');
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      expect(await sandbox.run(await shellStage('true\n'))).toMatchObject({ ok: true, exitCode: 0 });
      const memory = await savedMemory(cache);
      const { size, mtime } = await stat(memory);
      // A page in the middle of guest memory, written in place with the time put back: qemu would
      // map it without complaint, and neither the size nor the modification time tells.
      const file = await open(memory, 'r+');
      await file.write(Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 8192) * 4096);
      await file.close();
      await utimes(memory, mtime, mtime);
      const damaged = sha256Bytes(await readFile(memory));

      const stage = await shellStage('echo ran > out/ran\n');
      expect(await sandbox.run(stage)).toMatchObject({ ok: true, exitCode: 0 });
      expect(await lines(join(stage.root, 'out/ran'))).toEqual(['ran']);
      const saved = sha256Bytes(await readFile(await savedMemory(cache)));
      expect(saved).not.toBe(damaged);
      const meta = JSON.parse(await readFile(join(await savedDir(cache), 'meta.json'), 'utf8')) as {
        files: { memory: { sha256: string } };
      };
      expect(meta.files.memory.sha256).toBe(saved);
    },
    SAVE_TIMEOUT_MS * 2,
  );

  it(
    'removes, when it saves a machine, the saved machines no run will use again, and keeps those in use',
    async () => {
      const cache = join(dir, 'cache-pruned');
      await mkdir(cache);
      const key = (digit: string) => digit.repeat(64);
      const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);
      const fakeMachine = async (name: string, meta: unknown, usedDaysAgo?: number) => {
        await mkdir(join(cache, name));
        await writeFile(join(cache, name, 'meta.json'), JSON.stringify(meta));
        if (usedDaysAgo !== undefined) {
          await writeFile(join(cache, name, 'used'), '');
          await utimes(join(cache, name, 'used'), daysAgo(usedDaysAgo), daysAgo(usedDaysAgo));
        }
      };
      // An older format (its meta names a state, not files), one unused for 40 days, one used
      // yesterday (another architecture's, say), a machine without a meta, half-written saves.
      await fakeMachine(key('1'), { key: key('1'), stateSha256: key('f'), stateBytes: 1 });
      await fakeMachine(key('2'), { key: key('2'), files: {} }, 40);
      await fakeMachine(key('3'), { key: key('3'), files: {} }, 1);
      await mkdir(join(cache, key('4')));
      await mkdir(join(cache, `${key('5')}.partial-0123abcd`));
      await utimes(join(cache, `${key('5')}.partial-0123abcd`), daysAgo(2), daysAgo(2));
      await mkdir(join(cache, `${key('6')}.partial-0123abcd`));
      await mkdir(join(cache, 'notes'));

      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      expect(await sandbox.run(await shellStage('true\n'))).toMatchObject({ ok: true, exitCode: 0 });
      const saved = (await readdir(cache)).filter((name) => /^[0-9a-f]{64}$/.test(name) && !/^(.)\1+$/.test(name));
      expect(saved).toHaveLength(1);
      expect((await readdir(cache)).sort()).toEqual([key('3'), `${key('6')}.partial-0123abcd`, saved[0]!, 'notes'].sort());
      // The machine saved is marked used, so a later save keeps it while it is.
      expect((await stat(join(cache, saved[0]!, 'used'))).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
    },
    SAVE_TIMEOUT_MS,
  );

  it(
    'reports a saved state qemu cannot load, and removes it so the next run saves it anew',
    async () => {
      const cache = join(dir, 'cache-unloadable');
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      expect(await sandbox.run(await shellStage('true\n'))).toMatchObject({ ok: true, exitCode: 0 });
      const state = await savedState(cache);
      const key = join(state, '..');
      // Not a migration stream at all, with a meta that agrees: only qemu can tell.
      const garbage = Buffer.alloc(4096, 0x41);
      await writeFile(state, garbage);
      const metaPath = join(key, 'meta.json');
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
      const files = meta.files as Record<string, unknown>;
      await writeFile(
        metaPath,
        JSON.stringify({ ...meta, files: { ...files, state: { sha256: sha256Bytes(garbage), bytes: garbage.length } } }),
      );

      const fresh = createQemuSandbox({ kernel, accel: 'tcg', snapshotDir: cache });
      const failed = await fresh.run(await shellStage('true\n'));
      expect(failed).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!failed.ok && failed.error.message).toMatch(/^the saved VM .*machine\.state could not be restored, and was removed: /);
      expect(await readdir(cache)).toEqual([]);

      expect(await fresh.run(await shellStage('true\n'))).toMatchObject({ ok: true, exitCode: 0 });
    },
    SAVE_TIMEOUT_MS * 3,
  );

  it(
    "is not used when the kernel's modules cannot be fetched: the stage boots, and the trusted base names no modules",
    async () => {
      // A kernel whose pin names a package the archive does not have (as an old kernel's version, once the archive moved on).
      const copy = join(dir, 'old-kernel', 'vmlinuz-old');
      await mkdir(join(dir, 'old-kernel'));
      await copyFile(kernel, copy);
      const sha256 = sha256Bytes(await readFile(copy));
      await writeFile(`${copy}.json`, JSON.stringify({ package: 'linux-image-kindling-test-absent', version: '0', sha256 }));
      const cache = join(dir, 'cache-no-modules');
      const sandbox = createQemuSandbox({ kernel: copy, accel: 'tcg', snapshotDir: cache });
      const stage = await shellStage('echo booted > out/ran\n');
      expect(await sandbox.run(stage)).toMatchObject({ ok: true, exitCode: 0 });
      expect(await lines(join(stage.root, 'out/ran'))).toEqual(['booted']);
      const names = (await sandbox.trustedBase()).components.map((c) => c.name);
      expect(names).toContain('guest-init');
      expect(names).not.toContain('kernel-modules');
      expect(names).not.toContain('guest-boot');
      await expect(readdir(cache)).rejects.toThrow(/ENOENT/);
    },
    SAVE_TIMEOUT_MS,
  );

  it(
    'starts qemu again when a restore does not reach a running machine, and fails with one line when it never does',
    async () => {
      const real = (await findExecutable('qemu-system-x86_64'))!;
      const cache = join(dir, 'cache-stuck');
      // Saved through the real qemu first, under the key of the wrapper below (its own bytes).
      const counter = join(dir, 'stuck-count');
      const stuckTimes = join(dir, 'stuck-times');
      const wrapper = join(dir, 'stuck-qemu');
      // A qemu whose restores wait for a state that never comes (its descriptor a pipe no one
      // writes to), as many times as stuck-times says. The writer holds none of qemu's other
      // streams, so qemu's end is the end of the run.
      await writeFile(
        wrapper,
        [
          '#!/bin/bash',
          'for arg in "$@"; do [ "$arg" = -incoming ] && n=$(($(cat ' +
            counter +
            ' 2>/dev/null || echo 0) + 1)) && echo $n > ' +
            counter +
            ' && [ $n -le $(cat ' +
            stuckTimes +
            ') ] && exec 3< <(exec sleep 30 </dev/null 2>/dev/null); done',
          `exec "${real}" "$@"`,
        ].join('\n') + '\n',
      );
      await chmod(wrapper, 0o755);
      await writeFile(stuckTimes, '0');
      const sandbox = createQemuSandbox({ kernel, accel: 'tcg', qemu: wrapper, snapshotDir: cache, restoreDeadlineMs: 5_000 });
      expect(await sandbox.run(await shellStage('true\n'))).toMatchObject({ ok: true, exitCode: 0 });

      await writeFile(counter, '0');
      await writeFile(stuckTimes, '1');
      const once = await shellStage('echo ran > out/ran\n');
      expect(await sandbox.run(once)).toMatchObject({ ok: true, exitCode: 0 });
      expect(await lines(join(once.root, 'out/ran'))).toEqual(['ran']);
      expect(await readFile(counter, 'utf8')).toBe('2\n');

      await writeFile(counter, '0');
      await writeFile(stuckTimes, '2');
      const never = await sandbox.run(await shellStage('true\n'));
      expect(never).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!never.ok && never.error.message).toMatch(/^the saved VM .*machine\.state did not start running within 5000 ms, twice$/);
    },
    SAVE_TIMEOUT_MS * 2,
  );

  it(
    "on aarch64 too: a second stage sees none of the first one's files, every stage restores the same saved state, and one that asks has the kernel's devices",
    async () => {
      const cache = join(dir, 'cache-aarch64');
      const sandbox = createQemuSandbox({ kernel: aarch64Kernel, arch: 'aarch64', accel: 'tcg', snapshotDir: cache });
      const names = (await sandbox.trustedBase()).components.map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['guest-init', 'guest-boot', 'kernel-modules']));
      // Each stage exits 0 only when it created /secret itself: the first's is never on the second's disk.
      const first = await probeStage();
      expect(await sandbox.run(first)).toMatchObject({ ok: true, exitCode: 0 });
      expect(await readdir(first.root)).toEqual(expect.arrayContaining(['secret']));
      const state = await savedState(cache);
      const before = await stat(state);
      const hashBefore = sha256Bytes(await readFile(state));

      const second = await probeStage();
      expect(await sandbox.run(second)).toMatchObject({ ok: true, exitCode: 0 });
      expect((await readdir(second.root)).sort()).toEqual(['bin', 'secret']);
      const after = await stat(state);
      expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
      expect(sha256Bytes(await readFile(state))).toBe(hashBefore);

      // The probe does see a /secret that is on its own disk.
      const third = await probeStage();
      await writeFile(join(third.root, 'secret'), 'an input\n');
      expect(await sandbox.run(third)).toMatchObject({ ok: true, exitCode: 1 });
      // A stage that asks for the kernel's devices has them (the disk's /dev/vda: 5), and no /kindling-devices (4).
      const devices = await probeStage();
      expect(await sandbox.run({ ...devices, devices: true })).toMatchObject({ ok: true, exitCode: 5 });
    },
    SAVE_TIMEOUT_MS * 2,
  );

  it(
    'on aarch64, reports a restored machine whose disk cannot be mounted as a crash: the boot program says so and exits',
    async () => {
      const wiping = await qemuWithZeroedDisk(dir, 'qemu-system-aarch64');
      const sandbox = createQemuSandbox({
        kernel: aarch64Kernel,
        arch: 'aarch64',
        accel: 'tcg',
        qemu: wiping,
        snapshotDir: join(dir, 'cache-aarch64-wiping'),
      });
      const stage = await probeStage();
      const result = await sandbox.run(stage);
      expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
      expect(!result.ok && result.error.message).toMatch(/^the VM's kernel panicked before the stage ended: .*Attempted to kill init/);
      expect(await readFile(stage.logFile, 'utf8')).toContain("kindling: the stage's disk could not be attached");
      expect(await readdir(stage.root)).toEqual(['bin']);
    },
    SAVE_TIMEOUT_MS * 2,
  );

  it("gives qemu at a restore only the part of each kernel that lays the machine out, and refuses another architecture's", async () => {
    const [bzImage, image] = await Promise.all([readFile(kernel), readFile(aarch64Kernel)]);
    const setup = kernelRestorePart(bzImage, archProfile('amd64'));
    expect(setup.toString('latin1', 0x202, 0x206)).toBe('HdrS');
    expect(setup.length).toBeLessThan(64 * 1024);
    // The arm64 Image's header: its load offset and size, and the magic at 0x38.
    expect(kernelRestorePart(image, archProfile('aarch64'))).toEqual(image.subarray(0, 64));
    expect(() => kernelRestorePart(bzImage, archProfile('aarch64'))).toThrow(/is not an arm64 Image/);
    expect(() => kernelRestorePart(image, archProfile('amd64'))).toThrow(/is not a bzImage/);
  });

  it('is saved under a key that changes with every part of the machine', () => {
    const parts = {
      qemu: '/usr/bin/qemu-system-x86_64',
      qemuComponent: { name: 'qemu-system-x86_64', version: '7.2', sha256: 'a'.repeat(64) },
      kernel: { path: '/k/vmlinuz', sha256: 'b'.repeat(64) },
      modules: { sha256: 'c'.repeat(64) },
      boot: { sha256: 'd'.repeat(64) },
      accel: 'tcg',
      memoryMiB: 256,
      profile: { arch: 'amd64', console: 'ttyS0', qemuMachine: ['-M', 'pc'] },
    } as unknown as SnapshotParts;
    const key = snapshotKey(parts);
    // Where the kernel lies does not matter, its bytes do.
    expect(snapshotKey({ ...parts, kernel: { ...parts.kernel, path: '/elsewhere/vmlinuz' } })).toBe(key);
    const changed = [
      { ...parts, qemuComponent: { ...parts.qemuComponent, sha256: 'e'.repeat(64) } },
      { ...parts, qemuComponent: { ...parts.qemuComponent, version: '8.0' } },
      { ...parts, kernel: { ...parts.kernel, sha256: 'e'.repeat(64) } },
      { ...parts, modules: { ...parts.modules, sha256: 'e'.repeat(64) } },
      { ...parts, boot: { ...parts.boot, sha256: 'e'.repeat(64) } },
      { ...parts, accel: 'kvm' },
      { ...parts, memoryMiB: 512 },
    ] as SnapshotParts[];
    expect(new Set([key, ...changed.map(snapshotKey)]).size).toBe(changed.length + 1);
  });
});
