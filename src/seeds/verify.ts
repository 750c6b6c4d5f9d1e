// Checks a seeds directory: the only binaries the chain takes without building them. A person
// who has read a seed's commented source has checked the seed only if the binary is exactly what
// that source says, so for each seed `<name>` with its source `<name>.hex0`:
// - the TypeScript hex0 assembler, written apart from the seed, turns the source into the binary;
// - SHA256SUMS lists the binary with the hash that two sha256 implementations both compute;
// - the hex0 seed itself, run in a temporary directory, turns the source into the binary (for
//   hex0's own source: the seed reproduces itself). A seed of another architecture than the host's
//   runs through qemu-user's binfmt_misc entry, as under the bubblewrap backend.
// Every disagreement is a value in the report; nothing here throws for a bad seed.
import { chmod, copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { ARCHES, archProfile, type Arch } from '../arch.js';
import type { Sha256 } from '../digest.js';
import { bytesDifference, type Difference } from '../audit/first-difference.js';
import { findForeignRunner } from '../sandbox/binfmt.js';
import { dualHash, type DualHash } from './dual-hash.js';
import { parseSha256Sums } from './sha256sums.js';
import { checkSeedSource } from './source-check.js';

/** The seed that can assemble every seed's source, itself included. */
export const HEX0_SEED = 'hex0';
export const SUMS_FILE = 'SHA256SUMS';
const REBUILD_TIMEOUT_MS = 30_000;

export type RebuildOutcome = 'reproduced' | 'differs' | 'failed' | 'skipped';

export interface SeedVerification {
  readonly name: string;
  readonly binaryPath: string;
  readonly sourcePath: string;
  /** Size of the binary in bytes; undefined when it is missing. */
  readonly size: number | undefined;
  /** sha256 of the binary by @noble/hashes (the same as node:crypto's unless a problem says otherwise). */
  readonly sha256: Sha256 | undefined;
  /** The TypeScript assembler's output equals the binary. */
  readonly sourceMatches: boolean;
  /** SHA256SUMS lists the binary with its actual hash. */
  readonly sumMatches: boolean;
  /** What the hex0 seed made of this seed's source. */
  readonly rebuild: RebuildOutcome;
}

export type SeedProblem =
  | { readonly reason: 'no-seeds'; readonly dir: string }
  | { readonly reason: 'binary-missing'; readonly seed: string; readonly path: string }
  | { readonly reason: 'source-invalid'; readonly seed: string; readonly message: string }
  | { readonly reason: 'source-mismatch'; readonly seed: string; readonly difference: Difference }
  | { readonly reason: 'sums-missing'; readonly path: string }
  | { readonly reason: 'sums-malformed'; readonly path: string; readonly line: number; readonly text: string }
  | { readonly reason: 'sums-unlisted'; readonly seed: string }
  | { readonly reason: 'sums-mismatch'; readonly file: string; readonly listed: Sha256; readonly actual: Sha256 }
  | { readonly reason: 'sums-file-missing'; readonly file: string }
  | { readonly reason: 'hash-implementations-disagree'; readonly file: string; readonly openssl: Sha256; readonly noble: Sha256 }
  | { readonly reason: 'rebuild-failed'; readonly seed: string; readonly detail: string }
  | { readonly reason: 'rebuild-mismatch'; readonly seed: string; readonly difference: Difference }
  | { readonly reason: 'rebuild-skipped'; readonly why: string };

export interface SeedsReport {
  readonly dir: string;
  readonly seeds: readonly SeedVerification[];
  readonly problems: readonly SeedProblem[];
  /** True when nothing disagrees. A skipped native rebuild (another platform) is not a disagreement. */
  readonly ok: boolean;
}

export interface VerifySeedsOptions {
  /** Run the hex0 seed (default: on Linux, when the host runs its architecture natively or through qemu-user). */
  readonly runNative?: boolean;
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The architecture an ELF64 program is for, by its e_machine; undefined for anything else. */
export function elfArch(bytes: Uint8Array): Arch | undefined {
  if (bytes.length < 20 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) return undefined;
  const machine = bytes[18]! | (bytes[19]! << 8);
  return ARCHES.find((arch) => archProfile(arch).elfMachine === machine);
}

/** Why this host cannot run programs of `arch`, or undefined when it can. */
async function cannotRun(arch: Arch | undefined): Promise<string | undefined> {
  if (arch === undefined) return 'the hex0 seed is not an ELF program of a known architecture';
  if (process.platform !== 'linux') return `the seeds run on Linux ${archProfile(arch).title}, not ${process.platform}/${process.arch}`;
  const runner = await findForeignRunner(arch);
  return runner.ok ? undefined : runner.message;
}

/** Verify every seed in `seedsDir` (each `<name>.hex0` with a binary `<name>` beside it). */
export async function verifySeeds(seedsDir: string, options: VerifySeedsOptions = {}): Promise<SeedsReport> {
  const dir = resolve(seedsDir);
  const problems: SeedProblem[] = [];
  const entries = (await readdir(dir)).sort();
  const names = entries.filter((e) => e.endsWith('.hex0')).map((e) => e.slice(0, -'.hex0'.length));
  if (names.length === 0) problems.push({ reason: 'no-seeds', dir });

  const sumsPath = join(dir, SUMS_FILE);
  const sumsText = await readOptional(sumsPath);
  const listed = new Map<string, Sha256>();
  if (sumsText === undefined) {
    problems.push({ reason: 'sums-missing', path: sumsPath });
  } else {
    const parsed = parseSha256Sums(sumsText.toString('utf8'));
    for (const bad of parsed.malformed) problems.push({ reason: 'sums-malformed', path: sumsPath, ...bad });
    for (const entry of parsed.entries) listed.set(entry.file, entry.sha256);
  }

  // Every file SHA256SUMS lists is checked, seeds or not, with both implementations.
  const hashes = new Map<string, DualHash>();
  for (const [file, sha256] of listed) {
    const bytes = await readOptional(join(dir, file));
    if (bytes === undefined) {
      problems.push({ reason: 'sums-file-missing', file });
      continue;
    }
    const pair = dualHash(bytes);
    hashes.set(file, pair);
    if (!pair.agree) problems.push({ reason: 'hash-implementations-disagree', file, openssl: pair.openssl, noble: pair.noble });
    if (pair.noble !== sha256 || pair.openssl !== sha256) problems.push({ reason: 'sums-mismatch', file, listed: sha256, actual: pair.noble });
  }

  const hex0Seed = names.includes(HEX0_SEED) ? join(dir, HEX0_SEED) : undefined;
  const hex0Bytes = hex0Seed === undefined ? undefined : await readOptional(hex0Seed);
  const why = options.runNative === undefined && hex0Bytes !== undefined ? await cannotRun(elfArch(hex0Bytes)) : undefined;
  const runNative = options.runNative ?? why === undefined;
  if (hex0Seed === undefined || hex0Bytes === undefined) problems.push({ reason: 'rebuild-skipped', why: `no '${HEX0_SEED}' seed in ${dir}` });
  else if (!runNative) problems.push({ reason: 'rebuild-skipped', why: why ?? 'running the seeds was turned off' });

  const seeds: SeedVerification[] = [];
  for (const name of names) {
    const binaryPath = join(dir, name);
    const sourcePath = join(dir, `${name}.hex0`);
    const binary = await readOptional(binaryPath);
    if (binary === undefined) problems.push({ reason: 'binary-missing', seed: name, path: binaryPath });
    const pair = binary === undefined ? undefined : (hashes.get(name) ?? dualHash(binary));
    if (binary !== undefined && !listed.has(name) && sumsText !== undefined) problems.push({ reason: 'sums-unlisted', seed: name });

    // A missing binary is checked as empty: its source is still assembled, so a bad one is named too.
    const check = checkSeedSource(binary ?? new Uint8Array(), await readFile(sourcePath), `${name}.hex0`);
    const sourceMatches = binary !== undefined && check.result === 'matches';
    if (check.result === 'invalid') problems.push({ reason: 'source-invalid', seed: name, message: check.message });
    if (check.result === 'differs' && binary !== undefined) problems.push({ reason: 'source-mismatch', seed: name, difference: check.difference });

    let rebuild: RebuildOutcome = 'skipped';
    if (runNative && hex0Seed !== undefined && binary !== undefined) {
      const result = await assembleWithSeed(hex0Seed, sourcePath);
      if (!result.ok) {
        rebuild = 'failed';
        problems.push({ reason: 'rebuild-failed', seed: name, detail: result.detail });
      } else {
        const difference = bytesDifference(binary, result.output);
        rebuild = difference === undefined ? 'reproduced' : 'differs';
        if (difference !== undefined) problems.push({ reason: 'rebuild-mismatch', seed: name, difference });
      }
    }

    seeds.push({
      name,
      binaryPath,
      sourcePath,
      size: binary?.length,
      sha256: pair?.noble,
      sourceMatches,
      sumMatches: pair !== undefined && listed.get(name) === pair.noble && pair.noble === pair.openssl,
      rebuild,
    });
  }

  return { dir, seeds, problems, ok: problems.every((p) => p.reason === 'rebuild-skipped') };
}

type SeedRun = { readonly ok: true; readonly output: Uint8Array } | { readonly ok: false; readonly detail: string };

/**
 * Run the hex0 seed on `sourcePath` in a fresh temporary directory, on copies of both files, so the
 * run depends on nothing in the seeds directory but their bytes (not even the binary's mode).
 */
async function assembleWithSeed(hex0Seed: string, sourcePath: string): Promise<SeedRun> {
  const work = await mkdtemp(join(tmpdir(), 'kindling-seed-'));
  try {
    await copyFile(hex0Seed, join(work, 'hex0'));
    await chmod(join(work, 'hex0'), 0o755);
    await copyFile(sourcePath, join(work, 'source.hex0'));
    const run = await execa('./hex0', ['source.hex0', 'output'], {
      cwd: work,
      env: {},
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      timeout: REBUILD_TIMEOUT_MS,
    });
    if (run.failed) {
      const how = run.timedOut ? `timed out after ${REBUILD_TIMEOUT_MS / 1000} s` : run.signal ? `killed by ${run.signal}` : `exit status ${run.exitCode ?? '?'}`;
      return { ok: false, detail: `hex0 ${how}` };
    }
    const output = await readOptional(join(work, 'output'));
    if (output === undefined) return { ok: false, detail: 'hex0 exited 0 but wrote no output file' };
    return { ok: true, output };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
