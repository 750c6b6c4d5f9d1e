// The hex0 seed of each architecture, run natively (or through qemu-user): it must agree with the
// TypeScript assembler on every valid input, and fail (non-zero) when it cannot read IN or create OUT.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleHex0 } from '../../src/formats/hex0.js';
import { makeWorkDir, removeWorkDir, runIn, SEED_SETS, shellIn } from './seed-rig.js';

/** A small deterministic generator (xorshift32), so a failing input can be made again. */
function generator(seed: number): (limit: number) => number {
  let state = seed >>> 0 || 1;
  return (limit) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % limit;
  };
}

/** Hex0 text for random bytes, in every form the format allows: cases, blanks, comments, split pairs. */
function madeUpSource(seed: number, length: number): string {
  const next = generator(seed);
  const digits = '0123456789abcdef';
  const blanks = [' ', '  ', '\t', '\n', '\r\n', ''];
  const comments = ['# a comment 12 34\n', '; another ab cd;#\n', '#\n', ';;\n'];
  let text = next(2) === 0 ? '# made-up input\n' : '';
  for (let i = 0; i < length; i += 1) {
    const byte = next(256);
    const high = digits[byte >> 4]!;
    const low = digits[byte & 15]!;
    const cased = (c: string): string => (next(2) === 0 ? c.toUpperCase() : c);
    const between = next(8) === 0 ? (blanks[next(blanks.length)]! + (next(3) === 0 ? comments[next(comments.length)]! : '')) : '';
    text += cased(high) + between + cased(low);
    text += blanks[next(blanks.length)]!;
    if (next(10) === 0) text += comments[next(comments.length)]!;
  }
  // Sometimes end inside a comment with no newline after it.
  if (next(2) === 0) text += '# the end, without a newline';
  return text;
}

for (const seeds of SEED_SETS) describe.skipIf(!seeds.canRun)(`the ${seeds.arch} hex0 seed, run natively`, () => {
  let work: string;
  let runs = 0;

  beforeAll(async () => {
    work = await makeWorkDir(seeds.dir);
  });
  afterAll(async () => {
    await removeWorkDir(work);
  });

  async function assembleWithSeed(source: string): Promise<{ exitCode: number | undefined; output: Uint8Array }> {
    runs += 1;
    const input = `in-${runs}.hex0`;
    const output = `out-${runs}`;
    await writeFile(join(work, input), source);
    const run = await runIn(work, './hex0', [input, output]);
    expect(run.stdout + run.stderr).toBe('');
    return { exitCode: run.exitCode, output: new Uint8Array(await readFile(join(work, output))) };
  }

  it('agrees with the TypeScript assembler on made-up inputs', async () => {
    for (let seed = 1; seed <= 40; seed += 1) {
      const source = madeUpSource(seed, 1 + ((seed * 37) % 300));
      const result = await assembleWithSeed(source);
      expect(result.exitCode, `input #${seed}`).toBe(0);
      expect(result.output, `input #${seed}`).toEqual(assembleHex0(source, `input #${seed}`));
    }
  });

  it('agrees on a larger input and on empty ones', async () => {
    const large = madeUpSource(4242, 20_000);
    expect((await assembleWithSeed(large)).output).toEqual(assembleHex0(large, 'large'));
    for (const empty of ['', '# only a comment', '\n\n  \t\n']) {
      const result = await assembleWithSeed(empty);
      expect(result.exitCode).toBe(0);
      expect(result.output.length).toBe(0);
    }
  });

  it('reproduces itself from its own source', async () => {
    const source = await readFile(join(seeds.dir, 'hex0.hex0'), 'utf8');
    expect((await assembleWithSeed(source)).output).toEqual(new Uint8Array(await readFile(join(seeds.dir, 'hex0'))));
  });

  it('creates OUT with mode 0755 and truncates an OUT that exists', async () => {
    await writeFile(join(work, 'mode.hex0'), '41 42');
    await writeFile(join(work, 'mode.out'), 'a much longer old content');
    const run = await shellIn(work, 'umask 022 && exec ./hex0 mode.hex0 mode.out');
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(work, 'mode.out'), 'latin1')).toBe('AB');
    await shellIn(work, 'rm -f mode.out && umask 022 && exec ./hex0 mode.hex0 mode.out');
    expect((await stat(join(work, 'mode.out'))).mode & 0o7777).toBe(0o755);
  });

  it('works with fds 0, 1 and 2 closed, as it may be as PID 1', async () => {
    const source = madeUpSource(7, 100);
    await writeFile(join(work, 'closed.hex0'), source);
    const run = await shellIn(work, 'exec ./hex0 closed.hex0 closed.out <&- >&- 2>&-');
    expect(run.exitCode).toBe(0);
    expect(new Uint8Array(await readFile(join(work, 'closed.out')))).toEqual(assembleHex0(source, 'closed.hex0'));
  });

  it('exits non-zero, creating nothing, when IN cannot be opened', async () => {
    const run = await runIn(work, './hex0', ['no-such-input.hex0', 'never.out']);
    expect(run.exitCode).not.toBe(0);
    await expect(stat(join(work, 'never.out'))).rejects.toThrow();
    await mkdir(join(work, 'a-directory'));
    expect((await runIn(work, './hex0', ['a-directory', 'never.out'])).exitCode).not.toBe(0);
  });

  it('exits non-zero when OUT cannot be created', async () => {
    await writeFile(join(work, 'ok.hex0'), '90');
    expect((await runIn(work, './hex0', ['ok.hex0', 'no-such-dir/out'])).exitCode).not.toBe(0);
    expect((await runIn(work, './hex0', ['ok.hex0', '.'])).exitCode).not.toBe(0);
  });

  it('exits non-zero when IN or OUT is not named', async () => {
    expect((await runIn(work, './hex0', [])).exitCode).not.toBe(0);
    expect((await runIn(work, './hex0', ['ok.hex0'])).exitCode).not.toBe(0);
  });
});
