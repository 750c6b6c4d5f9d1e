// The b0 compiler (stage 06-b0). Built by the chain (or, before the stage is in the chain, from
// its M0 source by the reference assemblers), it compiles each program of test/programs/b0
// together with the runtime library; the M0 it writes is assembled (M0, the ELF header, hex2; by
// the chain's own tools when they are there, checked against the reference assemblers) and run,
// and the output and exit status must be the ones the program's header states. Each program in
// test/programs/b0/reject must be refused with the message its first line states, and no output
// file may appear.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleHex2 } from '../../src/formats/hex2.js';
import { m0ToHex2 } from '../../src/formats/m0.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { damagedProgram, randomFrom } from '../programs/damage-bytes.js';
import { readHeader } from '../programs/program-header.js';

const STAGE_DIR = join(AMD64_CHAIN, '06-b0');
const COMMON_DIR = join(AMD64_CHAIN, 'common');
const PROGRAMS = join(REPO, 'test', 'programs', 'b0');
const REJECTED = join(PROGRAMS, 'reject');
const RUNTIME = join(STAGE_DIR, 'rt.b0');
const MACROS = readFileSync(join(STAGE_DIR, 'amd64.M0'), 'latin1');
const IN_CHAIN = existsSync(join(STAGE_DIR, 'stage.yaml'));

/** M0 text (after the instruction macros) → an executable's bytes, as the chain builds one. */
function assembleM0Program(m0Text: string, name: string): Uint8Array {
  const hex2 = m0ToHex2(MACROS + m0Text, name);
  const header = readFileSync(join(COMMON_DIR, 'elf64.hex2'), 'latin1');
  const end = readFileSync(join(COMMON_DIR, 'elf64-end.hex2'), 'latin1');
  return assembleHex2(header + hex2 + '\n' + end, `${name} linked`);
}


let work: string;
let compiler: string;
let referenceCompiler: string;
let runs = 0;

/** The chain's own M0, catm and hex2, once stage 06-b0 is part of the chain. */
let chainTools: { readonly m0: string; readonly catm: string; readonly hex2: string } | undefined;

/**
 * Assembles a compiled program into an executable in the work directory and returns its path.
 * With the chain's tools, the build is theirs and must give the reference assemblers' bytes.
 */
async function buildProgram(m0Text: string, name: string): Promise<string> {
  const reference = assembleM0Program(m0Text, name);
  const executable = join(work, name.replace(/\.b0$/, ''));
  if (chainTools === undefined) {
    await writeFile(executable, reference);
  } else {
    const base = join(work, name);
    await writeFile(`${base}.M0`, m0Text);
    const steps: [string, string[]][] = [
      [chainTools.catm, [`${base}.all.M0`, join(STAGE_DIR, 'amd64.M0'), `${base}.M0`]],
      [chainTools.m0, [`${base}.all.M0`, `${base}.hex2`]],
      [chainTools.catm, [`${base}.linked.hex2`, join(COMMON_DIR, 'elf64.hex2'), `${base}.hex2`, join(COMMON_DIR, 'elf64-end.hex2')]],
      [chainTools.hex2, [`${base}.linked.hex2`, executable]],
    ];
    for (const [tool, args] of steps) await execa(tool, args, { env: {}, extendEnv: false });
    expect(new Uint8Array(await readFile(executable))).toEqual(reference);
  }
  await chmod(executable, 0o755);
  return executable;
}

interface Compilation {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly output: string | undefined;
}

async function compile(sources: readonly string[], options: { cwd?: string; outputBefore?: string } = {}): Promise<Compilation> {
  runs += 1;
  const output = join(work, `out-${runs}.M0`);
  if (options.outputBefore !== undefined) await writeFile(output, options.outputBefore);
  const result = await execa(compiler, [...sources, output], { reject: false, cwd: options.cwd ?? work, env: {}, extendEnv: false });
  const text = await readFile(output, 'latin1').catch(() => undefined);
  return { exitCode: result.exitCode, stderr: result.stderr, output: text };
}

async function writeSource(name: string, text: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-b0-'));
  const compilerSource = readFileSync(join(STAGE_DIR, 'b0.M0'), 'latin1');
  referenceCompiler = join(work, 'b0-reference');
  await writeFile(referenceCompiler, assembleM0Program(compilerSource, 'b0.M0'));
  await chmod(referenceCompiler, 0o755);
  compiler = referenceCompiler;
  if (IN_CHAIN) {
    compiler = await chainOutput('b0', 'bin/b0');
    chainTools = {
      m0: await chainOutput('M0', 'bin/M0'),
      catm: await chainOutput('catm', 'bin/catm'),
      hex2: await chainOutput('hex2', 'bin/hex2'),
    };
  }
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('b0 programs compile, assemble and run as their headers say', () => {
  const programs = readdirSync(PROGRAMS).filter((f) => f.endsWith('.b0'));

  it('has the suite of programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(10);
  });

  for (const program of programs) {
    it(program, async () => {
      const path = join(PROGRAMS, program);
      const header = readHeader(path);
      const compiled = await compile([RUNTIME, path]);
      expect(compiled.stderr).toBe('');
      expect(compiled.exitCode).toBe(0);
      const executable = await buildProgram(compiled.output ?? '', program);
      const run = await execa(executable, header.args, { reject: false, cwd: PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }
});

describe('b0 rejects bad programs with the line and what was expected', () => {
  const programs = readdirSync(REJECTED).filter((f) => f.endsWith('.b0'));

  for (const program of programs) {
    it(program, async () => {
      const firstLine = readFileSync(join(REJECTED, program), 'utf8').split('\n')[0] ?? '';
      expect(firstLine.startsWith('// error: ')).toBe(true);
      const compiled = await compile([RUNTIME, program], { cwd: REJECTED });
      expect(compiled.stderr).toBe(firstLine.slice('// error: '.length));
      expect(compiled.exitCode).toBe(1);
      expect(compiled.output).toBeUndefined();
    });
  }

  it('leaves an existing output file as it was', async () => {
    const source = await writeSource('bad.b0', 'main() { return x; }\n');
    const compiled = await compile([source], { outputBefore: 'earlier\n' });
    expect(compiled.exitCode).toBe(1);
    expect(compiled.output).toBe('earlier\n');
  });

  it('names the file and line of an error in the third of three sources', async () => {
    const one = await writeSource('one.b0', 'one() { return 1; }\n');
    const two = await writeSource('two.b0', '\ntwo() { return 2; }\n');
    const three = await writeSource('three.b0', 'main() {\n  return one() + two()\n}\n');
    const compiled = await compile([one, two, three]);
    expect(compiled.stderr).toBe(`${three}:3: expected ';', found '}'`);
  });

  it('does not let a token run from one file into the next', async () => {
    const first = await writeSource('first.b0', 'main() { return 1');
    const second = await writeSource('second.b0', '2; }');
    const compiled = await compile([first, second]);
    expect(compiled.stderr).toBe(`${second}:1: expected ';', found '2'`);
  });

  it('reports a missing source file', async () => {
    const compiled = await compile([join(work, 'no-such.b0')]);
    expect(compiled.stderr).toBe(`b0: cannot open ${join(work, 'no-such.b0')}`);
    expect(compiled.exitCode).toBe(1);
  });

  it('reports a source that opens but cannot be read (a directory)', async () => {
    const compiled = await compile([work]);
    expect(compiled.stderr).toBe(`b0: cannot read ${work}`);
    expect(compiled.exitCode).toBe(1);
  });

  it('reports an output file that cannot be created', async () => {
    const source = await writeSource('fine.b0', 'main() { return 0; }\n');
    const output = join(work, 'no-such-dir', 'out.M0');
    const result = await execa(compiler, [source, output], { reject: false, env: {}, extendEnv: false });
    expect(result.stderr).toBe(`b0: cannot create ${output}`);
    expect(result.exitCode).toBe(1);
  });

  it('reports running out of memory (address space limited to 40 MB)', async () => {
    const source = await writeSource('small.b0', 'main() { return 0; }\n');
    const result = await execa('sh', ['-c', 'ulimit -v 40000; exec "$0" "$1" "$2"', compiler, source, join(work, 'small.M0')], { reject: false });
    expect(result.stderr).toBe('b0: not enough memory (brk)');
    expect(result.exitCode).toBe(1);
  });

  it('prints its usage when given fewer than two files', async () => {
    const result = await execa(compiler, ['only.b0'], { reject: false, env: {}, extendEnv: false });
    expect(result.stderr).toBe('b0: usage: b0 SOURCE... OUTPUT');
    expect(result.exitCode).toBe(1);
  });
});

describe('b0 expressions against an evaluator written here', () => {
  // Random expression trees over four variables, printed with only the parentheses that C's
  // precedence and left-to-right grouping require, so the compiler's parser must rebuild the
  // same tree; their values are computed here with 64-bit wrapping BigInt arithmetic.
  type Tree = { readonly leaf: string; readonly value: bigint } | { readonly op: string; readonly left: Tree; readonly right?: Tree };
  const RANK: Readonly<Record<string, number>> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
    '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };
  const word = (x: bigint): bigint => BigInt.asIntN(64, x);
  const truth = (x: boolean): bigint => (x ? 1n : 0n);

  function evaluate(tree: Tree, vars: Readonly<Record<string, bigint>>): bigint {
    if ('leaf' in tree) return vars[tree.leaf] ?? tree.value;
    const a = evaluate(tree.left, vars);
    if (tree.right === undefined) {
      if (tree.op === '-') return word(-a);
      if (tree.op === '!') return truth(a === 0n);
      return word(~a);
    }
    if (tree.op === '&&') return a === 0n ? 0n : truth(evaluate(tree.right, vars) !== 0n);
    if (tree.op === '||') return a !== 0n ? 1n : truth(evaluate(tree.right, vars) !== 0n);
    const b = evaluate(tree.right, vars);
    switch (tree.op) {
      case '+': return word(a + b);
      case '-': return word(a - b);
      case '*': return word(a * b);
      case '/': return b === 0n ? 0n : word(a / b);
      case '%': return b === 0n ? 0n : word(a % b);
      case '<<': return word(a << (b & 63n));
      case '>>': return a >> (b & 63n);
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '==': return truth(a === b);
      case '!=': return truth(a !== b);
      case '<': return truth(a < b);
      case '<=': return truth(a <= b);
      case '>': return truth(a > b);
      default: return truth(a >= b);
    }
  }

  function render(tree: Tree): string {
    if ('leaf' in tree) return tree.leaf;
    if (tree.right === undefined) {
      const inner = render(tree.left);
      return 'op' in tree.left && tree.left.right !== undefined ? `${tree.op}(${inner})` : `${tree.op} ${inner}`;
    }
    const rank = RANK[tree.op] ?? 0;
    const side = (child: Tree, right: boolean): string => {
      const childRank = 'op' in child && child.right !== undefined ? (RANK[child.op] ?? 0) : 99;
      const text = render(child);
      return childRank < rank || (right && childRank === rank) ? `(${text})` : text;
    };
    return `${side(tree.left, false)} ${tree.op} ${side(tree.right, true)}`;
  }

  it('gives the values of 300 random expressions with every operator', async () => {
    const random = randomFrom(7);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const constants = [0n, 1n, 2n, 7n, 63n, 255n, 2147483647n, 2147483648n, 4294967295n, 123456789012n];
    const grow = (depth: number): Tree => {
      const r = random();
      if (depth === 0 || r < 0.2) {
        if (random() < 0.5) return { leaf: pick(['a', 'b', 'c', 'd']), value: 0n };
        const value = pick(constants);
        return { leaf: String(value), value };
      }
      if (r < 0.35) return { op: pick(['-', '!', '~']), left: grow(depth - 1) };
      const op = pick(Object.keys(RANK));
      let right = grow(depth - 1);
      // Division by zero and the overflow of the most negative number by -1 fault the processor,
      // and shift counts are taken modulo 64: keep the right operand inside what is defined.
      if (op === '/' || op === '%') {
        const divisor = pick([1n, 3n, 7n, 1000n]);
        right = { leaf: String(divisor), value: divisor };
      }
      if (op === '<<' || op === '>>') right = { op: '&', left: right, right: { leaf: '63', value: 63n } };
      return { op, left: grow(depth - 1), right };
    };
    const lines: string[] = ['main() {', '    var a, b, c, d;'];
    const expected: string[] = [];
    for (let n = 0; n < 300; n += 1) {
      const vars = { a: BigInt(Math.floor(random() * 200) - 100), b: BigInt(Math.floor(random() * 11) - 5), c: 777359695179n, d: -3823804492959351424n };
      const tree = grow(4);
      lines.push(`    a = ${vars.a}; b = ${vars.b}; c = ${vars.c}; d = ${vars.d};`);
      lines.push(`    print_number(${render(tree)}); putchar(10);`);
      expected.push(`${evaluate(tree, vars)}\n`);
    }
    lines.push('    return 0;', '}');
    const source = await writeSource('expressions.b0', lines.join('\n') + '\n');
    const compiled = await compile([RUNTIME, source]);
    expect(compiled.stderr).toBe('');
    const executable = await buildProgram(compiled.output ?? '', 'expressions.b0');
    const run = await execa(executable, [], { reject: false, env: {}, extendEnv: false, stripFinalNewline: false });
    expect(run.stdout.split('\n')).toEqual(expected.join('').split('\n'));
    expect(run.exitCode).toBe(0);
  });
});

describe('b0 on damaged programs', () => {
  // Test programs with bytes deleted, inserted and copied at random (a fixed seed, so every run
  // sees the same inputs): the compiler must either succeed with M0 that assembles, or fail
  // with status 1, one "file:line: message" line and no output file. Never crash.
  it('either compiles to M0 that assembles or reports one located error (400 inputs)', async () => {
    const random = randomFrom(20261125);
    const originals = readdirSync(PROGRAMS)
      .filter((f) => f.endsWith('.b0'))
      .map((f) => readFileSync(join(PROGRAMS, f)));
    let compiled = 0;
    for (let n = 0; n < 400; n += 1) {
      const bytes = damagedProgram(originals, random);
      const source = join(work, 'damaged.b0');
      await writeFile(source, bytes);
      const result = await compile([RUNTIME, source]);
      if (result.exitCode === 0) {
        compiled += 1;
        expect(result.stderr).toBe('');
        expect(() => assembleM0Program(result.output ?? '', 'damaged.b0')).not.toThrow();
      } else {
        expect(result.exitCode).toBe(1);
        expect(result.stderr).toMatch(/^\S+\.b0:\d+: [^\n]+$/);
        expect(result.output).toBeUndefined();
      }
    }
    expect(compiled).toBeGreaterThan(0);
  });
});

describe('b0 output', () => {
  it('is the same for the same input, and every file ends up in it in order', async () => {
    const program = join(PROGRAMS, 'recursion.b0');
    const first = await compile([RUNTIME, program]);
    const second = await compile([RUNTIME, program]);
    expect(first.output).toBeDefined();
    expect(second.output).toBe(first.output);
    const text = first.output ?? '';
    expect(text.indexOf(':f_malloc')).toBeGreaterThan(0);
    expect(text.indexOf(':f_ack')).toBeGreaterThan(text.indexOf(':f_malloc'));
  });

  it('compiles a large program quickly (2,000 functions, 14,000 lines)', async () => {
    // f0 adds; every other fi counts x down from a * i to b and, on reaching b, calls f(i-1).
    const parts: string[] = ['f0(a, b) { return a + b; }\n'];
    const expected = (i: number, a: number, b: number): number => {
      if (i === 0) return a + b;
      const x = Math.min(a * i, b);
      return x === b ? expected(i - 1, a, b - 1) + i : x;
    };
    for (let i = 1; i < 2000; i += 1) {
      parts.push(`f${i}(a, b) {\n  var x = a * ${i};\n  while (x > b) x = x - 1;\n  if (x == b) return f${i - 1}(a, b - 1) + ${i};\n  return x;\n}\n`);
      parts.push(`var g${i}[4];\n`);
    }
    parts.push('main() { return f1999(3, 700) & 255; }\n');
    const source = await writeSource('large.b0', parts.join(''));
    const started = performance.now();
    const compiled = await compile([source]);
    const milliseconds = performance.now() - started;
    expect(compiled.stderr).toBe('');
    expect(milliseconds).toBeLessThan(5000);
    const executable = await buildProgram(compiled.output ?? '', 'large.b0');
    expect((await execa(executable, [], { reject: false })).exitCode).toBe(expected(1999, 3, 700) & 255);
  });
});

describe('stage 06-b0 in the chain', () => {
  // The chain builds the compiler with its own M0, catm and hex2; the bytes must be the ones the
  // reference assemblers give. Every test above then ran the chain's compiler and tools.
  it.skipIf(!IN_CHAIN)('builds the same compiler bytes as the reference assemblers', async () => {
    expect(new Uint8Array(await readFile(compiler))).toEqual(new Uint8Array(await readFile(referenceCompiler)));
  });

  it.skipIf(!IN_CHAIN)('outputs the macros and the runtime library as they are in the stage directory', async () => {
    expect(await readFile(await chainOutput('b0', 'lib/b0/amd64.M0'), 'latin1')).toBe(MACROS);
    expect(await readFile(await chainOutput('b0', 'lib/b0/rt.b0'), 'latin1')).toBe(readFileSync(RUNTIME, 'latin1'));
  });
});
