// The two helpers stage 11-mes builds for itself (into its scratch directory) and uses on Mes's
// unpacked tree: replace-line, which applies a line patch such as crt1.patch, and mkdir. Both are
// b0 programs; here they are compiled as the stage compiles them (the chain's cc in its b0
// dialect, linked by the chain's catm, M0 and hex2) and checked on what they do and refuse.
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';

const STAGE_DIR = join(AMD64_CHAIN, '11-mes');
const COMMON_DIR = join(AMD64_CHAIN, 'common');

let work: string;
let replaceLine: string;
let makeDirectory: string;
let files = 0;

/** Compiles a helper of the stage directory as build.kaem does. */
async function buildHelper(name: string): Promise<string> {
  const [cc, catm, m0, hex2] = await Promise.all([chainOutput('cc', 'bin/cc'), chainOutput('catm', 'bin/catm'), chainOutput('M0', 'bin/M0'), chainOutput('hex2', 'bin/hex2')]);
  const runtime = await chainOutput('b0', 'lib/b0/rt.b0');
  const b0Macros = await chainOutput('b0', 'lib/b0/amd64.M0');
  const ccMacros = await chainOutput('cc', 'lib/cc/cc.M0');
  const out = join(work, name);
  const steps: [string, string[]][] = [
    [cc, ['--b0', runtime, join(STAGE_DIR, `${name}.b0`), `${out}.M0`]],
    [catm, [`${out}-full.M0`, b0Macros, ccMacros, `${out}.M0`]],
    [m0, [`${out}-full.M0`, `${out}.hex2`]],
    [catm, [`${out}-full.hex2`, join(COMMON_DIR, 'elf64.hex2'), `${out}.hex2`, join(COMMON_DIR, 'elf64-end.hex2')]],
    [hex2, [`${out}-full.hex2`, out]],
  ];
  for (const [tool, args] of steps) await execa(tool, args, { env: {}, extendEnv: false });
  await chmod(out, 0o755);
  return out;
}

async function file(text: string): Promise<string> {
  files += 1;
  const path = join(work, `file-${files}`);
  await writeFile(path, text);
  return path;
}

async function patch(patchText: string, fileText: string): Promise<{ exitCode: number | undefined; stderr: string; after: string; patchPath: string }> {
  const patchPath = await file(patchText);
  const target = await file(fileText);
  const run = await execa(replaceLine, [patchPath, target], { reject: false, env: {}, extendEnv: false });
  return { exitCode: run.exitCode, stderr: run.stderr, after: await readFile(target, 'utf8'), patchPath };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-mes-helpers-'));
  replaceLine = await buildHelper('replace-line');
  makeDirectory = await buildHelper('mkdir');
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('replace-line PATCH FILE', () => {
  it('replaces the one line equal to each "-" line by its "+" line, in order; comments and blank lines are skipped', async () => {
    const result = await patch('# why\n\n-two\n+TWO\n# and\n-four\n+\n', 'one\ntwo\nthree\nfour\nfive');
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.after).toBe('one\nTWO\nthree\n\nfive');
  });

  it('matches whole lines only, including a last line without a newline', async () => {
    const result = await patch('-end\n+END\n', 'the end\nend');
    expect(result.exitCode).toBe(0);
    expect(result.after).toBe('the end\nEND');
  });

  it('applies crt1.patch to the line it names', async () => {
    const result = await patch(readFileSync(join(STAGE_DIR, 'crt1.patch'), 'utf8'), 'int\n_start ()\n{\n  main ();\n}\n');
    expect(result.exitCode).toBe(0);
    expect(result.after).toBe('int\n_start ()\n{\n  ((int (*) ()) main) ();\n}\n');
  });

  const refusals: [string, string, string, string][] = [
    ['a line found nowhere', '-absent\n+x\n', 'a\nb\n', 'no line of the file is: absent'],
    ['a line found twice', '-a\n+x\n', 'a\nb\na\n', 'more than one line of the file is: a'],
    ['a "-" line without its "+" line', '-a\n# comment\n+x\n', 'a\n', 'a "-" line must be followed by its "+" line: -a'],
    ['a "-" line at the end', '-a', 'a\n', 'a "-" line must be followed by its "+" line: -a'],
    ['a "+" line first', '+x\n', 'a\n', 'expected a "-" line, a "+" line after it, or a comment: +x'],
    ['any other line', 'a\n', 'a\n', 'expected a "-" line, a "+" line after it, or a comment: a'],
  ];
  for (const [what, patchText, fileText, message] of refusals) {
    it(`refuses ${what}, leaving the file as it was`, async () => {
      const result = await patch(`-first\n+FIRST\n${patchText}`, `first\n${fileText}`);
      expect(result.stderr).toBe(`replace-line: ${result.patchPath}: ${message}`);
      expect(result.exitCode).toBe(1);
      expect(result.after).toBe(`first\n${fileText}`);
    });
  }

  it('refuses a missing file and wrong usage', async () => {
    const patchPath = await file('-a\n+b\n');
    const missing = await execa(replaceLine, [patchPath, join(work, 'missing')], { reject: false });
    expect(missing.stderr).toBe(`replace-line: cannot open ${join(work, 'missing')}`);
    expect(missing.exitCode).toBe(1);
    const usage = await execa(replaceLine, [patchPath], { reject: false });
    expect(usage.stderr).toBe('replace-line: usage: replace-line PATCH FILE');
    expect(usage.exitCode).toBe(1);
  });
});

describe('mkdir DIR...', () => {
  it('creates directories in order, mode 0755', async () => {
    const parent = join(work, 'made');
    const child = join(parent, 'inner');
    const run = await execa(makeDirectory, [parent, child], { reject: false });
    expect(run.exitCode).toBe(0);
    expect((await stat(child)).isDirectory()).toBe(true);
    expect((await stat(parent)).mode & 0o777).toBe(0o755 & ~process.umask());
  });

  it('refuses an existing directory or a missing parent', async () => {
    const existing = await execa(makeDirectory, [work], { reject: false });
    expect(existing.stderr).toBe(`mkdir: cannot create ${work}`);
    expect(existing.exitCode).toBe(1);
    const orphan = join(work, 'no', 'parent');
    const missing = await execa(makeDirectory, [orphan], { reject: false });
    expect(missing.stderr).toBe(`mkdir: cannot create ${orphan}`);
    expect(missing.exitCode).toBe(1);
  });
});
