// The qemu backend: every stage runs in its own virtual machine. The stage root becomes an ext4
// disk, the machine boots a fixed kernel into kindling's guest init, which runs the stage's init,
// syncs the disk and restarts the machine with the stage's status on the console. The disk's final
// filesystem is then read back into the stage root, so outputs are verified outside exactly as for
// any backend.
// Slower than bubblewrap, but the stage shares nothing with the host, not even its kernel.
import { lstat, mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { archProfile, type Arch } from '../arch.js';
import { messageOf } from '../errors.js';
import { resolveAccel, type Accel, type AccelChoice } from './accel.js';
import {
  buildImage,
  e2fsprogsComponent,
  imageSizeFor,
  readImageInto,
  reserveImage,
  treeSize,
  type ExtraProgram,
  type ImageAdditions,
  type ImageSizing,
} from './qemu-disk.js';
import {
  GUEST_INIT_PATH,
  guestBootComponent,
  guestInitComponent,
  hasGuestBoot,
  hasGuestInit,
  loadGuestBoot,
  loadGuestInit,
  type GuestInit,
} from './guest-init.js';
import { ensureModules, modulesComponent } from './kernel-modules.js';
import { monitorArguments, QemuMonitor } from './qemu-monitor.js';
import {
  ARGS_FILE,
  argsFileBytes,
  DEVICES_FILE,
  discardSavedMachine,
  MEMORY_IN_FILE_CAPABILITY,
  savedMachine,
  snapshotMachineArguments,
  type SavedMachine,
  type SnapshotParts,
} from './qemu-snapshot.js';
import { isSha256 } from '../digest.js';
import { kernelHashVariable, readEnvironment } from '../environment.js';
import {
  checkedKernel,
  ensureKernel,
  KernelError,
  kernelComponent,
  locateKernel,
  pinPath,
  type ExpectedKernel,
  type KernelInfo,
} from './kernel.js';
import { fileStamp } from './file-stamp.js';
import { bootableKernel } from './kernel-elf.js';
import { FIRMWARE_CONSOLE_SETTING, kernelCommandLine, qemuArguments } from './qemu-command.js';
import { readConsoleVerdict } from './qemu-console.js';
import { describeTool, requireTool } from './tool-identity.js';
import type { Sandbox, SandboxFailure, SandboxRunRequest, SandboxRunResult, TrustedBase } from './sandbox.js';

export interface QemuOptions {
  /**
   * The kernel to boot; else $KINDLING_KERNEL, else the newest one in `<repo>/.kindling/kernel`,
   * which is fetched there from the Debian archive when it holds none (unless fetchKernel is false).
   */
  readonly kernel?: string;
  readonly fetchKernel?: boolean;
  /**
   * The sha256 the kernel must have (`--kernel-sha256`); else $KINDLING_KERNEL_SHA256 (by
   * architecture), else the pin beside the kernel. Checked before every boot.
   */
  readonly kernelSha256?: string;
  /** 'auto' (the default) uses KVM only when a probe boot succeeds quickly. */
  readonly accel?: AccelChoice;
  /** Guest memory in MiB (default 256; the kernel needs 96 to boot). */
  readonly memoryMiB?: number;
  /** The qemu executable; the architecture's qemu-system-* on PATH when not given. */
  readonly qemu?: string;
  /** The architecture of the chain's programs, and so of the machine and its kernel (default amd64). */
  readonly arch?: Arch;
  /** How big the stage's disk is made from the size of its inputs. */
  readonly disk?: ImageSizing;
  /** Where the disk images are made (default: beside the stage root). */
  readonly workDir?: string;
  /**
   * Restore a machine saved once (qemu-snapshot.ts) instead of booting one per stage, where the
   * architecture and kernel allow it (default true; $KINDLING_VM_RESTORE=0 turns it off).
   */
  readonly restore?: boolean;
  /** Where saved machines are kept (default `<repo>/.kindling/vm-state`). */
  readonly snapshotDir?: string;
  /** How long a restore may take to reach a running machine before qemu is started again (default 60 s). */
  readonly restoreDeadlineMs?: number;
}

export const DEFAULT_MEMORY_MIB = 256;
/** Below this the kernel cannot unpack itself; qemu then stops at once with nothing on the console. */
export const MIN_MEMORY_MIB = 96;
/** Bytes of console log searched for the panic line: it comes last, followed by a short trace. */
const CONSOLE_TAIL_BYTES = 1024 * 1024;

function failed(message: string): SandboxRunResult {
  return { ok: false, error: { reason: 'sandbox-failed', message } };
}

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (info) => info.size,
    () => 0,
  );
}

/** The part of the log this run wrote, at most its last CONSOLE_TAIL_BYTES. */
async function readConsole(logFile: string, from: number): Promise<string> {
  const end = await fileSize(logFile);
  const start = Math.max(from, end - CONSOLE_TAIL_BYTES);
  if (end <= start) return '';
  const handle = await open(logFile, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    await handle.read(buffer, 0, buffer.length, start);
    return buffer.toString('latin1');
  } finally {
    await handle.close();
  }
}

/** What restoreAndRun returns when the restored machine did not start running in time. */
const STUCK = Symbol('stuck');
/** How long loading the saved state may take before qemu is killed and started again. */
const RESTORE_STUCK_MS = 60_000;

/** What qemu wrote on stderr, at most five lines on one, without its warning about the firmware's console setting. */
function whatQemuSaid(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.includes(FIRMWARE_CONSOLE_SETTING))
    .slice(0, 5)
    .join('; ');
}

/** The descriptor a restored qemu reads the saved machine's state from (the first after stdin, stdout and stderr). */
const STATE_FD = 3;
/** The descriptor of a restored qemu's monitor: its end of a socket pair whose other end is the child's stdio[4]. */
const MONITOR_FD = 4;

/**
 * qemu as a stage runs it, booted or restored: the serial console (kernel messages and everything
 * the stage printed, in order) appended to the stage's log, stderr kept for the report, killed at
 * the stage's timeout or signal. A restored one is given stdin as a pipe (the host types one byte
 * on the console), the state's descriptor, and its monitor.
 */
function spawnStageQemu(qemu: string, args: readonly string[], request: SandboxRunRequest, restore?: { stateFd: number }) {
  const child = execa(qemu, args, {
    // execa's types name only 3 to 9 as descriptors to pass on; any open descriptor is passed as it is.
    stdio: [
      restore === undefined ? 'ignore' : 'pipe',
      { file: request.logFile, append: true },
      'pipe',
      ...(restore === undefined ? [] : [restore.stateFd as 3, 'pipe' as const]),
    ],
    // The monitor's socket is read by the monitor client, not gathered into the result.
    ...(restore === undefined ? {} : { buffer: { fd4: false } }),
    reject: false,
    timeout: request.timeoutMs,
    killSignal: 'SIGKILL',
    ...(request.signal === undefined ? {} : { cancelSignal: request.signal }),
  });
  if (child.pid !== undefined) request.onSpawn?.(child.pid);
  return child;
}

/**
 * Restores the saved machine with the stage's disk in the blank one's place, and once it runs,
 * sends the byte the boot program waits for. qemu's result, as for a boot; or, when the state
 * did not load (qemu exited before the machine ran), what qemu said.
 *
 * The disk's filesystem may still be being made when qemu starts: qemu opens the file (of its
 * final size) as it starts, but nothing reads it before the guest runs, so the machine is loaded
 * only once `diskMade` says the image is complete (false: it could not be made; qemu is stopped).
 * `phases` is told how long qemu took to start, to load the state, and the guest to run.
 */
async function restoreAndRun(
  parts: SnapshotParts,
  saved: SavedMachine,
  image: string,
  diskMade: Promise<boolean>,
  request: SandboxRunRequest,
  stuckAfterMs: number,
  phases: Record<string, number>,
) {
  // The state is read through a descriptor opened here, read-only: no shell, no pipe, no copy.
  let state;
  try {
    state = await open(saved.state, 'r');
  } catch (error) {
    // Removed by another process since it was checked: it is not loadable, as a damaged one is not.
    return `its state could not be opened: ${messageOf(error)}`;
  }
  try {
    const files = { kernel: saved.kernelSetup, initramfs: saved.initramfs, memory: saved.memory, writeThrough: false };
    // stdin: the console's input, for the one byte. The migration waits (`defer`) until the
    // monitor has told qemu that the memory is in its file, not in the stream.
    const spawned = performance.now();
    const child = spawnStageQemu(
      parts.qemu,
      [...snapshotMachineArguments(parts, files, image), ...monitorArguments(MONITOR_FD), '-incoming', 'defer'],
      request,
      { stateFd: state.fd },
    );
    const monitor = QemuMonitor.attach(child.stdio[MONITOR_FD]);
    await state.close();
    let running = false;
    let ranAt = 0;
    let stuck = false;
    // A restore that never reaches the running state (seen once while this was built: qemu stayed
    // `inmigrate`) is killed and tried again: the guest has not run, so the disk is untouched.
    const deadline = setTimeout(() => {
      stuck = true;
      child.kill('SIGKILL');
    }, stuckAfterMs);
    try {
      await monitor.ready();
      phases['qemu start'] = performance.now() - spawned;
      await monitor.execute('migrate-set-capabilities', MEMORY_IN_FILE_CAPABILITY);
      // Without a disk there is nothing to run: qemu is stopped, and the caller says why.
      if (!(await diskMade)) {
        child.kill('SIGKILL');
        throw new Error('no disk');
      }
      const loading = performance.now();
      await monitor.execute('migrate-incoming', { uri: `fd:${STATE_FD}` });
      await monitor.running();
      running = true;
      ranAt = performance.now();
      phases['state load'] = ranAt - loading;
      clearTimeout(deadline);
      child.stdin?.write('g');
    } catch {
      // qemu exited or was killed before the machine ran: its result says how.
    } finally {
      clearTimeout(deadline);
      monitor.close();
    }
    const result = await child;
    if (running) phases.guest = performance.now() - ranAt;
    if (!running && stuck && !result.timedOut && !result.isCanceled) return STUCK;
    if (!running && !result.timedOut && !result.isCanceled) {
      return whatQemuSaid(result.stderr) || `qemu exited with status ${result.exitCode ?? result.signal ?? 'unknown'}`;
    }
    return result;
  } finally {
    await state.close();
  }
}

export function createQemuSandbox(options: QemuOptions = {}): Sandbox {
  const memoryMiB = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
  const profile = archProfile(options.arch ?? 'amd64');
  // The guest init where the architecture has one; elsewhere the stage's init is PID 1 (see guest-init.ts).
  const withGuestInit = hasGuestInit(profile.arch);
  let qemuPath: Promise<string> | undefined;
  let kernelPath: Promise<string> | undefined;

  const locateQemu = (): Promise<string> => (qemuPath ??= requireTool(options.qemu ?? profile.qemuSystem, profile.qemuSystemPackage));
  const locateTheKernel = (): Promise<string> =>
    (kernelPath ??=
      options.kernel !== undefined
        ? locateKernel({ explicit: options.kernel, arch: profile.arch })
        : options.fetchKernel === false
          ? locateKernel({ arch: profile.arch })
          : ensureKernel({ arch: profile.arch }));

  /** The configured pin, if any: a malformed one is an error, never ignored. */
  function expectedKernel(): ExpectedKernel | undefined {
    const variable = kernelHashVariable(profile.arch);
    const [value, from] =
      options.kernelSha256 !== undefined
        ? [options.kernelSha256, '--kernel-sha256']
        : [readEnvironment().kernelHashes[profile.arch], `$${variable}`];
    if (value === undefined) return undefined;
    const sha256 = value.toLowerCase();
    if (!isSha256(sha256)) throw new KernelError(`${from} must be a sha256 (64 hex digits), not '${value}'`);
    return { sha256, from };
  }

  let kernelChecked: { readonly stamp: string; readonly info: KernelInfo } | undefined;
  /**
   * The kernel, its bytes checked against its pin before every use, as a kernel file can change
   * between two. Hashing it costs about 0.1 s; once hashed in this process, its stamp (and its
   * pin's, and the hash asked for) standing still is the check (file-stamp.ts), until either moves.
   */
  async function pinnedKernel(): Promise<KernelInfo> {
    const path = await locateTheKernel();
    const expected = expectedKernel();
    const stamp = `${expected?.sha256 ?? 'pin'} ${await fileStamp(path)} ${await fileStamp(pinPath(path))}`;
    if (kernelChecked?.stamp === stamp) return kernelChecked.info;
    const info = await checkedKernel(path, expected);
    kernelChecked = { stamp, info };
    return info;
  }

  let restoreParts: Promise<SnapshotParts | undefined> | undefined;
  /**
   * What a saved machine is made of, when this backend restores one: an architecture with a boot program,
   * a kernel kindling fetched (its package names the modules to fetch beside it), restore not
   * turned off. Decided once per backend, so the trusted base names what the runs use.
   */
  function snapshotParts(): Promise<SnapshotParts | undefined> {
    const wanted = (options.restore ?? readEnvironment().vmRestore) && hasGuestBoot(profile.arch);
    if (!wanted) return Promise.resolve(undefined);
    return (restoreParts ??= (async () => {
      const kernel = await pinnedKernel();
      if (kernel.package === undefined) return undefined;
      // Modules are fetched at the kernel's own version; once the archive has moved past it they can
      // no longer be, and stages boot as before (slower, the same results). Modules that differ
      // from their pin are an error, never passed over.
      const modules = await ensureModules(kernel, profile.arch).catch((error: unknown) => {
        if (error instanceof KernelError && error.kind === 'environment') return undefined;
        throw error;
      });
      if (modules === undefined) return undefined;
      const [qemu, boot, accel] = await Promise.all([locateQemu(), loadGuestBoot(profile.arch), chooseAccel()]);
      const qemuComponent = await describeTool(profile.qemuSystem, qemu, ['--version']);
      return { qemu, qemuComponent, kernel, modules, boot, accel, memoryMiB, profile };
    })());
  }

  async function chooseAccel(): Promise<Accel> {
    // The probe boots the kernel, so it is checked first.
    return resolveAccel(options.accel ?? 'auto', { qemu: await locateQemu(), kernel: (await pinnedKernel()).path, profile });
  }

  async function run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const started = performance.now();
    let qemu: string;
    let kernel: KernelInfo;
    let commandLine: string;
    let accel: Accel;
    let guestInit: GuestInit | undefined;
    let parts: SnapshotParts | undefined;
    let saved: SavedMachine | undefined;
    let argsFile: Buffer | undefined;
    try {
      guestInit = withGuestInit ? await loadGuestInit(profile.arch) : undefined;
      qemu = await locateQemu();
      kernel = await pinnedKernel();
      if (!Number.isInteger(memoryMiB) || memoryMiB < MIN_MEMORY_MIB) {
        throw new Error(`the VM needs at least ${MIN_MEMORY_MIB} MiB of memory to boot its kernel, not ${memoryMiB}`);
      }
      commandLine = kernelCommandLine(request.init, request.args, profile, withGuestInit, request.devices === true);
      accel = await chooseAccel();
      parts = await snapshotParts();
      if (parts !== undefined) {
        argsFile = argsFileBytes(request.init, request.args);
        saved = await savedMachine(parts, options.snapshotDir === undefined ? {} : { cacheDir: options.snapshotDir });
      }
    } catch (error) {
      return failed(messageOf(error));
    }
    if (request.signal?.aborted) return { ok: false, error: { reason: 'aborted', message: 'the run was interrupted' } };

    let work: string;
    try {
      // Beside the stage root by default: a run killed mid-boot leaves its disk inside the stage's
      // work directory, which a later run removes once it is provably stale.
      work = await mkdtemp(join(options.workDir ?? dirname(request.root), 'kindling-qemu-'));
    } catch (error) {
      return failed(`no place for the stage's disk: ${messageOf(error)}`);
    }
    try {
      const image = join(work, 'disk.img');
      const diskFailed = (error: unknown): SandboxRunResult => failed(`the stage's disk could not be made: ${messageOf(error)}`);
      let size: number;
      let extras: ExtraProgram[];
      try {
        size = imageSizeFor(await treeSize(request.root), options.disk);
        extras = guestInit === undefined ? [] : [{ path: GUEST_INIT_PATH, source: guestInit.path }];
        if (argsFile !== undefined) {
          const argsSource = join(work, ARGS_FILE);
          await writeFile(argsSource, argsFile);
          extras.push({ path: ARGS_FILE, source: argsSource });
          // Empty: its presence asks the boot program to mount the kernel's devices on /dev (it removes it).
          if (request.devices === true) {
            const devicesSource = join(work, DEVICES_FILE);
            await writeFile(devicesSource, '');
            extras.push({ path: DEVICES_FILE, source: devicesSource });
          } else if (
            await lstat(join(request.root, DEVICES_FILE)).then(
              () => true,
              () => false,
            )
          ) {
            // An input of that name would give the stage devices it did not ask for, and be removed.
            throw new Error(`the stage root already holds /${DEVICES_FILE}, a name kindling's guest programs take on the disk`);
          }
        }
      } catch (error) {
        return diskFailed(error);
      }

      const logStart = await fileSize(request.logFile);
      const phases: Record<string, number> = { prepare: performance.now() - started };
      const timedDisk = async (): Promise<ImageAdditions> => {
        const making = performance.now();
        const additions = await buildImage(request.root, image, size, extras);
        phases.disk = performance.now() - making;
        return additions;
      };
      let added: ImageAdditions;
      let result;
      if (parts !== undefined && saved !== undefined) {
        // The image is made while qemu starts (about 0.1 s each), into the file qemu opens.
        try {
          await reserveImage(image, size);
        } catch (error) {
          return diskFailed(error);
        }
        const made = timedDisk().then(
          (additions) => ({ additions }),
          (error: unknown) => ({ error }),
        );
        const diskMade = made.then((disk) => 'additions' in disk);
        const deadline = options.restoreDeadlineMs ?? RESTORE_STUCK_MS;
        let restored = await restoreAndRun(parts, saved, image, diskMade, request, deadline, phases);
        if (restored === STUCK) restored = await restoreAndRun(parts, saved, image, diskMade, request, deadline, phases);
        // Whatever qemu did, the image is no longer being written once the run goes on.
        const disk = await made;
        if ('error' in disk) return diskFailed(disk.error);
        added = disk.additions;
        if (restored === STUCK) return failed(`the saved VM ${saved.state} did not start running within ${deadline} ms, twice`);
        if (typeof restored === 'string') {
          // The saved state did not load: it is removed, and saved anew by the next run that needs it.
          await discardSavedMachine(saved);
          return failed(`the saved VM ${saved.state} could not be restored, and was removed: ${restored}`);
        }
        result = restored;
      } else {
        try {
          added = await timedDisk();
        } catch (error) {
          return diskFailed(error);
        }
        // An x86-64 kernel boots as its unpacked ELF where it has one (kernel-elf.ts): no unpacking in the VM.
        const bootKernel = profile.arch === 'amd64' ? await bootableKernel(kernel.path, kernel.sha256) : kernel.path;
        const booting = performance.now();
        result = await spawnStageQemu(qemu, qemuArguments({ kernel: bootKernel, image, accel, memoryMiB, commandLine, profile }), request);
        phases['boot and guest'] = performance.now() - booting;
      }
      // execa resolves only once qemu has exited and been reaped, also after a kill.
      if (result.timedOut) {
        const error: SandboxFailure = {
          reason: 'timeout',
          timeoutMs: request.timeoutMs,
          message: `no result after ${request.timeoutMs} ms (${accel}); the VM was killed`,
        };
        return { ok: false, error };
      }
      if (result.isCanceled) return { ok: false, error: { reason: 'aborted', message: 'the run was interrupted; the VM was killed' } };

      const verdict = readConsoleVerdict(await readConsole(request.logFile, logStart), { initExitPanics: !withGuestInit });
      const qemuSaid = whatQemuSaid(result.stderr);
      if (verdict.kind === 'kernel-panic') return failed(`the VM's kernel panicked before the stage ended: ${verdict.message}`);
      if (verdict.kind === 'no-verdict' || result.exitCode !== 0) {
        const how =
          result.exitCode === undefined ? `was killed by ${result.signal ?? 'a signal'}` : `exited with status ${result.exitCode}`;
        const when = verdict.kind === 'no-verdict' ? "without the stage's exit status on the console" : 'after the stage ended';
        return failed(`qemu ${how} ${when} (log: ${request.logFile})${qemuSaid === '' ? '' : `: ${qemuSaid}`}`);
      }

      const reading = performance.now();
      try {
        await readImageInto(image, request.root, added);
      } catch (error) {
        return failed(`the stage ended with status ${verdict.exitCode}, but its disk could not be read back: ${messageOf(error)}`);
      }
      phases['read back'] = performance.now() - reading;
      const phasesMs = Object.fromEntries(Object.entries(phases).map(([name, ms]) => [name, Math.round(ms)]));
      return { ok: true, exitCode: verdict.exitCode, durationMs: Math.round(performance.now() - started), phasesMs };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  return {
    name: 'qemu',
    arch: profile.arch,

    async check(): Promise<void> {
      await Promise.all([locateQemu(), pinnedKernel(), withGuestInit ? loadGuestInit(profile.arch) : undefined, e2fsprogsComponent()]);
    },

    async trustedBase(): Promise<TrustedBase> {
      const qemu = await locateQemu();
      const [qemuComponent, kernel, guestInit, e2fsprogs, accel, parts] = await Promise.all([
        describeTool(profile.qemuSystem, qemu, ['--version']),
        pinnedKernel(),
        withGuestInit ? loadGuestInit(profile.arch) : undefined,
        e2fsprogsComponent(),
        chooseAccel(),
        snapshotParts(),
      ]);
      // The accelerator is recorded too: emulation and hardware virtualisation are different machines.
      return {
        backend: 'qemu',
        components: [
          qemuComponent,
          kernelComponent(kernel),
          ...(guestInit === undefined ? [] : [guestInitComponent(guestInit)]),
          // A saved machine's parts: the modules it loads and the program that loads them.
          ...(parts === undefined ? [] : [modulesComponent(parts.modules), guestBootComponent(parts.boot)]),
          e2fsprogs,
          { name: 'qemu-accel', version: accel },
        ],
      };
    },

    run,
  };
}
