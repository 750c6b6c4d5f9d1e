// The aarch64 chain's b0 compiler (stage 06-b0 of stages/aarch64, written in aarch64 M0), built by
// the aarch64 chain and run through qemu-user. It reads the amd64 b0's language, so the two are
// checked against each other: every program of test/programs/b0 is compiled with the aarch64
// runtime library, built by the aarch64 chain's catm, M0 and hex2, and must print and exit as its
// header states (what the amd64 b0's build does, test/stages/b0.test.ts); every rejected program
// and every error of the compiler's own (files, usage) must give the amd64 b0's message and exit
// status, and no output.
// Then a first check by two routes: the aarch64 b0 compiles cc's b0 sources (stages/amd64/07-cc,
// a C compiler that writes amd64 code) into an aarch64 cc, and that cc, given cc's own sources
// and the C self-test with the C library, writes the same M0 text, byte for byte, as the amd64
// chain's cc. Two compilers built by chains that share no binary agree on everything cc does.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damagedProgram, randomFrom } from '../programs/damage-bytes.js';
import { readHeader } from '../programs/program-header.js';
import { randomExpressionsProgram } from '../programs/random-b0.js';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { linkM0 } from '../support/link-m0.js';

const PROGRAMS = join(REPO, 'test', 'programs', 'b0');
const REJECTED = join(PROGRAMS, 'reject');
const COMMON = join(AARCH64_CHAIN, 'common');

interface Tools {
  readonly b0: string;
  readonly m0: string;
  readonly catm: string;
  readonly hex2: string;
  readonly macros: string;
  readonly runtime: string;
}

let arm: Tools;
let amd64B0: string;
let amd64Cc: string;
let amd64: Omit<Tools, 'runtime'>;
let amd64Runtime: string;
let work: string;
let runs = 0;

interface Compilation {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly output: Buffer | undefined;
}

/** Runs one b0 on the sources in a fresh directory; the output's path is the same for both compilers. */
async function compile(b0: string, sources: readonly string[], cwd?: string): Promise<Compilation> {
  runs += 1;
  const dir = join(work, `run-${runs}`);
  await mkdir(dir);
  const result = await execa(b0, [...sources, join(dir, 'out.M0')], { reject: false, cwd: cwd ?? work, env: {}, extendEnv: false });
  return { exitCode: result.exitCode, stderr: result.stderr, output: await readFile(join(dir, 'out.M0')).catch(() => undefined) };
}

/** Both compilers on the same sources (each with its own runtime library first when asked). */
async function expectBothAgree(sources: readonly string[], options: { runtime?: boolean; cwd?: string } = {}): Promise<Compilation> {
  const armRun = await compile(arm.b0, options.runtime === true ? [arm.runtime, ...sources] : sources, options.cwd);
  const amdRun = await compile(amd64B0, options.runtime === true ? [amd64Runtime, ...sources] : sources, options.cwd);
  expect(armRun.stderr).toBe(amdRun.stderr.split(amd64Runtime).join(arm.runtime));
  expect(armRun.exitCode).toBe(amdRun.exitCode);
  return armRun;
}

/** Builds compiled M0 into an executable with a chain's own tools (the aarch64 chain's unless told). */
async function build(m0Text: Buffer, name: string, tools: Omit<Tools, 'runtime'> = arm, common = COMMON): Promise<string> {
  const m0File = join(work, `${name}.M0`);
  await writeFile(m0File, m0Text);
  return linkM0(m0File, { ...tools, macros: [tools.macros], common });
}

describe.skipIf(!CAN_RUN_AARCH64)('b0 for aarch64 (chain stage)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-b0-aarch64-'));
    arm = {
      b0: await aarch64ChainOutput('b0', 'bin/b0'),
      m0: await aarch64ChainOutput('M0', 'bin/M0'),
      catm: await aarch64ChainOutput('catm', 'bin/catm'),
      hex2: await aarch64ChainOutput('hex2', 'bin/hex2'),
      macros: await aarch64ChainOutput('b0', 'lib/b0/aarch64.M0'),
      runtime: await aarch64ChainOutput('b0', 'lib/b0/rt.b0'),
    };
    amd64B0 = await chainOutput('b0', 'bin/b0');
    amd64Runtime = await chainOutput('b0', 'lib/b0/rt.b0');
    amd64Cc = await chainOutput('cc', 'bin/cc');
    amd64 = {
      b0: amd64B0,
      m0: await chainOutput('M0', 'bin/M0'),
      catm: await chainOutput('catm', 'bin/catm'),
      hex2: await chainOutput('hex2', 'bin/hex2'),
      macros: await chainOutput('b0', 'lib/b0/amd64.M0'),
    };
  }, 900_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('outputs the macros and the runtime library as they are in the stage directory', async () => {
    const stage = join(AARCH64_CHAIN, '06-b0');
    expect(await readFile(arm.macros, 'latin1')).toBe(readFileSync(join(stage, 'aarch64.M0'), 'latin1'));
    expect(await readFile(arm.runtime, 'latin1')).toBe(readFileSync(join(stage, 'rt.b0'), 'latin1'));
  });

  for (const program of readdirSync(PROGRAMS).filter((f) => f.endsWith('.b0'))) {
    it(`compiles ${program}, which runs as its header says`, async () => {
      const path = join(PROGRAMS, program);
      const header = readHeader(path);
      const compiled = await compile(arm.b0, [arm.runtime, path]);
      expect(compiled.stderr).toBe('');
      expect(compiled.exitCode).toBe(0);
      const executable = await build(compiled.output!, program.replace(/\.b0$/, ''));
      const run = await execa(executable, header.args, { reject: false, cwd: PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  it("rejects every bad program with the amd64 b0's message and no output", async () => {
    for (const program of readdirSync(REJECTED).filter((f) => f.endsWith('.b0'))) {
      const run = await expectBothAgree([program], { runtime: true, cwd: REJECTED });
      expect(run.exitCode).toBe(1);
      expect(run.output).toBeUndefined();
    }
  });

  it("reports files, usage and errors across sources as the amd64 b0 does", async () => {
    const write = async (name: string, text: string): Promise<string> => {
      await writeFile(join(work, name), text);
      return join(work, name);
    };
    const one = await write('one.b0', 'one() { return 1; }\n');
    const three = await write('three.b0', 'main() {\n  return one() + two()\n}\n');
    const cases: string[][] = [
      [one, await write('two.b0', '\ntwo() { return 2; }\n'), three],
      [await write('first.b0', 'main() { return 1'), await write('second.b0', '2; }')],
      [join(work, 'no-such.b0')],
      [work],
      [],
      [await write('string.b0', 'main() { return "unterminated; }\n')],
      [await write('late.b0', 'main() { f(1); return 0; }\nf(a, b) { return 0; }\n')],
    ];
    for (const sources of cases) {
      const run = await expectBothAgree(sources);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toMatch(/^b0: |:\d+: /);
    }
    const usage = await execa(arm.b0, ['only.b0'], { reject: false, env: {}, extendEnv: false });
    expect(usage.stderr).toBe('b0: usage: b0 SOURCE... OUTPUT');
    expect(usage.exitCode).toBe(1);
  });

  it("builds cc's b0 sources into an aarch64 cc that writes the amd64 cc's output, byte for byte", async () => {
    const ccDir = join(REPO, 'stages', 'amd64', '07-cc');
    const script = readFileSync(join(ccDir, 'build.kaem'), 'utf8').split('\n');
    const stage0 = script.find((l) => l.startsWith('bin/b0 '))!.split(' ');
    const sources = stage0.slice(2, -1).map((p) => join(ccDir, p.replace(/^src\/cc\//, '')));
    const compiled = await compile(arm.b0, [arm.runtime, ...sources]);
    expect(compiled.stderr).toBe('');
    const armCc = await build(compiled.output!, 'cc');
    const libcParts = script.find((l) => l.startsWith('bin/catm lib/cc/libc.c '))!.split(' ').slice(2);
    const libc = join(work, 'libc.c');
    await writeFile(libc, Buffer.concat(libcParts.map((p) => readFileSync(join(ccDir, p.replace(/^src\/cc\//, ''))))));
    const inputs: [string, string[]][] = [
      ['cc itself (b0)', ['--b0', amd64Runtime, ...sources]],
      ['the C self-test', ['-I', join(ccDir, 'libc', 'include'), libc, join(ccDir, 'selftest.c')]],
    ];
    for (const [index, [what, args]] of inputs.entries()) {
      const armOut = join(work, `cc-out-arm-${index}.M0`);
      const amdOut = join(work, `cc-out-amd64-${index}.M0`);
      const armRun = await execa(armCc, [...args, armOut], { reject: false, env: {}, extendEnv: false });
      const amdRun = await execa(amd64Cc, [...args, amdOut], { reject: false, env: {}, extendEnv: false });
      expect([armRun.exitCode, armRun.stderr], what).toEqual([0, '']);
      expect(amdRun.exitCode, what).toBe(0);
      const [left, right] = [await readFile(armOut), await readFile(amdOut)];
      expect(left.length, what).toBeGreaterThan(100_000);
      expect(Buffer.compare(left, right), what).toBe(0);
    }
  }, 300_000);

  it('gives the values the amd64 build gives for 300 random expressions with every operator', async () => {
    // Random expressions over four variables (with locals, globals, array elements and bytes as
    // operands), fully parenthesized or not at random, so precedence matters; the same program
    // built by both chains must print the same numbers. Division by zero, the most negative
    // number divided by -1 and shift counts outside 0..63 are left out: the processors differ
    // there (x86-64 faults, AArch64 does not) and the language leaves them undefined.
    const source = join(work, 'expressions.b0');
    await writeFile(source, randomExpressionsProgram(randomFrom(19), { count: 300, divisors: ['1', '3', '7', '1000'] }));
    const outputs: string[] = [];
    for (const [b0, runtime, tools, common] of [
      [arm.b0, arm.runtime, arm, COMMON],
      [amd64B0, amd64Runtime, amd64, join(AMD64_CHAIN, 'common')],
    ] as const) {
      const compiled = await compile(b0, [runtime, source]);
      expect(compiled.stderr).toBe('');
      const executable = await build(compiled.output!, `expressions-${outputs.length}`, tools, common);
      const run = await execa(executable, [], { reject: false, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.exitCode).toBe(0);
      outputs.push(run.stdout);
    }
    expect(outputs[0]!.split('\n')).toHaveLength(301);
    expect(outputs[0]!.split('\n')).toEqual(outputs[1]!.split('\n'));
  });

  it('agrees with the amd64 b0 on 60 damaged programs: the same message, or output that assembles', async () => {
    // Test programs with bytes deleted, inserted and copied at random: both compilers must give
    // the same message and status; where they succeed, the aarch64 output must assemble and link.
    const random = randomFrom(20261203);
    const originals = readdirSync(PROGRAMS)
      .filter((f) => f.endsWith('.b0'))
      .map((f) => readFileSync(join(PROGRAMS, f)));
    let compiled = 0;
    for (let n = 0; n < 60; n += 1) {
      await writeFile(join(work, 'damaged.b0'), damagedProgram(originals, random));
      const run = await expectBothAgree(['damaged.b0'], { runtime: true });
      if (run.exitCode === 0) {
        compiled += 1;
        if (compiled <= 5) await build(run.output!, `damaged-${n}`);
      } else {
        expect(run.stderr).toMatch(/^damaged\.b0:\d+: [^\n]+$/);
        expect(run.output).toBeUndefined();
      }
    }
    expect(compiled).toBeGreaterThan(0);
  });
});
