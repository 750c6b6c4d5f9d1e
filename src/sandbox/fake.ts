// A backend for tests only: it runs no program. The stage's init file is looked up by its bytes
// in a table of TypeScript functions the test wrote, and the function works on the real stage root
// (a directory on the host) as the program would inside a sandbox. The orchestrator around it —
// planning, the store, caching, verification, failures, interrupts — is the real one, so its logic
// is tested in milliseconds without bubblewrap or qemu.
//
// It isolates nothing: nothing outside test code constructs it. select.ts does not know it, so no
// flag or environment variable can pick it for a real chain (test/sandbox/fake.test.ts checks).
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import type { Arch } from '../arch.js';
import { messageOf } from '../errors.js';
import type { Sandbox, SandboxRunRequest, SandboxRunResult, TrustedBase } from './sandbox.js';

/** What a fake program is given: the stage root and means to act in it. */
export interface FakeRun {
  /** Host directory that is the stage's `/`. */
  readonly root: string;
  readonly args: readonly string[];
  /** Aborted when the stage times out or the run is interrupted: a program that waits should stop. */
  readonly signal: AbortSignal;
  /** The host path of `path` in the stage root (a path that leaves the root is refused). */
  file(path: string): string;
  /** Appends to the stage's log, as the program's output would. */
  print(text: string): Promise<void>;
}

/** A program: returns its exit status (0 when it returns nothing). A throw is a crash of the sandbox. */
export type FakeProgram = (run: FakeRun) => number | void | Promise<number | void>;

export interface FakeSandboxOptions {
  /** Programs by the sha256 of the init file's bytes. */
  readonly programs: ReadonlyMap<string, FakeProgram>;
  readonly arch?: Arch;
  /** How long a program that ignores its aborted signal is waited for (the real backends' kill delay). */
  readonly graceMs?: number;
}

export const FAKE_BACKEND = 'fake';

/** The sha256 a program is filed under: that of the init file that stands for it. */
export function programKey(initBytes: string | Uint8Array): string {
  return createHash('sha256').update(initBytes).digest('hex');
}

export function createFakeSandbox(options: FakeSandboxOptions): Sandbox {
  const graceMs = options.graceMs ?? 2_000;
  return {
    name: FAKE_BACKEND,
    arch: options.arch ?? 'amd64',

    trustedBase(): Promise<TrustedBase> {
      return Promise.resolve({ backend: FAKE_BACKEND, components: [{ name: 'fake-sandbox' }] });
    },

    async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
      let program: FakeProgram | undefined;
      try {
        program = options.programs.get(programKey(await readFile(inRoot(request.root, request.init))));
      } catch (error) {
        return { ok: false, error: { reason: 'sandbox-failed', message: `cannot read the init /${request.init}: ${messageOf(error)}` } };
      }
      if (program === undefined) {
        // What execve would make of an init that is no program: the stage fails as the real backends fail it.
        await appendFile(request.logFile, `fake sandbox: /${request.init} is no known program\n`);
        return { ok: true, exitCode: 127, durationMs: 0 };
      }
      return runProgram(program, request, graceMs);
    },
  };
}

async function runProgram(program: FakeProgram, request: SandboxRunRequest, graceMs: number): Promise<SandboxRunResult> {
  const started = performance.now();
  if (request.signal?.aborted) return { ok: false, error: { reason: 'aborted', message: 'the run was interrupted' } };
  const stop = new AbortController();
  let ended: 'timeout' | 'aborted' | undefined;
  const end = (why: 'timeout' | 'aborted'): void => {
    ended ??= why;
    stop.abort();
  };
  const timer = setTimeout(() => end('timeout'), request.timeoutMs);
  const onAbort = (): void => end('aborted');
  request.signal?.addEventListener('abort', onAbort, { once: true });
  const run: FakeRun = {
    root: request.root,
    args: request.args,
    signal: stop.signal,
    file: (path) => inRoot(request.root, path),
    print: (text) => appendFile(request.logFile, text),
  };
  // The program's end, or its stop plus the grace a killed process would get, whichever is first.
  const stopped = new Promise<'killed'>((resolve) => {
    stop.signal.addEventListener('abort', () => setTimeout(() => resolve('killed'), graceMs).unref(), { once: true });
  });
  let crash: { error: unknown } | undefined;
  let status: number | void | 'killed' = undefined;
  try {
    status = await Promise.race([Promise.resolve().then(() => program(run)), stopped]);
  } catch (error) {
    crash = { error };
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }
  // A program stopped by the timeout or the interrupt failed for that reason, whatever it did after.
  if (ended === 'timeout') {
    return {
      ok: false,
      error: { reason: 'timeout', timeoutMs: request.timeoutMs, message: `no result after ${request.timeoutMs} ms; the stage was killed` },
    };
  }
  if (ended === 'aborted') return { ok: false, error: { reason: 'aborted', message: 'the run was interrupted' } };
  if (crash !== undefined)
    return { ok: false, error: { reason: 'sandbox-failed', message: `fake program crashed: ${messageOf(crash.error)}` } };
  return { ok: true, exitCode: typeof status === 'number' ? status : 0, durationMs: Math.round(performance.now() - started) };
}

/** `path` (absolute in the stage, or relative to its `/`) as a host path that cannot leave the root. */
function inRoot(root: string, path: string): string {
  const inside = normalize(isAbsolute(path) ? `.${path}` : path);
  if (inside === '..' || inside.startsWith('../')) throw new Error(`${path} is outside the stage root`);
  return join(root, inside);
}
