// Runs the committed seed binaries natively, each test in a fresh temporary directory holding
// copies of the seeds, so that no run can touch the repository.
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO } from '../support/cli.js';

export const SEEDS_DIR = join(REPO, 'seeds', 'amd64');

/** The seeds are Linux x86-64 programs; elsewhere their tests are skipped. */
export const CAN_RUN_SEEDS = process.platform === 'linux' && process.arch === 'x64';

export interface SeedRun {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary directory holding `hex0` and `kaem`, copied from the seeds directory. */
export async function makeWorkDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-seed-test-'));
  for (const seed of ['hex0', 'kaem']) {
    await copyFile(join(SEEDS_DIR, seed), join(dir, seed));
    await chmod(join(dir, seed), 0o755);
  }
  return dir;
}

export async function removeWorkDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Runs a program in `cwd` with an empty environment, as a stage would. */
export async function runIn(cwd: string, program: string, args: readonly string[]): Promise<SeedRun> {
  const result = await execa(program, [...args], { cwd, env: {}, extendEnv: false, reject: false, stdin: 'ignore', stripFinalNewline: false, timeout: 60_000 });
  return { exitCode: result.exitCode, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a shell command line in `cwd` (to close descriptors or set the umask before exec). */
export function shellIn(cwd: string, command: string): Promise<SeedRun> {
  return runIn(cwd, '/bin/sh', ['-c', command]);
}
