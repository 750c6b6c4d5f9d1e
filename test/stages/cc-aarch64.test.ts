// cc's aarch64 code generator (cc --target aarch64, stages/amd64/07-cc/gen-aarch64.b0): the amd64
// chain's cc compiles every program of test/programs/b0 for AArch64 with the aarch64 runtime
// library; the aarch64 chain's catm, M0 and hex2 build it with the aarch64 b0's macros and
// cc-aarch64.M0, and it must print and exit as its header says (under qemu-user on an x86-64
// host). Random expressions built for both targets must print the same numbers; every macro of
// cc-aarch64.M0 must be the words GNU as makes of the instructions its comment names.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHeader } from '../programs/program-header.js';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';

const PROGRAMS = join(REPO, 'test', 'programs', 'b0');
const CC_DIR = join(REPO, 'stages', 'amd64', '07-cc');
const CC_AARCH64_MACROS = join(CC_DIR, 'cc-aarch64.M0');

interface Linker {
  readonly m0: string;
  readonly catm: string;
  readonly hex2: string;
  readonly macros: readonly string[];
  readonly common: string;
  readonly runtime: string;
}

let cc: string;
let arm: Linker;
let amd64: Linker;
let work: string;
let made = 0;

/** cc on the arguments; the output file's path is added last. */
async function compile(args: readonly string[]): Promise<{ exitCode: number | undefined; stderr: string; output: string }> {
  made += 1;
  const output = join(work, `out-${made}.M0`);
  const run = await execa(cc, [...args, output], { reject: false, env: {}, extendEnv: false });
  return { exitCode: run.exitCode, stderr: run.stderr, output };
}

/** Links compiled M0 into an executable with one chain's tools and macros. */
async function link(m0: string, tools: Linker): Promise<string> {
  const base = m0.replace(/\.M0$/, '');
  const steps: [string, string[]][] = [
    [tools.catm, [`${base}.all.M0`, ...tools.macros, m0]],
    [tools.m0, [`${base}.all.M0`, `${base}.hex2`]],
    [tools.catm, [`${base}.linked.hex2`, join(tools.common, 'elf64.hex2'), `${base}.hex2`, join(tools.common, 'elf64-end.hex2')]],
    [tools.hex2, [`${base}.linked.hex2`, base]],
  ];
  for (const [tool, args] of steps) await execa(tool, args, { env: {}, extendEnv: false });
  return base;
}

describe.skipIf(!CAN_RUN_AARCH64)('cc --target aarch64 (the b0 dialect)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-cc-aarch64-'));
    cc = await chainOutput('cc', 'bin/cc');
    arm = {
      m0: await aarch64ChainOutput('M0', 'bin/M0'),
      catm: await aarch64ChainOutput('catm', 'bin/catm'),
      hex2: await aarch64ChainOutput('hex2', 'bin/hex2'),
      macros: [await aarch64ChainOutput('b0', 'lib/b0/aarch64.M0'), await chainOutput('cc', 'lib/cc/cc-aarch64.M0')],
      common: join(AARCH64_CHAIN, 'common'),
      runtime: await aarch64ChainOutput('b0', 'lib/b0/rt.b0'),
    };
    amd64 = {
      m0: await chainOutput('M0', 'bin/M0'),
      catm: await chainOutput('catm', 'bin/catm'),
      hex2: await chainOutput('hex2', 'bin/hex2'),
      macros: [await chainOutput('b0', 'lib/b0/amd64.M0'), await chainOutput('cc', 'lib/cc/cc.M0')],
      common: join(AMD64_CHAIN, 'common'),
      runtime: await chainOutput('b0', 'lib/b0/rt.b0'),
    };
  }, 900_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('outputs cc-aarch64.M0 as it is in the stage directory', async () => {
    expect(await readFile(arm.macros[1]!, 'latin1')).toBe(readFileSync(CC_AARCH64_MACROS, 'latin1'));
  });

  for (const program of readdirSync(PROGRAMS).filter((f) => f.endsWith('.b0'))) {
    it(`compiles ${program}, which runs on aarch64 as its header says`, async () => {
      const path = join(PROGRAMS, program);
      const header = readHeader(path);
      const compiled = await compile(['--target', 'aarch64', '--b0', arm.runtime, path]);
      expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
      const executable = await link(compiled.output, arm);
      const run = await execa(executable, header.args, { reject: false, cwd: PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  it('gives the values the amd64 code gives for 300 random expressions with every operator', async () => {
    // A small deterministic generator (mulberry32), so every run sees the same program. Division
    // by zero, the most negative number divided by -1 and shift counts outside 0..63 are left
    // out: x86-64 faults or masks where AArch64 does not, and b0 leaves them undefined.
    let seed = 1903;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const binary = ['||', '&&', '|', '^', '&', '==', '!=', '<', '<=', '>', '>=', '<<', '>>', '+', '-', '*', '/', '%'];
    const leaves = ['a', 'b', 'g', 't[1]', 's{2}', '0', '1', '7', '63', '255', '2147483647', '2147483648', '4294967295', '123456789012', "'x'"];
    const grow = (depth: number): string => {
      const r = random();
      if (depth === 0 || r < 0.2) return pick(leaves);
      if (r < 0.35) return `${pick(['-', '!', '~'])}(${grow(depth - 1)})`;
      const op = pick(binary);
      let right = grow(depth - 1);
      if (op === '/' || op === '%') right = pick(['1', '3', '7', '1000', '-7']);
      if (op === '<<' || op === '>>') right = `(${right} & 63)`;
      const text = `${grow(depth - 1)} ${op} ${right}`;
      return random() < 0.5 ? `(${text})` : text;
    };
    const lines = ['var g, t[3];', 'main() {', '    var a, b, s;', '    s = "abcdef";'];
    for (let n = 0; n < 300; n += 1) {
      lines.push(`    a = ${Math.floor(random() * 200) - 100}; b = ${Math.floor(random() * 11) - 5}; g = 777359695179; t[1] = -3823804492959351424;`);
      lines.push(`    print_number(${grow(4)}); putchar(10);`);
    }
    lines.push('    return 0;', '}');
    const source = join(work, 'expressions.b0');
    await writeFile(source, lines.join('\n') + '\n');
    const outputs: string[] = [];
    for (const [target, tools] of [
      ['aarch64', arm],
      ['amd64', amd64],
    ] as const) {
      const compiled = await compile(['--target', target, '--b0', tools.runtime, source]);
      expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
      const run = await execa(await link(compiled.output, tools), [], { reject: false, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.exitCode).toBe(0);
      outputs.push(run.stdout);
    }
    expect(outputs[0]!.split('\n')).toHaveLength(301);
    expect(outputs[0]!.split('\n')).toEqual(outputs[1]!.split('\n'));
  });

  it("is the binary the amd64 chain's cc makes of the same source with --target aarch64, and writes what that cc writes", async () => {
    // Two routes to one cc: the aarch64 chain's (aarch64 b0, then cc by itself, from the aarch64
    // seeds) and the amd64 cc cross-compiling, linked here by the aarch64 chain's tools.
    const armCc = await aarch64ChainOutput('cc', 'bin/cc');
    const script = readFileSync(join(AARCH64_CHAIN, '07-cc', 'build.kaem'), 'utf8').split('\n');
    const line = script.find((l) => l.startsWith('bin/cc-1 '))!.split(' ');
    const args = line.slice(1, -1).map((a) => (a === 'lib/b0/rt.b0' ? arm.runtime : a.startsWith('src/cc/') ? join(CC_DIR, a.slice(7)) : a));
    expect(args.slice(0, 3)).toEqual(['--target', 'aarch64', '--b0']);
    const cross = await compile(args);
    expect([cross.exitCode, cross.stderr]).toEqual([0, '']);
    const crossCc = await link(cross.output, arm);
    expect((await readFile(crossCc)).equals(await readFile(armCc))).toBe(true);
    // And the aarch64 cc, given the test programs, writes the amd64 cc's M0 for either target.
    for (const program of readdirSync(PROGRAMS).filter((f) => f.endsWith('.b0'))) {
      for (const [target, tools] of [
        ['aarch64', arm],
        ['amd64', amd64],
      ] as const) {
        const ours = await compile(['--target', target, '--b0', tools.runtime, join(PROGRAMS, program)]);
        const theirs = join(work, `arm-${target}-${program}.M0`);
        const run = await execa(armCc, ['--target', target, '--b0', tools.runtime, join(PROGRAMS, program), theirs], { reject: false, env: {}, extendEnv: false });
        expect([run.exitCode, run.stderr]).toEqual([0, '']);
        expect((await readFile(theirs)).equals(await readFile(ours.output)), `${target} ${program}`).toBe(true);
      }
    }
  }, 600_000);

  it('refuses an unknown target and, for aarch64, C sources, with one line and no output', async () => {
    const c = join(work, 'prog.c');
    await writeFile(c, 'int main(void) { return 0; }\n');
    const unknown = await compile(['--target', 'riscv64', '--b0', arm.runtime]);
    expect([unknown.exitCode, unknown.stderr]).toEqual([1, "cc: unknown target 'riscv64' (amd64 or aarch64)"]);
    const notYet = await compile(['--target', 'aarch64', c]);
    expect([notYet.exitCode, notYet.stderr]).toEqual([1, `cc: --target aarch64 compiles only the b0 dialect so far: ${c}`]);
    for (const run of [unknown, notYet]) await expect(readFile(run.output)).rejects.toThrow();
    // --target amd64 is the default, said out loud: the same output as without it.
    const program = join(PROGRAMS, 'strings.b0');
    const plain = await compile(['--b0', amd64.runtime, program]);
    const said = await compile(['--target', 'amd64', '--b0', amd64.runtime, program]);
    expect(await readFile(said.output)).toEqual(await readFile(plain.output));
  });
});

describe('cc-aarch64.M0', () => {
  it('holds, for every macro, the words GNU as makes of the instructions its comment names', async () => {
    // Each line: DEFINE NAME HEX # instruction ; instruction — what it does.
    const defines = readFileSync(CC_AARCH64_MACROS, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('DEFINE '));
    expect(defines.length).toBeGreaterThan(5);
    const dir = await mkdtemp(join(tmpdir(), 'kindling-cc-aarch64-as-'));
    try {
      for (const line of defines) {
        const match = /^DEFINE (\S+) +([0-9A-F]+) +# (.+?) — /.exec(line);
        expect(match, line).not.toBeNull();
        const [, name, hex, text] = match!;
        await writeFile(join(dir, 'm.s'), text!.split(' ; ').join('\n') + '\n');
        await execa('aarch64-linux-gnu-as', [join(dir, 'm.s'), '-o', join(dir, 'm.o')]);
        await execa('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'm.o'), join(dir, 'm.bin')]);
        expect((await readFile(join(dir, 'm.bin'))).toString('hex').toUpperCase(), name).toBe(hex);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
