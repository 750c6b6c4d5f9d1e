// verifySeeds on the real seeds, and on tampered copies made in a temporary directory: each kind
// of disagreement must be caught and named.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/seeds.js';
import { KindlingError } from '../../src/errors.js';
import { describeSeedProblem } from '../../src/seeds/render.js';
import { elfArch, verifySeeds, type SeedProblem } from '../../src/seeds/verify.js';
import { CAN_RUN_SEEDS, SEED_SETS, SEEDS_DIR } from './seed-rig.js';
import { REPO } from '../support/cli.js';

const copies: string[] = [];

async function copyOfSeeds(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-seeds-copy-'));
  copies.push(dir);
  await cp(SEEDS_DIR, dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  for (const dir of copies.splice(0)) await rm(dir, { recursive: true, force: true });
});

const reasons = (problems: readonly SeedProblem[]): string[] => problems.map((p) => p.reason).filter((r) => r !== 'rebuild-skipped');

describe('verifySeeds', () => {
  for (const seeds of SEED_SETS) {
    it(`finds the committed ${seeds.arch} seeds exactly what their sources say`, async () => {
      const report = await verifySeeds(seeds.dir);
      expect(report.problems.map(describeSeedProblem)).toEqual(seeds.canRun ? [] : [expect.stringMatching(/^the hex0 seed was not run/)]);
      expect(report.ok).toBe(true);
      expect(report.seeds.map((s) => s.name)).toEqual(['hex0', 'kaem']);
      for (const seed of report.seeds) {
        expect(seed).toMatchObject({ sourceMatches: true, sumMatches: true, rebuild: seeds.canRun ? 'reproduced' : 'skipped' });
        expect(seed.size).toBe((await readFile(seed.binaryPath)).length);
      }
    });
  }

  it('tells the architecture of a seed by its ELF header', async () => {
    expect(elfArch(await readFile(join(SEEDS_DIR, 'hex0')))).toBe('amd64');
    expect(elfArch(await readFile(join(SEED_SETS[1].dir, 'kaem')))).toBe('aarch64');
    expect(elfArch(new TextEncoder().encode('#!/bin/sh\necho not an ELF program\n'))).toBeUndefined();
  });

  it('catches a binary that does not match its source (and so not its hash either)', async () => {
    const dir = await copyOfSeeds();
    const kaem = await readFile(join(dir, 'kaem'));
    kaem[0x100] = kaem[0x100]! ^ 0x20; // one bit in the message text: the program still runs
    await writeFile(join(dir, 'kaem'), kaem);
    const report = await verifySeeds(dir);
    expect(report.ok).toBe(false);
    expect(reasons(report.problems)).toEqual(
      CAN_RUN_SEEDS ? ['sums-mismatch', 'source-mismatch', 'rebuild-mismatch'] : ['sums-mismatch', 'source-mismatch'],
    );
    const mismatch = report.problems.find((p) => p.reason === 'source-mismatch');
    expect(mismatch).toMatchObject({ seed: 'kaem', difference: { offset: 0x100 } });
    expect(describeSeedProblem(mismatch!)).toMatch(/^seed kaem: the binary is not what its source assembles to, at byte 256 \(0x100\)/);
    expect(report.seeds.find((s) => s.name === 'kaem')).toMatchObject({ sourceMatches: false, sumMatches: false });
    expect(report.seeds.find((s) => s.name === 'hex0')).toMatchObject({ sourceMatches: true, sumMatches: true });
  });

  it('catches a source edited to match a tampered binary, by the hash in SHA256SUMS', async () => {
    const dir = await copyOfSeeds();
    const source = await readFile(join(dir, 'kaem.hex0'), 'utf8');
    const edited = source.replace('66 61 69 6C 65 64 3A 20   # @100 "failed: "', '66 61 69 6C 65 44 3A 20   # @100 "faileD: "');
    expect(edited).not.toBe(source);
    await writeFile(join(dir, 'kaem.hex0'), edited);
    const kaem = await readFile(join(dir, 'kaem'));
    kaem[0x105] = 0x44;
    await writeFile(join(dir, 'kaem'), kaem);
    const report = await verifySeeds(dir);
    expect(reasons(report.problems)).toEqual(['sums-mismatch']);
    expect(report.ok).toBe(false);
  });

  it.skipIf(!CAN_RUN_SEEDS)('catches a hex0 seed that assembles wrongly, by running it', async () => {
    const dir = await copyOfSeeds();
    const hex0 = await readFile(join(dir, 'hex0'));
    expect([hex0[0x8a], hex0[0x8b]]).toEqual([0x04, 0x0a]); // add al, 10: the value of 'a'..'f'
    hex0[0x8b] = 0x0b; // now 'a' is worth 11 and 'f' 16, which spills into the high nibble: 7F gives 0x70
    await writeFile(join(dir, 'hex0'), hex0);
    const report = await verifySeeds(dir);
    expect(reasons(report.problems)).toEqual(['sums-mismatch', 'source-mismatch', 'rebuild-mismatch', 'rebuild-mismatch']);
    expect(report.seeds.map((s) => s.rebuild)).toEqual(['differs', 'differs']);
    const kaemRebuild = report.problems.find((p) => p.reason === 'rebuild-mismatch' && p.seed === 'kaem');
    expect(describeSeedProblem(kaemRebuild!)).toMatch(/^seed kaem: the hex0 seed assembles its source to different bytes, at byte 0 \(0x0\): 0x7f in the binary, 0x70 in the hex0 seed's output$/);
  });

  it('reports a missing SHA256SUMS, a malformed line, an unlisted seed and a missing binary', async () => {
    const dir = await copyOfSeeds();
    await rm(join(dir, 'SHA256SUMS'));
    expect(reasons((await verifySeeds(dir)).problems)).toEqual(['sums-missing']);

    const sums = (await readFile(join(SEEDS_DIR, 'SHA256SUMS'), 'utf8')).split('\n');
    await writeFile(join(dir, 'SHA256SUMS'), `${sums[0]}\nnot a checksum line\n`);
    const report = await verifySeeds(dir);
    expect(reasons(report.problems)).toEqual(['sums-malformed', 'sums-unlisted']);
    expect(report.problems[0]).toMatchObject({ line: 2, text: 'not a checksum line' });

    await rm(join(dir, 'kaem'));
    expect(reasons((await verifySeeds(dir)).problems)).toEqual(['sums-malformed', 'binary-missing']);
  });

  it('reports a source that does not assemble, with its line', async () => {
    const dir = await copyOfSeeds();
    await writeFile(join(dir, 'kaem.hex0'), (await readFile(join(dir, 'kaem.hex0'), 'utf8')).replace('7F 45 4C 46', '7F 45 4C 4G'));
    const problem = (await verifySeeds(dir)).problems.find((p) => p.reason === 'source-invalid');
    expect(problem && describeSeedProblem(problem)).toMatch(/^seed kaem: its source does not assemble: kaem\.hex0:\d+: unexpected character "G"/);
  });
});

describe('kindling seeds verify', () => {
  async function runCommand(args: readonly string[]): Promise<{ output: string; failure: unknown }> {
    const program = new Command('kindling').exitOverride();
    register(program);
    let output = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output += String(chunk);
      return true;
    });
    try {
      await program.parseAsync(['node', 'kindling', ...args]);
      return { output, failure: undefined };
    } catch (failure) {
      return { output, failure };
    } finally {
      write.mockRestore();
    }
  }

  it('checks the seeds of every architecture when no directory is given', async () => {
    const cwd = process.cwd();
    process.chdir(REPO);
    try {
      const { output, failure } = await runCommand(['seeds', 'verify']);
      expect(failure).toBeUndefined();
      expect(output.match(/^seeds in .*$/gm)).toEqual([`seeds in ${join(REPO, 'seeds', 'aarch64')}`, `seeds in ${join(REPO, 'seeds', 'amd64')}`]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('prints the report and succeeds on the committed seeds', async () => {
    const { output, failure } = await runCommand(['seeds', 'verify', '--seeds', SEEDS_DIR]);
    expect(failure).toBeUndefined();
    expect(output).toMatch(/^hex0: \d+ bytes, sha256 [0-9a-f]{64}$/m);
    expect(output).toMatch(/every seed is exactly what its source says\n$/);
  });

  it('fails with a KindlingError, and JSON on request, when a seed disagrees', async () => {
    const dir = await copyOfSeeds();
    const hex0 = await readFile(join(dir, 'hex0'));
    hex0[hex0.length - 1] = hex0[hex0.length - 1]! ^ 1;
    await writeFile(join(dir, 'hex0'), hex0);
    const { output, failure } = await runCommand(['seeds', 'verify', '--seeds', dir, '--json']);
    expect(failure).toBeInstanceOf(KindlingError);
    const report = JSON.parse(output) as { ok: boolean; problems: { reason: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.reason)).toContain('source-mismatch');
  });
});
