// Runs the committed seed binaries natively, each test in a fresh temporary directory holding
// copies of the seeds, so that no run can touch the repository.
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO } from '../support/cli.js';

export const SEEDS_DIR = join(REPO, 'seeds', 'amd64');

/** The seeds are Linux x86-64 programs; elsewhere their tests are skipped. */
export const CAN_RUN_SEEDS = process.platform === 'linux' && process.arch === 'x64';

/** Each architecture's seeds, and whether this host runs them (natively, or through qemu-user's binfmt entry). */
export const SEED_SETS = [
  { arch: 'amd64', dir: SEEDS_DIR, canRun: CAN_RUN_SEEDS },
  {
    arch: 'aarch64',
    dir: join(REPO, 'seeds', 'aarch64'),
    canRun: process.platform === 'linux' && (process.arch === 'arm64' || existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')),
  },
] as const;

export interface SeedRun {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temporary directory holding `hex0` and `kaem`, copied from a seeds directory (amd64's unless given). */
export async function makeWorkDir(seedsDir: string = SEEDS_DIR): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-seed-test-'));
  for (const seed of ['hex0', 'kaem']) {
    await copyFile(join(seedsDir, seed), join(dir, seed));
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
