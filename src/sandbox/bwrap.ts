// The bubblewrap backend: the stage root becomes `/` of fresh namespaces (no network, no /proc, no
// /dev, empty environment). Far faster than a VM, weaker isolation: it shares the host kernel.
import { execa } from 'execa';
import type { Arch } from '../arch.js';
import { KindlingError } from '../errors.js';
import { findForeignRunner, type ForeignRunner } from './binfmt.js';
import { describeTool, requireTool } from './tool-identity.js';
import type { Sandbox, SandboxRunRequest, SandboxRunResult, TrustedBase } from './sandbox.js';

export interface BwrapOptions {
  /** The bwrap executable; found on PATH when not given. */
  readonly bwrap?: string;
  /** The architecture of the chain's programs (default amd64); another than the host's runs through qemu-user. */
  readonly arch?: Arch;
}

export function createBwrapSandbox(options: BwrapOptions = {}): Sandbox {
  let located: Promise<string> | undefined;
  const locate = (): Promise<string> => (located ??= requireTool(options.bwrap ?? 'bwrap', 'bubblewrap'));
  const arch = options.arch ?? 'amd64';
  let runner: Promise<ForeignRunner> | undefined;
  const findRunner = (): Promise<ForeignRunner> => (runner ??= findForeignRunner(arch));

  return {
    name: 'bwrap',
    arch,

    async trustedBase(): Promise<TrustedBase> {
      const bwrap = await describeTool('bubblewrap', await locate(), ['--version']);
      const kernel = await execa('uname', ['-sr'], { reject: false });
      const foreign = await findRunner();
      if (!foreign.ok) throw new KindlingError('environment', foreign.message);
      // Under bubblewrap the stage runs on the host's kernel, which is therefore trusted too, and so
      // is the emulator when the chain is for another architecture.
      const components = [bwrap, { name: 'host-kernel', version: kernel.stdout.trim() }];
      return { backend: 'bwrap', components: foreign.native ? components : [...components, foreign.component] };
    },

    async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
      let bwrap: string;
      try {
        bwrap = await locate();
        const foreign = await findRunner();
        if (!foreign.ok) throw new KindlingError('environment', foreign.message);
      } catch (error) {
        return { ok: false, error: { reason: 'sandbox-failed', message: (error as Error).message } };
      }
      const started = performance.now();
      {
        const child = execa(bwrap, isolatedCommand(request.root, `/${request.init}`, request.args, request.devices === true), {
          stdin: 'ignore',
          // Both streams append to the one log, in the order the stage wrote them.
          stdout: { file: request.logFile, append: true },
          stderr: { file: request.logFile, append: true },
          env: {},
          extendEnv: false,
          reject: false,
          timeout: request.timeoutMs,
          forceKillAfterDelay: 2_000,
          ...(request.signal === undefined ? {} : { cancelSignal: request.signal }),
        });
        if (child.pid !== undefined) request.onSpawn?.(child.pid);
        const result = await child;
        const durationMs = Math.round(performance.now() - started);
        if (result.timedOut) {
          return {
            ok: false,
            error: {
              reason: 'timeout',
              timeoutMs: request.timeoutMs,
              message: `no result after ${request.timeoutMs} ms; the stage was killed`,
            },
          };
        }
        if (result.isCanceled) return { ok: false, error: { reason: 'aborted', message: 'the run was interrupted' } };
        if (result.exitCode === undefined) {
          return { ok: false, error: { reason: 'sandbox-failed', message: `bwrap ended by signal ${result.signal ?? 'unknown'}` } };
        }
        return { ok: true, exitCode: result.exitCode, durationMs };
      }
    },
  };
}

/**
 * bubblewrap's arguments that run `init` (a path inside `root`) with `args` in a stage's
 * isolation: every namespace of its own, no environment, `root` as the whole filesystem, and
 * a `/dev` only when asked (template runs). The sandbox and `kindling trace` run stages alike.
 */
export function isolatedCommand(root: string, init: string, args: readonly string[], devices = false): string[] {
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--bind',
    root,
    '/',
    ...(devices ? ['--dev', '/dev'] : []),
    '--chdir',
    '/',
    '--',
    init,
    ...args,
  ];
}
