// The qemu backend: every stage runs in its own virtual machine. The stage root becomes an ext4
// disk, the machine boots a fixed kernel into kindling's guest init, which runs the stage's init,
// syncs the disk and restarts the machine with the stage's status on the console. The disk's final
// filesystem is then read back into the stage root, so outputs are verified outside exactly as for
// any backend.
// Slower than bubblewrap, but the stage shares nothing with the host, not even its kernel.
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { archProfile, type Arch } from '../arch.js';
import { messageOf } from '../errors.js';
import { resolveAccel, type Accel, type AccelChoice } from './accel.js';
import { buildImage, e2fsprogsComponent, imageSizeFor, readImageInto, treeSize, type ImageSizing } from './qemu-disk.js';
import { GUEST_INIT_PATH, guestInitComponent, hasGuestInit, loadGuestInit, type GuestInit } from './guest-init.js';
import { isSha256 } from '../digest.js';
import { kernelHashVariable, readEnvironment } from '../environment.js';
import { checkedKernel, ensureKernel, KernelError, kernelComponent, locateKernel, type ExpectedKernel, type KernelInfo } from './kernel.js';
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

  /** The kernel, its bytes checked against its pin: done before every boot, as a kernel file can change between two. */
  async function pinnedKernel(): Promise<KernelInfo> {
    return checkedKernel(await locateTheKernel(), expectedKernel());
  }

  async function chooseAccel(): Promise<Accel> {
    // The probe boots the kernel, so it is checked first.
    return resolveAccel(options.accel ?? 'auto', { qemu: await locateQemu(), kernel: (await pinnedKernel()).path, profile });
  }

  async function run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const started = performance.now();
    let qemu: string;
    let kernel: string;
    let commandLine: string;
    let accel: Accel;
    let guestInit: GuestInit | undefined;
    try {
      guestInit = withGuestInit ? await loadGuestInit(profile.arch) : undefined;
      qemu = await locateQemu();
      const pinned = await pinnedKernel();
      // An x86-64 kernel boots as its unpacked ELF where it has one (kernel-elf.ts): no unpacking in the VM.
      kernel = profile.arch === 'amd64' ? await bootableKernel(pinned.path, pinned.sha256) : pinned.path;
      if (!Number.isInteger(memoryMiB) || memoryMiB < MIN_MEMORY_MIB) {
        throw new Error(`the VM needs at least ${MIN_MEMORY_MIB} MiB of memory to boot its kernel, not ${memoryMiB}`);
      }
      commandLine = kernelCommandLine(request.init, request.args, profile, withGuestInit, request.devices === true);
      accel = await chooseAccel();
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
      let added;
      try {
        const size = imageSizeFor(await treeSize(request.root), options.disk);
        added = await buildImage(
          request.root,
          image,
          size,
          guestInit === undefined ? undefined : { path: GUEST_INIT_PATH, source: guestInit.path },
        );
      } catch (error) {
        return failed(`the stage's disk could not be made: ${messageOf(error)}`);
      }

      const logStart = await fileSize(request.logFile);
      const child = execa(qemu, qemuArguments({ kernel, image, accel, memoryMiB, commandLine, profile }), {
        stdin: 'ignore',
        // The serial console: kernel messages and everything the stage printed, in order.
        stdout: { file: request.logFile, append: true },
        stderr: 'pipe',
        reject: false,
        timeout: request.timeoutMs,
        killSignal: 'SIGKILL',
        ...(request.signal === undefined ? {} : { cancelSignal: request.signal }),
      });
      if (child.pid !== undefined) request.onSpawn?.(child.pid);
      const result = await child;
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
      const qemuSaid = result.stderr
        .split('\n')
        .filter((line) => line.trim() !== '' && !line.includes(FIRMWARE_CONSOLE_SETTING))
        .slice(0, 5)
        .join('; ');
      if (verdict.kind === 'kernel-panic') return failed(`the VM's kernel panicked before the stage ended: ${verdict.message}`);
      if (verdict.kind === 'no-verdict' || result.exitCode !== 0) {
        const how =
          result.exitCode === undefined ? `was killed by ${result.signal ?? 'a signal'}` : `exited with status ${result.exitCode}`;
        const when = verdict.kind === 'no-verdict' ? "without the stage's exit status on the console" : 'after the stage ended';
        return failed(`qemu ${how} ${when} (log: ${request.logFile})${qemuSaid === '' ? '' : `: ${qemuSaid}`}`);
      }

      try {
        await readImageInto(image, request.root, added);
      } catch (error) {
        return failed(`the stage ended with status ${verdict.exitCode}, but its disk could not be read back: ${messageOf(error)}`);
      }
      return { ok: true, exitCode: verdict.exitCode, durationMs: Math.round(performance.now() - started) };
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
      const [qemuComponent, kernel, guestInit, e2fsprogs, accel] = await Promise.all([
        describeTool(profile.qemuSystem, qemu, ['--version']),
        pinnedKernel(),
        withGuestInit ? loadGuestInit(profile.arch) : undefined,
        e2fsprogsComponent(),
        chooseAccel(),
      ]);
      // The accelerator is recorded too: emulation and hardware virtualisation are different machines.
      return {
        backend: 'qemu',
        components: [
          qemuComponent,
          kernelComponent(kernel),
          ...(guestInit === undefined ? [] : [guestInitComponent(guestInit)]),
          e2fsprogs,
          { name: 'qemu-accel', version: accel },
        ],
      };
    },

    run,
  };
}
