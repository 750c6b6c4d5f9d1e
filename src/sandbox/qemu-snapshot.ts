// A VM saved once and restored for every stage, in place of a boot per stage (see the sandbox
// README, "A saved machine"). The machine boots the pinned kernel with kindling's initramfs (the
// boot program, guest/<arch>/boot.hex0, and the virtio modules of the kernel's own package), loads
// virtio's PCI transport, and waits for a byte on the console with a blank disk attached and no
// disk driver loaded. qemu saves it there, once per set of everything that shapes it — kernel,
// modules, boot program, qemu, accelerator, memory, command line — the key of its directory in the
// cache. The guest's memory is a file (`memory`) the saved machine wrote through; the rest of the
// machine (processor, devices) is a small migration stream (`machine.state`). Each stage maps the
// memory file privately (copy on write: what the guest writes never reaches the file), loads the
// stream from an open file descriptor, with its own disk in the blank one's place, and sends the
// byte: the guest only then loads the disk driver, which reads the stage's disk for the first
// time, mounts it and runs the guest init.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ArchProfile } from '../arch.js';
import { sha256Bytes, sha256File, type Sha256 } from '../digest.js';
import { messageOf } from '../errors.js';
import type { Accel } from './accel.js';
import type { GuestInit } from './guest-init.js';
import { buildInitramfs } from './initramfs.js';
import type { KernelInfo } from './kernel.js';
import type { KernelModules } from './kernel-modules.js';
import { AMD64_BOOT_SHORTCUTS, optionValue, stageDisk, stageMachine } from './qemu-command.js';
import { fileStamp } from './file-stamp.js';
import { monitorArguments, QemuMonitor } from './qemu-monitor.js';
import type { TrustedComponent } from './sandbox.js';

/** What the boot program writes once it waits for the host: the moment to save the machine. */
export const READY_LINE = 'kindling: ready';
/** Where the boot program reads the guest init's arguments from (it removes the file). */
export const ARGS_FILE = 'kindling-args';
/**
 * Written (empty) into the disk of a stage that asks for the kernel's devices: the boot program
 * removes it and mounts devtmpfs on the disk's /dev, as `devtmpfs.mount=1` does for a booted stage.
 */
export const DEVICES_FILE = 'kindling-devices';
/** The most bytes the boot program reads of ARGS_FILE. */
export const ARGS_FILE_LIMIT = 4096;
/** The disk of the saved machine: blank, never read by the guest (no disk driver is loaded before the save). */
const BLANK_DISK_BYTES = 1024 * 1024;
/** Bumped when the way a machine is saved changes, so older saved states are not used. */
const FORMAT = 2;
/** The capability that leaves memory held in a file out of the migration stream, at the save and at each restore. */
export const MEMORY_IN_FILE_CAPABILITY = { capabilities: [{ capability: 'x-ignore-shared', state: true }] };

export interface SnapshotParts {
  readonly qemu: string;
  readonly qemuComponent: TrustedComponent;
  /** The pinned kernel as Debian ships it (bzImage, or arm64's gzipped Image): a restore then needs no unpacked ELF. */
  readonly kernel: KernelInfo;
  readonly modules: KernelModules;
  readonly boot: GuestInit;
  readonly accel: Accel;
  readonly memoryMiB: number;
  readonly profile: ArchProfile;
}

/** `<repo>/.kindling/vm-state`: saved machines, one directory per key. */
export function defaultSnapshotDir(): string {
  return fileURLToPath(new URL('../../.kindling/vm-state', import.meta.url));
}

/** The kernel command line of the saved machine: no root (the boot program mounts it), the usual shortcuts on x86-64. */
export function snapshotCommandLine(profile: ArchProfile): string {
  return [`console=${profile.console}`, 'panic=-1', 'quiet', ...(profile.arch === 'amd64' ? AMD64_BOOT_SHORTCUTS : [])].join(' ');
}

/** The files a machine is started from: at the save, the pinned kernel and a memory file it writes through. */
export interface MachineFiles {
  /** The kernel as qemu loads it: the pinned bzImage at the save, its setup part alone at a restore. */
  readonly kernel: string;
  readonly initramfs: string;
  /** The guest's memory. */
  readonly memory: string;
  /**
   * At the save the guest writes through to the file (`share=on`); at a restore it is mapped
   * privately (`share=off`), so every page the guest writes is its own copy and the file stays as saved.
   */
  readonly writeThrough: boolean;
}

/**
 * The machine, the same at the save and at every restore (qemu requires it), with `image` as its
 * disk. Only two things differ, neither seen by the restored guest: whether its memory writes
 * through to the file, and the kernel file (qemu reads it into its firmware configuration, which
 * the booted kernel never reads again; at a restore the kernel that runs is the one in the memory).
 */
export function snapshotMachineArguments(parts: SnapshotParts, files: MachineFiles, image: string): string[] {
  return [
    ...stageMachine(parts.accel, parts.memoryMiB, parts.profile),
    '-object',
    `memory-backend-file,id=guest-memory,size=${parts.memoryMiB}M,mem-path=${optionValue(files.memory)},share=${files.writeThrough ? 'on' : 'off'}`,
    '-machine',
    'memory-backend=guest-memory',
    '-kernel',
    files.kernel,
    '-initrd',
    files.initramfs,
    '-append',
    snapshotCommandLine(parts.profile),
    ...stageDisk(image, 'virtio-blk-pci'),
  ];
}

/** The initramfs: the boot program as /init, the modules beside it, and what the kernel and the program need. */
export function snapshotInitramfs(parts: Pick<SnapshotParts, 'boot' | 'modules'>): Buffer {
  return buildInitramfs([
    { kind: 'directory', name: 'dev', mode: 0o755 },
    { kind: 'char-device', name: 'dev/console', mode: 0o600, major: 5, minor: 1 },
    { kind: 'directory', name: 'root', mode: 0o755 },
    { kind: 'file', name: 'init', mode: 0o755, bytes: parts.boot.bytes },
    ...parts.modules.modules.map((m) => ({ kind: 'file' as const, name: m.name, mode: 0o644, bytes: m.bytes })),
  ]);
}

/** The cache key: everything the saved state depends on. */
export function snapshotKey(parts: SnapshotParts): Sha256 {
  return sha256Bytes(
    JSON.stringify({
      format: FORMAT,
      kernel: parts.kernel.sha256,
      modules: parts.modules.sha256,
      boot: parts.boot.sha256,
      qemu: [parts.qemuComponent.version, parts.qemuComponent.sha256],
      machine: snapshotMachineArguments(
        { ...parts, qemu: '' },
        { kernel: 'KERNEL', initramfs: 'INITRAMFS', memory: 'MEMORY', writeThrough: true },
        'DISK',
      ),
    }),
  );
}

/** The file holding the arguments of the guest init: its path, the stage's init, its arguments, each ending with NUL. */
export function argsFileBytes(init: string, args: readonly string[]): Buffer {
  const bytes = Buffer.from(['/kindling-init', `/${init}`, ...args].map((word) => `${word}\0`).join(''), 'utf8');
  if (bytes.length > ARGS_FILE_LIMIT) {
    throw new Error(`the stage's init and its arguments take ${bytes.length} bytes, more than a VM accepts (${ARGS_FILE_LIMIT})`);
  }
  return bytes;
}

/** The files of a saved machine, in its directory, with the sha256 and size each had when saved. */
const SAVED_FILES = {
  state: 'machine.state',
  memory: 'memory',
  kernelSetup: 'kernel-setup',
  initramfs: 'initramfs.cpio',
} as const;
type SavedFile = keyof typeof SAVED_FILES;

interface SnapshotMeta {
  readonly key: string;
  readonly files: Record<SavedFile, { readonly sha256: string; readonly bytes: number }>;
}

export interface SavedMachine {
  readonly dir: string;
  /** The processor and devices: a migration stream, loaded through a file descriptor. */
  readonly state: string;
  /** The guest's memory, mapped privately by every restore. */
  readonly memory: string;
  readonly kernelSetup: string;
  readonly initramfs: string;
  /** The stamps (fileStamp) of the state and the memory when they were verified: checked before each restore. */
  readonly stamp: string;
}

async function stampOf(saved: Pick<SavedMachine, 'state' | 'memory'>): Promise<string> {
  return `${await fileStamp(saved.state)} ${await fileStamp(saved.memory)}`;
}

/**
 * The real-mode setup part of a bzImage: the boot sector and the setup sectors its header counts.
 * qemu needs a kernel of the same boot protocol to lay out the same machine at a restore, and
 * reads the whole file into its firmware configuration; the setup part alone is 20 KiB, not 14 MB.
 */
export function kernelSetupPart(bzImage: Buffer): Buffer {
  if (bzImage.length < 0x206 || bzImage.toString('latin1', 0x202, 0x206) !== 'HdrS') {
    throw new Error('the kernel is not a bzImage (no "HdrS" boot header at 0x202)');
  }
  // A setup_sects of 0 means 4 (the boot protocol's oldest rule).
  const bytes = ((bzImage[0x1f1] || 4) + 1) * 512;
  if (bytes > bzImage.length) throw new Error(`the kernel's header counts ${bytes} bytes of setup, more than the file holds`);
  return bzImage.subarray(0, bytes);
}

/**
 * The header of an arm64 kernel Image (64 bytes: its load offset, its size, the "ARM\x64" magic).
 * qemu's Arm board copies the whole Image (27 MB) into a buffer for the guest's memory at every
 * start; at a restore that copy is never used (the kernel that runs is in the saved memory), and the
 * header alone is read as an Image of the same size, so the board is laid out as at the save.
 */
export function arm64ImageHeader(image: Buffer): Buffer {
  if (image.length < 64 || image.toString('latin1', 0x38, 0x3c) !== 'ARM\x64') {
    throw new Error('the kernel is not an arm64 Image (no "ARM\\x64" magic at 0x38)');
  }
  return image.subarray(0, 64);
}

/** What qemu is given as the kernel at a restore: the part of the pinned kernel that lays the machine out. */
export function kernelRestorePart(kernel: Buffer, profile: ArchProfile): Buffer {
  return profile.arch === 'aarch64' ? arm64ImageHeader(kernel) : kernelSetupPart(kernel);
}

/** A saved machine whose files are what its meta says, or why not. */
async function verify(dir: string, key: string): Promise<SavedMachine | string> {
  let meta: SnapshotMeta;
  try {
    meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as SnapshotMeta;
  } catch {
    return 'no meta.json';
  }
  if (meta.key !== key) return `meta.json names key ${meta.key}`;
  for (const [file, name] of Object.entries(SAVED_FILES) as [SavedFile, string][]) {
    const expected = meta.files?.[file];
    if (expected === undefined) return `meta.json says nothing of ${name}`;
    const size = await fileSize(join(dir, name));
    if (size !== expected.bytes) return `${name} has ${size} bytes, not ${expected.bytes}`;
    const sha256 = await sha256File(join(dir, name)).catch(() => 'unreadable');
    if (sha256 !== expected.sha256) return `${name} has sha256 ${sha256}, not ${expected.sha256}`;
  }
  const paths = { state: join(dir, SAVED_FILES.state), memory: join(dir, SAVED_FILES.memory) };
  return {
    dir,
    ...paths,
    kernelSetup: join(dir, SAVED_FILES.kernelSetup),
    initramfs: join(dir, SAVED_FILES.initramfs),
    stamp: await stampOf(paths),
  };
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (info) => info.size,
    () => -1,
  );
}

/** Boots the machine to the boot program's wait and saves it into `dir` (a new directory). */
async function save(parts: SnapshotParts, dir: string, key: string, timeoutMs: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const path = (file: SavedFile): string => join(dir, SAVED_FILES[file]);
  await writeFile(path('initramfs'), snapshotInitramfs(parts));
  await writeFile(path('kernelSetup'), kernelRestorePart(await readFile(parts.kernel.path), parts.profile));
  const blank = join(dir, 'blank.img');
  await writeFile(blank, '');
  await truncate(blank, BLANK_DISK_BYTES);
  const files: MachineFiles = { kernel: parts.kernel.path, initramfs: path('initramfs'), memory: path('memory'), writeThrough: true };
  // The monitor is qemu's descriptor 3, its end of a socket pair whose other end is the child's stdio[3].
  const child = execa(parts.qemu, [...snapshotMachineArguments(parts, files, blank), ...monitorArguments(3)], {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    buffer: { fd3: false },
    reject: false,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  const monitor = QemuMonitor.attach(child.stdio[3]);
  let console = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        console += chunk.toString('latin1');
        if (console.includes(READY_LINE)) resolve();
      });
      child.then(
        () => reject(new Error(`the machine stopped before it was ready: ${console.trim().split('\n').slice(-3).join('; ')}`)),
        reject,
      );
    });
    await monitor.ready();
    // The memory is already in its file: the stream holds the processor and devices alone.
    await monitor.execute('migrate-set-capabilities', MEMORY_IN_FILE_CAPABILITY);
    // qemu writes the state through a shell; the path is quoted for it.
    await monitor.execute('migrate', { uri: `exec:cat > '${path('state').replaceAll("'", "'\\''")}'` });
    for (;;) {
      const info = (await monitor.execute('query-migrate')) as { status?: string; 'error-desc'?: string };
      if (info.status === 'completed') break;
      if (info.status === 'failed' || info.status === 'cancelled')
        throw new Error(`qemu could not save the machine: ${info['error-desc'] ?? info.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The machine is paused once saved; quitting unmaps the memory, which is in the file by then.
    await monitor.execute('quit').catch(() => undefined);
    await child;
  } finally {
    monitor.close();
    child.kill('SIGKILL');
    await child;
  }
  const described: Partial<SnapshotMeta['files']> = {};
  for (const file of Object.keys(SAVED_FILES) as SavedFile[]) {
    described[file] = { sha256: await sha256File(path(file)), bytes: await fileSize(path(file)) };
  }
  const meta: SnapshotMeta = { key, files: described as SnapshotMeta['files'] };
  await writeFile(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n');
}

const verified = new Map<string, Promise<SavedMachine>>();

/** A saved machine no run has used for this long is removed when another is saved (each holds 100–250 MB). */
const UNUSED_FOR_MS = 30 * 24 * 60 * 60 * 1000;
/** A save left half-written (its process killed) is removed after this long. */
const PARTIAL_FOR_MS = 24 * 60 * 60 * 1000;
/** Touched once per process that uses a saved machine: when it was last used. */
const USED_FILE = 'used';

async function markUsed(dir: string): Promise<void> {
  const now = new Date();
  await utimes(join(dir, USED_FILE), now, now).catch(() => writeFile(join(dir, USED_FILE), ''));
}

async function modifiedMs(path: string): Promise<number | undefined> {
  return stat(path).then(
    (info) => info.mtimeMs,
    () => undefined,
  );
}

/**
 * Removes from the cache what no run will use again: machines saved in an older format (their
 * meta names no files) or without a meta, machines no run has used for 30 days, and saves left
 * half-written more than a day ago. Machines in use under other keys (the other architecture's,
 * another memory size, another qemu) are kept, and so is anything not named like a key. Done when
 * a machine is saved, the one time the cache grows. Returns the names removed.
 */
export async function pruneSavedMachines(cacheDir: string, keep: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(cacheDir).catch(() => [] as string[])) {
    const dir = join(cacheDir, name);
    let stale: boolean;
    if (/^[0-9a-f]{64}\.partial-[0-9a-f]{8}$/.test(name)) {
      stale = now - ((await modifiedMs(dir)) ?? now) > PARTIAL_FOR_MS;
    } else if (/^[0-9a-f]{64}$/.test(name) && name !== keep) {
      const meta = await readFile(join(dir, 'meta.json'), 'utf8').then(
        (text) => JSON.parse(text) as Partial<SnapshotMeta>,
        () => undefined,
      );
      const lastUsed = (await modifiedMs(join(dir, USED_FILE))) ?? (await modifiedMs(join(dir, 'meta.json'))) ?? 0;
      stale = typeof meta?.files !== 'object' || now - lastUsed > UNUSED_FOR_MS;
    } else continue;
    if (!stale) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export interface SnapshotOptions {
  readonly cacheDir?: string;
  /** How long the one boot that is saved may take (default 10 minutes). */
  readonly saveTimeoutMs?: number;
}

/**
 * The saved machine for these parts: verified against its meta once per process (its sha256), and
 * saved first when the cache holds none or a damaged one. A damaged one is removed and saved anew;
 * a failed save is an error naming why.
 */
export function savedMachine(parts: SnapshotParts, options: SnapshotOptions = {}): Promise<SavedMachine> {
  const key = snapshotKey(parts);
  const dir = join(options.cacheDir ?? defaultSnapshotDir(), key);
  let result = verified.get(dir);
  if (result !== undefined) {
    // Verified earlier in this process: still the same file, or verified again.
    const earlier = result;
    result = earlier.then(async (saved) => ((await stampOf(saved)) === saved.stamp ? saved : reverify()));
  }
  return result ?? reverify();

  function reverify(): Promise<SavedMachine> {
    const result = (async (): Promise<SavedMachine> => {
      const found = await verify(dir, key);
      if (typeof found !== 'string') {
        await markUsed(dir);
        return found;
      }
      const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`;
      try {
        await save(parts, partial, key, options.saveTimeoutMs ?? 600_000);
        // Another process may have saved one meanwhile, and may be restoring it: a valid one stays
        // (either is a save of the same parts); only a damaged one is replaced.
        if (typeof (await verify(dir, key)) === 'string') {
          await rm(dir, { recursive: true, force: true });
          await rename(partial, dir).catch(() => undefined);
        }
      } catch (error) {
        throw new Error(`the VM could not be saved for restoring (${dir}): ${messageOf(error)}`);
      } finally {
        await rm(partial, { recursive: true, force: true });
      }
      const saved = await verify(dir, key);
      if (typeof saved === 'string') throw new Error(`the saved VM in ${dir} is not usable: ${saved}`);
      await markUsed(dir);
      await pruneSavedMachines(dirname(dir), key);
      return saved;
    })();
    verified.set(dir, result);
    result.catch(() => verified.delete(dir));
    return result;
  }
}

/** Forgets a saved machine that failed to restore, and removes it, so the next run saves it anew. */
export async function discardSavedMachine(saved: SavedMachine): Promise<void> {
  verified.delete(saved.dir);
  await rm(saved.dir, { recursive: true, force: true });
}
