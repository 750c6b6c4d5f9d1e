// The one interface every isolation backend implements. A backend is given a host directory that
// holds exactly the stage's inputs; it runs the stage's init inside an isolated machine whose whole
// filesystem is that directory, and when the run ends the directory holds the machine's final
// filesystem. Verification of outputs happens outside, the same way for every backend.
import type { Arch } from '../arch.js';

export interface TrustedComponent {
  /** e.g. "bubblewrap", "qemu-system-x86_64", "kernel". */
  readonly name: string;
  readonly version?: string;
  readonly path?: string;
  readonly sha256?: string;
}

/** What a result depends on beyond its declared inputs: recorded in every provenance record. */
export interface TrustedBase {
  readonly backend: string;
  readonly components: readonly TrustedComponent[];
}

export interface SandboxRunRequest {
  /** Host directory that becomes the machine's `/`. On return it holds the final filesystem. */
  readonly root: string;
  /** Path of the init program inside root (relative, no leading slash). */
  readonly init: string;
  readonly args: readonly string[];
  readonly timeoutMs: number;
  /** Host file that receives everything the stage printed (the console log for a VM). */
  readonly logFile: string;
  readonly signal?: AbortSignal;
  /**
   * Gives the machine a /dev with the kernel's device nodes (/dev/null, /dev/zero, ...) on the
   * root's /dev, which must exist. Stages see no devices; a template's command (a configure
   * script writes to /dev/null) does.
   */
  readonly devices?: boolean;
  /** Told the pid of the process that runs the stage (bwrap, qemu), so its CPU can be watched. */
  readonly onSpawn?: (pid: number) => void;
}

export type SandboxRunResult =
  | {
      readonly ok: true;
      readonly exitCode: number;
      readonly durationMs: number;
      /** Where the time went, part by part (ms), for a backend whose run has parts: a VM's disk, start, guest, read-back. */
      readonly phasesMs?: Readonly<Record<string, number>>;
    }
  | { readonly ok: false; readonly error: SandboxFailure };

export type SandboxFailure =
  | { readonly reason: 'timeout'; readonly timeoutMs: number; readonly message: string }
  | { readonly reason: 'aborted'; readonly message: string }
  | { readonly reason: 'sandbox-failed'; readonly message: string };

export interface Sandbox {
  readonly name: string;
  /** The architecture whose programs this backend runs: a chain for another is refused. */
  readonly arch: Arch;
  /**
   * Identity of everything this backend trusts (tool versions, kernel hash). It may cost time (the
   * qemu backend probes KVM), so a run asks for it only when a stage really runs.
   */
  trustedBase(): Promise<TrustedBase>;
  /**
   * Throws, with what is missing, when this machine cannot run a stage (a tool, the kernel, its
   * pin): cheap, for checking before any work. Without it, trustedBase() is the check.
   */
  check?(): Promise<void>;
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
}
