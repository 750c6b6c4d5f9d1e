// The qemu backend with real qemu and the real kernel (fetched into the cache when missing).
// Boots use TCG unless a test is about the accelerator choice: each boot takes a few seconds.
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAccel } from '../../src/sandbox/accel.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import type { SandboxRunRequest } from '../../src/sandbox/sandbox.js';
import { findExecutable } from '../../src/sandbox/tool-identity.js';

const BOOT_TIMEOUT_MS = 20_000;

// A stand-in stage program until the seeds are in the tree: a static init with no libc that does
// one thing per mode, so each test can make the machine behave the way it needs.
const TEST_INIT_SOURCE = String.raw`
__asm__(".globl _start\n_start:\n mov %rsp, %rdi\n and $-16, %rsp\n call start_c\n hlt\n");
static long sys(long n, long a, long b, long c) {
  long r; __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); return r;
}
static long len(const char *s) { long n = 0; while (s[n]) n++; return n; }
static int same(const char *a, const char *b) { while (*a && *a == *b) { a++; b++; } return *a == *b; }
static void say(const char *s) { sys(1, 1, (long)s, len(s)); }
static long number(const char *s) { long n = 0; while (*s) n = n * 10 + (*s++ - '0'); return n; }
void start_c(long *sp) {
  long argc = sp[0]; char **argv = (char **)(sp + 1); char **envp = argv + argc + 1;
  const char *mode = argc > 1 ? argv[1] : "";
  say("test-init: "); say(mode); say("\n");
  if (same(mode, "write")) {            /* write PATH TEXT: PATH gets TEXT and a newline, mode 0755 */
    long fd = sys(2, (long)argv[2], 01 | 0100 | 01000, 0755);
    sys(1, fd, (long)argv[3], len(argv[3])); sys(1, fd, (long)"\n", 1); sys(3, fd, 0, 0);
    sys(60, fd < 0 ? 9 : 0, 0, 0);
  }
  if (same(mode, "bytes")) {            /* bytes PATH N: N one-byte writes, then reopen and append '!' */
    long fd = sys(2, (long)argv[2], 01 | 0100 | 01000, 0644);
    for (long i = number(argv[3]); i > 0; i--) sys(1, fd, (long)"z", 1);
    sys(3, fd, 0, 0);
    fd = sys(2, (long)argv[2], 01 | 02000, 0); sys(1, fd, (long)"!", 1); sys(3, fd, 0, 0);
    sys(60, 0, 0, 0);
  }
  if (same(mode, "exit")) sys(60, number(argv[2]), 0, 0);       /* exit N */
  if (same(mode, "segfault")) *(volatile long *)0 = 1;          /* killed by SIGSEGV */
  if (same(mode, "hang")) for (;;) sys(34, 0, 0, 0);             /* pause() forever */
  if (same(mode, "argv")) {             /* argv PATH: one line per argument, then one per variable */
    long fd = sys(2, (long)argv[2], 01 | 0100 | 01000, 0644);
    for (long i = 0; i < argc; i++) { sys(1, fd, (long)argv[i], len(argv[i])); sys(1, fd, (long)"\n", 1); }
    for (char **e = envp; *e; e++) { sys(1, fd, (long)"env ", 4); sys(1, fd, (long)*e, len(*e)); sys(1, fd, (long)"\n", 1); }
    sys(3, fd, 0, 0); sys(60, 0, 0, 0);
  }
  if (same(mode, "smash-disk")) {       /* overwrite the disk's superblock through a device node */
    sys(133, (long)"/nvme", 060600, (259 << 8) | 0);              /* mknod block 259:0 */
    long fd = sys(2, (long)"/nvme", 01, 0);
    static char junk[8192]; for (long i = 0; i < 8192; i++) junk[i] = 0x5a;
    sys(8, fd, 1024, 0); sys(1, fd, (long)junk, 8192);            /* lseek to 1024, write */
    sys(74, fd, 0, 0); sys(60, 0, 0, 0);                          /* fsync, exit 0 */
  }
  sys(60, 100, 0, 0);
}
`;

let dir: string;
let kernel: string;
let testInit: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-qemu-test-'));
  kernel = await ensureKernel();
  await writeFile(join(dir, 'init.c'), TEST_INIT_SOURCE);
  testInit = join(dir, 'init');
  await execa('gcc', ['-static', '-nostdlib', '-O1', '-fno-stack-protector', '-fno-pie', '-no-pie', '-o', testInit, join(dir, 'init.c')]);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let rigCount = 0;
/** A stage root holding the test init at bin/init, plus a log file and a private image directory. */
async function rig(extra: Record<string, string> = {}): Promise<{ root: string; logFile: string; workDir: string }> {
  const base = join(dir, `rig-${rigCount++}`);
  const root = join(base, 'root');
  await mkdir(join(root, 'bin'), { recursive: true });
  await mkdir(join(root, 'out'), { recursive: true });
  await writeFile(join(root, 'bin/init'), await readFile(testInit));
  await chmod(join(root, 'bin/init'), 0o755);
  for (const [path, text] of Object.entries(extra)) await writeFile(join(root, path), text);
  const workDir = join(base, 'images');
  await mkdir(workDir);
  const logFile = join(base, 'stage.log');
  await writeFile(logFile, '');
  return { root, logFile, workDir };
}

function request(r: { root: string; logFile: string }, args: string[], timeoutMs = BOOT_TIMEOUT_MS): SandboxRunRequest {
  return { root: r.root, logFile: r.logFile, init: 'bin/init', args, timeoutMs };
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

/** qemu processes whose command line mentions `text` (the test's private image directory). */
async function qemuProcessesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('qemu-system') && cmdline.includes(text)) pids.push(Number(entry));
  }
  return pids;
}

describe('a stage in a VM', () => {
  it('writes its output into the root, with its mode, and exits 0', async () => {
    const r = await rig();
    const sandbox = createQemuSandbox({ kernel, accel: 'tcg', workDir: r.workDir });
    const result = await sandbox.run(request(r, ['write', 'out/result', 'made-in-the-vm']));
    expect(result).toMatchObject({ ok: true, exitCode: 0 });
    expect(await readFile(join(r.root, 'out/result'), 'utf8')).toBe('made-in-the-vm\n');
    expect((await lstat(join(r.root, 'out/result'))).mode & 0o777).toBe(0o755);
    // The root holds the inputs and the output, and nothing the image added.
    expect(await listTree(r.root)).toEqual(['bin', 'bin/init', 'out', 'out/result']);
    // The console log holds what the stage printed, first: the firmware keeps off it.
    expect(await readFile(r.logFile, 'utf8')).toMatch(/^test-init: write\r?\n/);
    // The disk images are gone.
    expect(await readdir(r.workDir)).toEqual([]);
  }, BOOT_TIMEOUT_MS);

  it('keeps every write, however small, though the kernel never syncs', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(request(r, ['bytes', 'out/bytes', '2000']));
    expect(result).toMatchObject({ ok: true, exitCode: 0 });
    expect(await readFile(join(r.root, 'out/bytes'), 'utf8')).toBe('z'.repeat(2000) + '!');
  }, BOOT_TIMEOUT_MS);

  it('passes init exactly its arguments, after the kernel took its own', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(request(r, ['argv', 'out/argv', 'a=b', '--x', 'last']));
    expect(result).toMatchObject({ ok: true, exitCode: 0 });
    // The kernel gives init HOME and TERM; nothing else from the host reaches it.
    expect(await readFile(join(r.root, 'out/argv'), 'utf8')).toBe('/bin/init\nargv\nout/argv\na=b\n--x\nlast\nenv HOME=/\nenv TERM=linux\n');
  }, BOOT_TIMEOUT_MS);

  it('recovers a non-zero exit status exactly', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(request(r, ['exit', '173']));
    expect(result).toMatchObject({ ok: true, exitCode: 173 });
  }, BOOT_TIMEOUT_MS);

  it('reports a stage killed by a signal as 128 + the signal', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(request(r, ['segfault']));
    expect(result).toMatchObject({ ok: true, exitCode: 128 + 11 });
  }, BOOT_TIMEOUT_MS);

  it('kills a hung stage at its timeout and leaves no qemu behind', async () => {
    const r = await rig();
    const sandbox = createQemuSandbox({ kernel, accel: 'tcg', workDir: r.workDir });
    const started = performance.now();
    // Long enough for a boot on a busy machine, so the stage itself is what hangs.
    const result = await sandbox.run(request(r, ['hang'], 10_000));
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ ok: false, error: { reason: 'timeout', timeoutMs: 10_000 } });
    expect(elapsed).toBeGreaterThanOrEqual(10_000);
    expect(elapsed).toBeLessThan(15_000);
    expect(await qemuProcessesMentioning(r.workDir)).toEqual([]);
    // It did boot: the stage had started before it was killed.
    expect(await readFile(r.logFile, 'utf8')).toContain('test-init: hang');
  }, BOOT_TIMEOUT_MS);

  it('stops the VM when the run is aborted', async () => {
    const r = await rig();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_000);
    const result = await createQemuSandbox({ kernel, accel: 'tcg', workDir: r.workDir }).run({ ...request(r, ['hang']), signal: controller.signal });
    expect(result).toMatchObject({ ok: false, error: { reason: 'aborted' } });
    expect(await qemuProcessesMentioning(r.workDir)).toEqual([]);
  }, BOOT_TIMEOUT_MS);
});

describe('failures of the machine itself', () => {
  it('names the missing kernel', async () => {
    const r = await rig();
    const missing = join(dir, 'no-such-vmlinuz');
    const sandbox = createQemuSandbox({ kernel: missing, accel: 'tcg' });
    const result = await sandbox.run(request(r, ['exit', '0']));
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toContain(missing);
    await expect(sandbox.trustedBase()).rejects.toThrow(missing);
  });

  it('fails as a sandbox failure when the disk cannot be made, leaving root as it was', async () => {
    const r = await rig({ 'big-input': 'x'.repeat(3 * 1024 * 1024) });
    const before = await listTree(r.root);
    const sandbox = createQemuSandbox({ kernel, accel: 'tcg', disk: { factor: 0, headroomMiB: 1 } });
    const result = await sandbox.run(request(r, ['exit', '0']));
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toMatch(/disk could not be made: mke2fs could not make a 1 MiB image/);
    expect(await listTree(r.root)).toEqual(before);
  });

  it('fails as a sandbox failure when qemu dies without a verdict', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg', qemu: '/bin/false' }).run(request(r, ['exit', '0']));
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toMatch(/^qemu exited with status 1 without the stage's exit status/);
  });

  it('refuses a disk the stage damaged, and root keeps its inputs rather than half a filesystem', async () => {
    const r = await rig();
    const before = await listTree(r.root);
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(request(r, ['smash-disk']));
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toMatch(/stage ended with status 0, but its disk could not be read back: .* is damaged/);
    expect(await listTree(r.root)).toEqual(before);
    expect(await readdir(join(r.root, '..'))).toEqual(expect.not.arrayContaining([expect.stringMatching(/readback/)]));
  }, BOOT_TIMEOUT_MS);

  it('reports a kernel panic that is not the end of init', async () => {
    const r = await rig();
    // An init that does not exist: the kernel panics with its own reason.
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run({ ...request(r, []), init: 'bin/missing' });
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toMatch(/kernel panicked before the stage ended: Requested init \/bin\/missing failed/);
  }, BOOT_TIMEOUT_MS);

  it('refuses arguments the kernel command line cannot carry', async () => {
    const r = await rig();
    const result = await createQemuSandbox({ kernel, accel: 'tcg' }).run(request(r, ['two words']));
    expect(result).toMatchObject({ ok: false, error: { reason: 'sandbox-failed' } });
    expect(!result.ok && result.error.message).toContain('"two words"');
  });
});

describe('accelerator and trusted base', () => {
  it('picks an accelerator that boots, and records it with qemu, the kernel and e2fsprogs', async () => {
    // The same qemu path the backend resolves, so both share one probe.
    const accel = await resolveAccel('auto', { qemu: (await findExecutable('qemu-system-x86_64'))!, kernel });
    expect(['kvm', 'tcg']).toContain(accel);
    const r = await rig();
    const sandbox = createQemuSandbox({ kernel, accel: 'auto' });
    expect(await sandbox.run(request(r, ['exit', '7']))).toMatchObject({ ok: true, exitCode: 7 });
    const base = await sandbox.trustedBase();
    expect(base.backend).toBe('qemu');
    const byName = new Map(base.components.map((c) => [c.name, c]));
    expect(byName.get('qemu-system-x86_64')?.version).toMatch(/^QEMU emulator version \d/);
    expect(byName.get('kernel')).toMatchObject({ path: kernel });
    expect(byName.get('kernel')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(byName.get('e2fsprogs')?.version).toMatch(/^mke2fs \d/);
    expect(byName.get('qemu-accel')?.version).toBe(accel);
  }, 30_000);
});
