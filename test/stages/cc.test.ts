// The C compiler cc (stage 07-cc), written in b0. The chain builds it under bubblewrap: b0 compiles
// it, it compiles itself twice, and the stage's manifest names one sha256 for both of the last two
// builds (the fixed point); the stage also runs cc's C self-test. Here cc compiles its own source
// once more and must give those bytes again; then every program of test/programs/b0 in its b0
// dialect (same output and exit status as with b0) and b0's rejected programs with b0's messages;
// then every C program of test/programs/c with the chain's C library, and the C programs that must
// be refused. Programs are linked by the chain's own M0, catm and hex2, and each build is checked
// against the reference assemblers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/digest.js';
import { assembleHex2 } from '../../src/formats/hex2.js';
import { m0ToHex2 } from '../../src/formats/m0.js';
import { loadStage } from '../../src/manifest/stage.js';
import { AMD64_CHAIN, CC_B0_SOURCES, DISTFILES, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { readHeader } from '../programs/program-header.js';
import { randomPrograms } from '../programs/random-c.js';

const STAGE_DIR = join(AMD64_CHAIN, '07-cc');
const B0_DIR = join(AMD64_CHAIN, '06-b0');
const COMMON_DIR = join(AMD64_CHAIN, 'common');
const B0_PROGRAMS = join(REPO, 'test', 'programs', 'b0');
const B0_REJECTED = join(B0_PROGRAMS, 'reject');
const C_PROGRAMS = join(REPO, 'test', 'programs', 'c');
const C_REJECTED = join(C_PROGRAMS, 'reject');
const RUNTIME = join(B0_DIR, 'rt.b0');
const MACROS = join(B0_DIR, 'amd64.M0');
/** The instructions cc's C code uses beyond b0's, assembled after them. */
const CC_MACROS = join(STAGE_DIR, 'cc.M0');
/** cc's own source, in the order the stage compiles it (b0's runtime library first). */
const CC_SOURCES = [RUNTIME, ...CC_B0_SOURCES];


let work: string;
let cc: string;
let tools: { readonly m0: string; readonly catm: string; readonly hex2: string };
/** The C library and its headers as the stage outputs them. */
let libc: { readonly source: string; readonly include: string };
let runs = 0;

/** M0 text (after the macros) → an executable's bytes, by the reference assemblers. */
function referenceBuild(m0Text: string, name: string): Uint8Array {
  const hex2 = m0ToHex2(readFileSync(MACROS, 'latin1') + readFileSync(CC_MACROS, 'latin1') + m0Text, name);
  const header = readFileSync(join(COMMON_DIR, 'elf64.hex2'), 'latin1');
  const end = readFileSync(join(COMMON_DIR, 'elf64-end.hex2'), 'latin1');
  return assembleHex2(header + hex2 + '\n' + end, `${name} linked`);
}

/** Links cc's output with the chain's catm, M0 and hex2, as the stage does; checks the bytes. */
async function link(m0Path: string, executable: string): Promise<string> {
  const steps: [string, string[]][] = [
    [tools.catm, [`${m0Path}.all`, MACROS, CC_MACROS, m0Path]],
    [tools.m0, [`${m0Path}.all`, `${m0Path}.hex2`]],
    [tools.catm, [`${m0Path}.linked`, join(COMMON_DIR, 'elf64.hex2'), `${m0Path}.hex2`, join(COMMON_DIR, 'elf64-end.hex2')]],
    [tools.hex2, [`${m0Path}.linked`, executable]],
  ];
  for (const [tool, args] of steps) await execa(tool, args, { env: {}, extendEnv: false });
  expect(new Uint8Array(await readFile(executable))).toEqual(referenceBuild(await readFile(m0Path, 'latin1'), m0Path));
  await chmod(executable, 0o755);
  return executable;
}

interface Compilation {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  readonly output: string | undefined;
}

async function compile(args: readonly string[], cwd = work): Promise<Compilation> {
  runs += 1;
  const output = join(work, `out-${runs}.M0`);
  const result = await execa(cc, [...args, output], { reject: false, cwd, env: {}, extendEnv: false });
  const exists = await readFile(output, 'latin1').then(() => true, () => false);
  return { exitCode: result.exitCode, stderr: result.stderr, output: exists ? output : undefined };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-cc-'));
  cc = await chainOutput('cc', 'bin/cc');
  tools = {
    m0: await chainOutput('M0', 'bin/M0'),
    catm: await chainOutput('catm', 'bin/catm'),
    hex2: await chainOutput('hex2', 'bin/hex2'),
  };
  const include = join(work, 'include');
  await mkdir(join(include, 'sys'), { recursive: true });
  const headers = readdirSync(join(STAGE_DIR, 'libc', 'include'), { recursive: true }).map(String).filter((f) => f.endsWith('.h'));
  for (const header of headers) {
    await copyFile(await chainOutput('cc', `lib/cc/include/${header}`), join(include, header));
  }
  libc = { source: await chainOutput('cc', 'lib/cc/libc.c'), include };
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('cc reaches its fixed point', () => {
  it('the stage declares one sha256 for cc compiled by cc-0 and by itself, and the chain built that', async () => {
    const stage = await loadStage(join(STAGE_DIR, 'stage.yaml'), AMD64_CHAIN);
    const hashes = stage.outputs.filter((o) => o.path === 'bin/cc' || o.path === 'bin/cc-1').map((o) => o.sha256);
    expect(hashes).toHaveLength(2);
    expect(hashes[1]).toBe(hashes[0]);
    expect(await sha256File(cc)).toBe(hashes[0]);
    expect(await readFile(await chainOutput('cc', 'bin/cc-1'))).toEqual(await readFile(cc));
  });

  it('compiles its own source to itself once more', async () => {
    const compiled = await compile(['--b0', ...CC_SOURCES]);
    expect(compiled.stderr).toBe('');
    const again = await link(compiled.output ?? '', join(work, 'cc-again'));
    expect(await readFile(again)).toEqual(await readFile(cc));
  });
});

describe('b0 programs compiled by cc --b0 give the results their headers state', () => {
  const programs = readdirSync(B0_PROGRAMS).filter((f) => f.endsWith('.b0'));

  it('has the b0 suite', () => {
    expect(programs.length).toBeGreaterThanOrEqual(10);
  });

  for (const program of programs) {
    it(program, async () => {
      const path = join(B0_PROGRAMS, program);
      const header = readHeader(path);
      const compiled = await compile(['--b0', RUNTIME, path]);
      expect(compiled.stderr).toBe('');
      expect(compiled.exitCode).toBe(0);
      const executable = await link(compiled.output ?? '', join(work, program.replace(/\.b0$/, '')));
      const run = await execa(executable, header.args, { reject: false, cwd: B0_PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  it('chooses the b0 dialect by the .b0 extension without --b0', async () => {
    const compiled = await compile([RUNTIME, join(B0_PROGRAMS, 'recursion.b0')]);
    expect(compiled.stderr).toBe('');
    const run = await execa(await link(compiled.output ?? '', join(work, 'by-extension')), [], { reject: false });
    expect(run.exitCode).toBe(readHeader(join(B0_PROGRAMS, 'recursion.b0')).exitCode);
  });
});

describe('cc --b0 rejects what b0 rejects, with the same message and no output', () => {
  for (const program of readdirSync(B0_REJECTED).filter((f) => f.endsWith('.b0'))) {
    it(program, async () => {
      const firstLine = readFileSync(join(B0_REJECTED, program), 'utf8').split('\n')[0] ?? '';
      const compiled = await compile(['--b0', RUNTIME, program], B0_REJECTED);
      expect(compiled.stderr).toBe(firstLine.slice('// error: '.length));
      expect(compiled.exitCode).toBe(1);
      expect(compiled.output).toBeUndefined();
    });
  }

  it('prints its usage when given fewer than two files', async () => {
    const result = await execa(cc, ['--b0', 'only.b0'], { reject: false, env: {}, extendEnv: false });
    expect(result.stderr).toBe('cc: usage: cc [--target amd64|aarch64] [--b0] [-I DIR]... [-D NAME[=VALUE]]... [--library SOURCE]... SOURCE... OUTPUT');
    expect(result.exitCode).toBe(1);
  });

  it('reports a missing source', async () => {
    const missing = join(work, 'no-such.b0');
    const compiled = await compile([missing]);
    expect(compiled.stderr).toBe(`cc: cannot open ${missing}`);
    expect(compiled.exitCode).toBe(1);
  });

  it('names the file and line of an error in the second of two sources', async () => {
    const one = join(work, 'one.b0');
    const two = join(work, 'two.b0');
    await writeFile(one, 'main() { return 1');
    await writeFile(two, '\n2; }');
    const compiled = await compile([one, two]);
    expect(compiled.stderr).toBe(`${two}:2: expected ';', found '2'`);
  });
});

describe('C programs compiled by cc with its C library give the results their headers state', () => {
  const programs = readdirSync(C_PROGRAMS).filter((f) => f.endsWith('.c'));

  it('has a program for each part of the language and the library', () => {
    expect(programs.length).toBeGreaterThanOrEqual(10);
  });

  it('outputs the C library, its headers and cc.M0 as they are in the stage directory', async () => {
    // The library is its files joined in build.kaem's order (test/stages/libc.test.ts checks the order).
    const script = readFileSync(join(STAGE_DIR, 'build.kaem'), 'latin1').split('\n').find((l) => l.startsWith('bin/catm lib/cc/libc.c ')) ?? '';
    const pieces = script.split(' ').slice(2).map((p) => readFileSync(join(STAGE_DIR, 'libc', p.replace('src/cc/libc/', '')), 'latin1'));
    expect(await readFile(libc.source, 'latin1')).toBe(pieces.join(''));
    expect(await readFile(join(libc.include, 'stdio.h'), 'latin1')).toBe(readFileSync(join(STAGE_DIR, 'libc', 'include', 'stdio.h'), 'latin1'));
    expect(await readFile(await chainOutput('cc', 'lib/cc/cc.M0'), 'latin1')).toBe(readFileSync(CC_MACROS, 'latin1'));
  });

  for (const program of programs) {
    it(program, async () => {
      const path = join(C_PROGRAMS, program);
      const header = readHeader(path);
      const compiled = await compile(['-I', libc.include, '-I', join(C_PROGRAMS, 'include'), libc.source, program], C_PROGRAMS);
      expect(compiled.stderr).toBe('');
      expect(compiled.exitCode).toBe(0);
      const executable = await link(compiled.output ?? '', join(work, program.replace(/\.c$/, '')));
      const run = await execa(executable, header.args, { reject: false, cwd: C_PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }
});

describe('cc refuses C it does not compile, naming the file, the line and why, and writes nothing', () => {
  for (const program of readdirSync(C_REJECTED).filter((f) => f.endsWith('.c'))) {
    it(program, async () => {
      const firstLine = readFileSync(join(C_REJECTED, program), 'utf8').split('\n')[0] ?? '';
      expect(firstLine.startsWith('// error: ')).toBe(true);
      const compiled = await compile([program], C_REJECTED);
      expect(compiled.stderr).toBe(firstLine.slice('// error: '.length));
      expect(compiled.exitCode).toBe(1);
      expect(compiled.output).toBeUndefined();
    });
  }

  it('defines the macros of -D options in every C translation unit', async () => {
    const one = join(work, 'defined-one.c');
    const two = join(work, 'defined-two.c');
    await writeFile(one, 'int first(void) { return LEVEL + FLAG; }\n');
    await writeFile(two, '#ifndef FLAG\n#error FLAG missing\n#endif\nint first(void);\nint main(void) { return first() * 10 + LEVEL; }\n');
    const compiled = await compile(['-D', 'LEVEL=4', '-DFLAG', one, two]);
    expect(compiled.stderr).toBe('');
    const run = await execa(await link(compiled.output ?? '', join(work, 'defined')), [], { reject: false });
    expect(run.exitCode).toBe(54);
  });

  it('finds #include_next in the -I directories after the including header', async () => {
    const first = join(work, 'include-first');
    const second = join(work, 'include-second');
    await mkdir(first);
    await mkdir(second);
    await writeFile(join(first, 'wrap.h'), '#define FROM_FIRST 1\n#include_next <wrap.h>\n');
    await writeFile(join(second, 'wrap.h'), '#define FROM_SECOND 2\n');
    const source = join(work, 'wrapped.c');
    await writeFile(source, '#include <wrap.h>\nint main(void) { return FROM_FIRST * 10 + FROM_SECOND; }\n');
    const compiled = await compile(['-I', first, '-I', second, source]);
    expect(compiled.stderr).toBe('');
    const run = await execa(await link(compiled.output ?? '', join(work, 'wrapped')), [], { reject: false });
    expect(run.exitCode).toBe(12);
  });

  it('gives a C main its environment (envp, and environ for getenv)', async () => {
    const source = join(work, 'environment.c');
    await writeFile(source, '#include <stdio.h>\n#include <stdlib.h>\nint main(int argc, char **argv, char **envp) {\n    printf("%s|%s|%d|%s", getenv("GREETING"), envp[0], argc, argv[1]);\n    return envp[1] != NULL;\n}\n');
    const compiled = await compile(['-I', libc.include, libc.source, source]);
    expect(compiled.stderr).toBe('');
    const run = await execa(await link(compiled.output ?? '', join(work, 'environment')), ['one'], { env: { GREETING: 'hi' }, extendEnv: false, reject: false });
    expect(run.stdout).toBe('hi|GREETING=hi|2|one');
    expect(run.exitCode).toBe(0);
  });

  it('takes __DATE__ and __TIME__ from SOURCE_DATE_EPOCH, and refuses one that is not a number', async () => {
    const source = join(work, 'date.c');
    await writeFile(source, 'char *when = __DATE__ "|" __TIME__;\nint main(void) { return 0; }\n');
    const at = async (epoch: string): Promise<Compilation & { text: string }> => {
      runs += 1;
      const output = join(work, `date-${runs}.M0`);
      const result = await execa(cc, [source, output], { reject: false, env: { SOURCE_DATE_EPOCH: epoch }, extendEnv: false });
      const text = await readFile(output, 'latin1').catch(() => '');
      return { exitCode: result.exitCode, stderr: result.stderr, output: text === '' ? undefined : output, text };
    };
    // The string's bytes in the output, as hex.
    const hex = (text: string): string => Buffer.from(text, 'latin1').toString('hex').toUpperCase();
    expect((await at('1700000000')).text).toContain(hex('Nov 14 2023|22:13:20'));
    expect((await at('951782400')).text).toContain(hex('Feb 29 2000|00:00:00'));
    expect((await at('4102444799')).text).toContain(hex('Dec 31 2099|23:59:59'));
    const bad = await at('12x');
    expect(bad.stderr).toBe('cc: SOURCE_DATE_EPOCH is not a number of seconds: 12x');
    expect(bad.exitCode).toBe(1);
    expect(bad.output).toBeUndefined();
  });

  it("links a --library source as a static library: the program's own strcpy wins, and only what it reaches is kept", async () => {
    const source = join(work, 'own-strcpy.c');
    await writeFile(source, [
      '#include <stdio.h>',
      '#include <string.h>',
      'char *strcpy(char *to, const char *from) { char *r = to; while ((*to++ = *from++) != 0) {} to[-1] = \'!\'; *to = 0; return r; }',
      'int main(void) { char b[16]; strcpy(b, "mine"); printf("%s %d\\n", b, (int)strlen(b)); return 0; }',
      '',
    ].join('\n'));
    // Without --library the C library is a source like any other: two definitions.
    const plain = await compile(['-I', libc.include, libc.source, source]);
    expect(plain.stderr).toBe(`${source}:3: already defined: 'strcpy'`);
    expect(plain.exitCode).toBe(1);
    for (const order of [['--library', libc.source, source], [source, '--library', libc.source]]) {
      const compiled = await compile(['-I', libc.include, ...order]);
      expect(compiled.stderr).toBe('');
      const text = await readFile(compiled.output ?? '', 'latin1');
      // One strcpy (the program's), and none of the library's functions the program never reaches.
      expect(text.split('\n').filter((line) => line === ':f_strcpy')).toHaveLength(1);
      expect(text).toContain(':f_printf\n');
      expect(text).not.toContain(':f_fopen\n');
      const run = await execa(await link(compiled.output ?? '', join(work, 'own-strcpy')), [], { reject: false });
      expect(run.stdout).toBe('mine! 5');
    }
    // A program that uses little of the library is much smaller linked this way.
    const hello = join(work, 'hello-library.c');
    await writeFile(hello, '#include <stdio.h>\nint main(void) { puts("hello"); return 3; }\n');
    const small = await compile(['-I', libc.include, '--library', libc.source, hello]);
    const large = await compile(['-I', libc.include, libc.source, hello]);
    expect((await readFile(small.output ?? '')).length).toBeLessThan((await readFile(large.output ?? '')).length / 2);
    const run = await execa(await link(small.output ?? '', join(work, 'hello-library')), [], { reject: false });
    expect(run.stdout).toBe('hello');
    expect(run.exitCode).toBe(3);
  });

  it('compiles C and b0 in one program: a C main calls a b0 function', async () => {
    const source = join(work, 'mixed.c');
    const helper = join(work, 'helper.b0');
    await writeFile(helper, 'triple(x) { return 3 * x; }\n');
    await writeFile(source, 'long triple(long x);\nint main(void) { return triple(14); }\n');
    const compiled = await compile([helper, source]);
    expect(compiled.stderr).toBe('');
    const run = await execa(await link(compiled.output ?? '', join(work, 'mixed')), [], { reject: false });
    expect(run.exitCode).toBe(42);
  });
});

describe('mescc-tools 1.4.0 (upstream C) compiled by cc', () => {
  // Its release tarball, unpacked by the chain (stage mescc-tools-tar), with the M2libc it pins
  // (its bootstrappable.c: require, match, in_set, ...) from the offline distfiles. The M1 and
  // hex2 that cc builds must turn cc's own M0 into cc's bytes, as the chain's M0 and hex2 do.
  const m2libc = DISTFILES.map((dir) => join(dir, 'M2libc-for-mescc-tools-1.4.0.tar.gz')).find((file) => existsSync(file));

  it.skipIf(m2libc === undefined)('builds M1 and hex2, which assemble and link cc itself to the same bytes, and kaem', async () => {
    const tarball = await chainOutput('mescc-tools-tar', 'src/mescc-tools-1.4.0.tar');
    await execa('tar', ['-xf', tarball, '-C', work]);
    const tree = join(work, 'mescc-tools-Release_1.4.0');
    await execa('tar', ['-xzf', m2libc ?? '', '-C', join(tree, 'M2libc')]);
    const build = async (name: string, sources: string[]): Promise<string> => {
      const compiled = await compile(['-I', libc.include, libc.source, 'M2libc/bootstrappable.c', ...sources], tree);
      expect(compiled.stderr).toBe('');
      return link(compiled.output ?? '', join(work, name));
    };
    const m1 = await build('M1', ['M1-macro.c', 'stringify.c']);
    const hex2 = await build('hex2', ['hex2.c', 'hex2_linker.c', 'hex2_word.c']);
    const own = await compile(['--b0', ...CC_SOURCES]);
    const all = join(work, 'cc-all.M1');
    await writeFile(all, readFileSync(MACROS, 'latin1') + readFileSync(CC_MACROS, 'latin1') + (await readFile(own.output ?? '', 'latin1')));
    const options = ['--little-endian', '--architecture', 'amd64'];
    await execa(m1, ['-f', all, ...options, '-o', join(work, 'cc-all.hex2')], { env: {}, extendEnv: false });
    const linked = join(work, 'cc-linked.hex2');
    await writeFile(linked, readFileSync(join(COMMON_DIR, 'elf64.hex2'), 'latin1') + (await readFile(join(work, 'cc-all.hex2'), 'latin1')) + readFileSync(join(COMMON_DIR, 'elf64-end.hex2'), 'latin1'));
    await execa(hex2, ['-f', linked, ...options, '--base-address', '0x600000', '-o', join(work, 'cc-by-mescc-tools')], { env: {}, extendEnv: false });
    expect(await readFile(join(work, 'cc-by-mescc-tools'))).toEqual(await readFile(cc));
    // And kaem, which forks, execs (passing main's envp on) and expands variables.
    const kaem = await build('kaem', ['Kaem/kaem.c', 'Kaem/variable.c', 'Kaem/kaem_globals.c']);
    const script = join(work, 'script.kaem');
    await writeFile(script, `NAME=world\necho hello \${NAME}\n${hex2} --version\n`);
    const run = await execa(kaem, ['--strict', '-f', script], { env: { PATH: '/usr/bin:/bin' }, extendEnv: false, reject: false });
    // kaem's own output is buffered until it exits; the child's comes first.
    expect(run.stdout.split('\n').sort()).toEqual(['hello world', 'hex2 1.4.0']);
    expect(run.exitCode).toBe(0);
  }, 120_000);
});

describe('integer arithmetic compiled by cc agrees with the host C compiler', () => {
  // Random expressions over variables of every integer type (casts, every operator, compound
  // assignments, ++ and --), printed as longs; divisions never by 0 or -1, shifts by 0 to 15,
  // and the host compiler told that signed overflow wraps (-fwrapv), so C defines every value.
  const hostCompiler = ['/usr/bin/gcc', '/usr/bin/cc'].find((path) => existsSync(path));
  const TYPES = ['char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned', 'long', 'unsigned long'];
  const VALUES = ['0', '1', '-1', '7', '-7', '127', '128', '255', '256', '32767', '-32768', '65535', '2147483647', '(-2147483647 - 1)', '4294967295', '-987654321'];

  /** A small deterministic generator (a linear congruential one), so a failure can be replayed. */
  function randomSource(seed: number): (n: number) => number {
    let state = seed;
    return (n) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
  }

  function program(seed: number): string {
    const next = randomSource(seed);
    const pick = <T>(items: readonly T[]): T => items[next(items.length)]!;
    const names = TYPES.map((_, i) => `v${i}`);
    const expression = (depth: number): string => {
      if (depth === 0 || next(4) === 0) return next(3) === 0 ? pick(['3', '31', '1000', '65536', '4294967295u', '10L', '-3']) : pick(names);
      const a = expression(depth - 1);
      const b = expression(depth - 1);
      switch (next(12)) {
        case 0: return `((${a}) ${pick(['/', '%'])} ${pick(['nonzero', 'nonzero_int', 'nonzero_unsigned'])}(${b}))`;
        case 1: return `((${a}) ${pick(['<<', '>>'])} ((${b}) & 15))`;
        case 2: return `((${pick(TYPES)})(${a}))`;
        case 3: return `(${pick(['-', '!', '~'])}(${a}))`;
        case 4: return `((${a}) ? (${b}) : (${expression(depth - 1)}))`;
        default: return `((${a}) ${pick(['+', '-', '*', '&', '|', '^', '<', '>', '<=', '>=', '==', '!=', '&&', '||'])} (${b}))`;
      }
    };
    const lines = [
      '#include <stdio.h>',
      'long nonzero(long x) { return x == 0 || x == -1 ? 3 : x; }',
      'int nonzero_int(int x) { return x == 0 || x == -1 ? 3 : x; }',
      'unsigned nonzero_unsigned(unsigned x) { return x == 0 ? 3 : x; }',
      'int main(void) {',
      ...TYPES.map((type, i) => `    ${type} v${i} = ${pick(VALUES)};`),
    ];
    for (let i = 0; i < 30; i += 1) {
      lines.push(`    printf("%ld\\n", (long)(${expression(4)}));`);
      const target = pick(names);
      lines.push(`    ${target} ${pick(['+=', '-=', '*=', '&=', '|=', '^='])} ${expression(2)};`);
      lines.push(`    ${target}++; printf("%ld %ld\\n", (long)${target}--, (long)--${target});`);
    }
    lines.push('    return 0;', '}');
    return lines.join('\n') + '\n';
  }

  it.skipIf(hostCompiler === undefined)('gives the same output for 12 random programs', async () => {
    for (let seed = 1; seed <= 12; seed += 1) {
      const source = join(work, `random-${seed}.c`);
      await writeFile(source, program(seed));
      const compiled = await compile(['-I', libc.include, libc.source, source]);
      expect(compiled.stderr).toBe('');
      const ours = await execa(await link(compiled.output ?? '', join(work, `random-${seed}`)), [], { reject: false });
      await execa(hostCompiler ?? '', ['-w', '-fwrapv', '-o', join(work, `random-${seed}-host`), source]);
      const theirs = await execa(join(work, `random-${seed}-host`), [], { reject: false });
      expect({ seed, output: ours.stdout }).toEqual({ seed, output: theirs.stdout });
    }
  }, 120_000);
});

describe('integer and floating point arithmetic compiled by cc agrees with the host C compiler', () => {
  // Random programs (test/programs/random-c.ts) over every integer type, float and double:
  // expressions, casts, conversions both ways, compound assignments, ++ and --, and globals
  // whose initializers cc folds at compile time; floating constants written many ways (long
  // digit strings, subnormals, hexadecimal). 25 programs share a file (each a function main
  // calls), so that the C library is compiled once per 25. `make fuzz` runs thousands.
  const hostCompiler = ['/usr/bin/gcc', '/usr/bin/cc'].find((path) => existsSync(path));
  const count = Number(process.env.KINDLING_FUZZ_PROGRAMS ?? 300);
  const first = Number(process.env.KINDLING_FUZZ_SEED ?? 1);
  const perFile = 25;

  it.skipIf(hostCompiler === undefined)(`gives the same output for ${count} random programs from seed ${first}`, async () => {
    for (let start = first; start < first + count; start += perFile) {
      const seeds = Array.from({ length: Math.min(perFile, first + count - start) }, (_, i) => start + i);
      const source = join(work, `float-${start}.c`);
      await writeFile(source, randomPrograms(seeds));
      const compiled = await compile(['-I', libc.include, libc.source, source]);
      expect(compiled.stderr).toBe('');
      const ours = await execa(await link(compiled.output ?? '', join(work, `float-${start}`)), [], { reject: false });
      await execa(hostCompiler ?? '', ['-w', '-fwrapv', '-O0', '-o', join(work, `float-${start}-host`), source]);
      const theirs = await execa(join(work, `float-${start}-host`), [], { reject: false });
      // On a difference, the seeds of the file say which programs to replay.
      expect({ seeds: `${seeds[0]}..${seeds.at(-1)}`, output: ours.stdout }).toEqual({ seeds: `${seeds[0]}..${seeds.at(-1)}`, output: theirs.stdout });
      expect(ours.exitCode).toBe(0);
    }
  }, Math.max(600_000, count * 2_000));
});

describe('GNU Mes 0.24.2 (upstream C, with its own C library) compiled by cc', () => {
  // From the offline distfile: Mes's src/*.c and its C library for mescc (whose system calls and
  // _start are asm lines naming Mes's x86_64.M1 macros), linked with those macros. One line of
  // crt1.c is patched: it calls main() without the arguments main's prototype declares, which
  // cc refuses; the call goes through a pointer to a function without a prototype instead.
  const tarball = DISTFILES.map((dir) => join(dir, 'mes-0.24.2.tar.gz')).find((file) => existsSync(file));
  const mescc = 'lib/linux/x86_64-mes-mescc';
  const LIBRARY = [
    'lib/mes/eputs.c', 'lib/mes/oputs.c', 'lib/mes/globals.c', 'lib/stdlib/exit.c', `${mescc}/_exit.c`, `${mescc}/_write.c`,
    'lib/stdlib/puts.c', 'lib/string/strlen.c', 'lib/ctype/isnumber.c', 'lib/mes/abtol.c', 'lib/mes/cast.c', 'lib/mes/eputc.c',
    'lib/mes/fdgetc.c', 'lib/mes/fdputc.c', 'lib/mes/fdputs.c', 'lib/mes/fdungetc.c', 'lib/mes/itoa.c', 'lib/mes/ltoa.c',
    'lib/mes/ltoab.c', 'lib/mes/mes_open.c', 'lib/mes/ntoab.c', 'lib/mes/oputc.c', 'lib/mes/ultoa.c', 'lib/mes/utoa.c',
    'lib/ctype/isdigit.c', 'lib/ctype/isspace.c', 'lib/ctype/isxdigit.c', 'lib/mes/assert_msg.c', 'lib/posix/write.c',
    'lib/stdlib/atoi.c', 'lib/linux/lseek.c', 'lib/mes/__assert_fail.c', 'lib/mes/__buffered_read.c', 'lib/mes/__mes_debug.c',
    'lib/posix/execv.c', 'lib/posix/getcwd.c', 'lib/posix/getenv.c', 'lib/posix/isatty.c', 'lib/posix/open.c',
    'lib/posix/buffered-read.c', 'lib/posix/setenv.c', 'lib/posix/wait.c', 'lib/stdio/fgetc.c', 'lib/stdio/fputc.c',
    'lib/stdio/fputs.c', 'lib/stdio/getc.c', 'lib/stdio/getchar.c', 'lib/stdio/putc.c', 'lib/stdio/putchar.c',
    'lib/stdio/ungetc.c', 'lib/stdlib/free.c', 'lib/stdlib/realloc.c', 'lib/string/memchr.c', 'lib/string/memcmp.c',
    'lib/string/memcpy.c', 'lib/string/memmove.c', 'lib/string/memset.c', 'lib/string/strcmp.c', 'lib/string/strcpy.c',
    'lib/string/strncmp.c', 'lib/posix/raise.c', 'lib/linux/access.c', 'lib/linux/brk.c', 'lib/linux/chmod.c',
    'lib/linux/clock_gettime.c', 'lib/linux/dup.c', 'lib/linux/dup2.c', 'lib/linux/execve.c', 'lib/linux/fork.c',
    'lib/linux/fsync.c', 'lib/linux/_getcwd.c', 'lib/linux/gettimeofday.c', 'lib/linux/ioctl3.c', 'lib/linux/_open3.c',
    'lib/linux/malloc.c', 'lib/linux/_read.c', 'lib/linux/time.c', 'lib/linux/unlink.c', 'lib/linux/waitpid.c',
    `${mescc}/syscall.c`, 'lib/linux/getpid.c', 'lib/linux/kill.c', `${mescc}/syscall-internal.c`,
  ];
  const PROGRAM = ['builtins', 'cc', 'core', 'display', 'eval-apply', 'gc', 'globals', 'hash', 'lib', 'math', 'mes', 'module',
    'posix', 'reader', 'stack', 'string', 'struct', 'symbol', 'vector'].map((name) => `src/${name}.c`);

  it.skipIf(tarball === undefined)('builds mes, which runs Scheme and passes its base test', async () => {
    await execa('tar', ['-xzf', tarball ?? '', '-C', work]);
    const tree = join(work, 'mes-0.24.2');
    const crt1 = join(tree, mescc, 'crt1.c');
    const original = await readFile(crt1, 'latin1');
    expect(original).toContain('\n  main ();\n');
    await writeFile(crt1, original.replace('\n  main ();\n', '\n  ((int (*) ()) main) ();\n'));
    await writeFile(join(tree, 'include', 'mes', 'config.h'), '');
    await mkdir(join(tree, 'include', 'arch'));
    for (const header of ['kernel-stat.h', 'syscall.h']) {
      await copyFile(join(tree, 'include', 'linux', 'x86_64', header), join(tree, 'include', 'arch', header));
    }
    const defines = ['-D', 'HAVE_CONFIG_H=1', '-D', 'MES_VERSION="0.24.2"', '-D', 'MES_PKGDATADIR="/mes"'];
    const compiled = await compile([...defines, '-I', 'include', '-I', 'include/linux/x86_64', `${mescc}/crt1.c`, ...LIBRARY, ...PROGRAM], tree);
    expect(compiled.stderr).toBe('');
    const m0 = join(work, 'mes.M0');
    await writeFile(m0, readFileSync(join(tree, 'lib', 'x86_64-mes', 'x86_64.M1'), 'latin1') + (await readFile(compiled.output ?? '', 'latin1')));
    const mes = await link(m0, join(work, 'mes'));
    const environment = { MES_PREFIX: tree, GUILE_LOAD_PATH: tree, MES_BOOT: 'boot-01.scm' };
    const hello = await execa(mes, [], { input: '(display "hello from mes")', env: environment, extendEnv: false, cwd: tree, reject: false });
    expect(hello.stdout).toBe('hello from mes');
    const base = await execa('sh', ['tests/base.test'], { env: { ...environment, MES: mes, MES_BOOT: 'boot-03.scm', PATH: '/usr/bin:/bin' }, extendEnv: false, cwd: tree, reject: false });
    expect(base.stdout).toMatch(/passed: 38\nfailed: 0\n/);
  }, 300_000);
});
