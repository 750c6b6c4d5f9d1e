// cc's aarch64 code generator (cc --target aarch64, stages/amd64/07-cc/gen-aarch64.b0): the amd64
// chain's cc compiles every program of test/programs/b0 for AArch64 with the aarch64 runtime
// library; the aarch64 chain's catm, M0 and hex2 build it with the aarch64 b0's macros and
// cc-aarch64.M0, and it must print and exit as its header says (under qemu-user on an x86-64
// host). Random expressions built for both targets must print the same numbers; every macro of
// cc-aarch64.M0 must be the words GNU as makes of the instructions its comment names.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFrom } from '../programs/damage-bytes.js';
import { readHeader } from '../programs/program-header.js';
import { randomExpressionsProgram } from '../programs/random-b0.js';
import { randomPrograms } from '../programs/random-c.js';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { linkM0, type M0Linker } from '../support/link-m0.js';

const PROGRAMS = join(REPO, 'test', 'programs', 'b0');
const C_PROGRAMS = join(REPO, 'test', 'programs', 'c');
const LIBC_PROGRAMS = join(C_PROGRAMS, 'libc');
const CC_DIR = join(REPO, 'stages', 'amd64', '07-cc');
const CC_AARCH64_MACROS = join(CC_DIR, 'cc-aarch64.M0');

// C programs run without the C library (whose system calls are still x86-64's): this printf does
// what the programs below need, with one write system call, the number chosen by __aarch64__.
const MINI_PRINTF = `/* printf of %ld %lu %lx %x %d %u %s %c and text, written with one system call per call. */
#ifdef __aarch64__
#define SYS_WRITE 64
#else
#define SYS_WRITE 1
#endif
void *memcpy(void *to, const void *from, unsigned long n) {
    char *a = to;
    const char *b = from;
    while (n--) *a++ = *b++;
    return to;
}
static char buffer[256];
static int used;
static void put(char c) { buffer[used++] = c; }
static void number(unsigned long u, int base, int negative) {
    char digits[24];
    int n = 0;
    if (negative) { put('-'); u = -u; }
    do { digits[n++] = "0123456789abcdef"[u % base]; u /= base; } while (u);
    while (n) put(digits[--n]);
}
int printf(const char *f, ...) {
    long *argument = (long *)&f + 1;
    used = 0;
    while (*f) {
        if (*f != '%') { put(*f++); continue; }
        f++;
        int longer = 0;
        while (*f == 'l') { longer = 1; f++; }
        long v = *argument++;
        if (*f == 'd') number(longer ? v : (int)v, 10, (longer ? v : (int)v) < 0);
        else if (*f == 'u') number(longer ? v : (unsigned)v, 10, 0);
        else if (*f == 'x') number(longer ? v : (unsigned)v, 16, 0);
        else if (*f == 'c') put(v);
        else if (*f == 's') { char *s = (char *)v; while (*s) put(*s++); }
        f++;
    }
    char *start = buffer;
    long length = used;
    __syscall(SYS_WRITE, 1, start, length);
    return used;
}
`;

// Every kind of C value and statement the code generator treats apart: narrow signed and unsigned
// types, bit-fields, floating arithmetic, comparisons and conversions (both ways, unsigned long
// too), a variable-length array, a struct returned by value, variadic arguments, pointers to
// functions, a switch that falls through, signed division and shifts.
const C_PROGRAM = `#include <stdio.h>
#include <string.h>
struct point { int x; short y; char c; };
struct bits { unsigned a : 3; int b : 5; unsigned long c : 40; };
struct big { long a, b, c; };
struct big make(long x) { struct big r; r.a = x; r.b = x * 2; r.c = x * 3; return r; }
long sum(int n, ...) { long *p = (long *)&n + 1; long s = 0; while (n--) s += *p++; return s; }
int apply(int (*f)(int), int v) { return f(v); }
int twice(int v) { return 2 * v; }
int g = 5; char text[] = "hello";
int main(void) {
    struct point p = { -3, 300, 'z' };
    struct bits b; b.a = 13; b.b = -7; b.c = 0x123456789UL;
    unsigned char uc = 250; signed char sc = -100; unsigned short us = 65535; short ss = -30000; unsigned u = 4000000000u;
    double d = 1.5, e = -2.25; float f = 3.25f;
    int n = 7; int vla[n]; long i;
    for (i = 0; i < n; i++) vla[i] = i * i;
    printf("%d %d %c %d %d %lu\\n", p.x, p.y, p.c, b.a, b.b, b.c);
    printf("%d %d %d %d %u %ld\\n", uc + 10, sc - 100, us + 1, ss - 10000, u + 1000000000u, (long)u * 3);
    printf("%ld %ld %ld %ld\\n", (long)(d * e * 1000), (long)(f / 2 * 1000), (long)(d < e), (long)(e <= d));
    printf("%lu %ld\\n", (unsigned long)(d * 1e19), (long)((double)(unsigned long)-1 / 1e10));
    printf("%d %ld %d %d\\n", vla[6], sizeof vla, apply(twice, 21), g);
    struct big s = make(7);
    printf("%ld %ld %ld %ld\\n", s.a, s.b, s.c, sum(3, 10L, 20L, 30L));
    switch (n) { case 1: printf("one\\n"); break; case 7: printf("seven\\n"); default: printf("fall\\n"); }
    printf("%s %ld %ld %ld\\n", text, -7L / 2, -7L % 2, 7UL >> 1);
    printf("%lx %lx\\n", (unsigned long)-1 >> 4, (unsigned long)(-16L >> 2));
    return 0;
}
`;

interface Linker extends M0Linker {
  readonly runtime: string;
}

let cc: string;
let libc: string;
let arm: Linker;
let amd64: Linker;
let work: string;
let made = 0;

/** cc on the arguments (in directory cwd if given); the output file's path is added last. */
async function compile(args: readonly string[], cwd?: string): Promise<{ exitCode: number | undefined; stderr: string; output: string }> {
  made += 1;
  const output = join(work, `out-${made}.M0`);
  const run = await execa(cc, [...args, output], { reject: false, env: {}, extendEnv: false, ...(cwd === undefined ? {} : { cwd }) });
  return { exitCode: run.exitCode, stderr: run.stderr, output };
}


describe.skipIf(!CAN_RUN_AARCH64)('cc --target aarch64 (the b0 dialect)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-cc-aarch64-'));
    cc = await chainOutput('cc', 'bin/cc');
    libc = await chainOutput('cc', 'lib/cc/libc.c');
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
      const executable = await linkM0(compiled.output, arm);
      const run = await execa(executable, header.args, { reject: false, cwd: PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  it('gives the values the amd64 code gives for 300 random expressions with every operator', async () => {
    // -7 as a divisor too: cc's division must truncate toward zero on both targets.
    const source = join(work, 'expressions.b0');
    await writeFile(source, randomExpressionsProgram(randomFrom(1903), { count: 300, divisors: ['1', '3', '7', '1000', '-7'] }));
    const outputs: string[] = [];
    for (const [target, tools] of [
      ['aarch64', arm],
      ['amd64', amd64],
    ] as const) {
      const compiled = await compile(['--target', target, '--b0', tools.runtime, source]);
      expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
      const run = await execa(await linkM0(compiled.output, tools), [], { reject: false, env: {}, extendEnv: false, stripFinalNewline: false });
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
    const crossCc = await linkM0(cross.output, arm);
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

  it('compiles C for aarch64: a program and 200 random ones print what they print built for amd64', async () => {
    const include = join(work, 'include');
    await mkdir(include, { recursive: true });
    await writeFile(join(include, 'stdio.h'), 'int printf(const char *format, ...);\n');
    await writeFile(join(include, 'string.h'), 'void *memcpy(void *to, const void *from, unsigned long n);\n');
    const printf = join(work, 'printf.c');
    await writeFile(printf, MINI_PRINTF);
    const seeds = Array.from({ length: 200 }, (_, i) => 7000 + i);
    for (const [name, text] of [
      ['kinds.c', C_PROGRAM],
      ['random.c', randomPrograms(seeds)],
    ] as const) {
      const source = join(work, name);
      await writeFile(source, text);
      const outputs: string[] = [];
      for (const [target, tools] of [
        ['aarch64', arm],
        ['amd64', amd64],
      ] as const) {
        const compiled = await compile(['--target', target, '-I', include, printf, source]);
        expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
        const run = await execa(await linkM0(compiled.output, tools), [], { reject: false, env: {}, extendEnv: false, stripFinalNewline: false });
        expect(run.exitCode, `${name} for ${target}`).toBe(0);
        outputs.push(run.stdout);
      }
      expect(outputs[0]!.length, name).toBeGreaterThan(100);
      expect(outputs[0]!.split('\n'), name).toEqual(outputs[1]!.split('\n'));
    }
  }, 300_000);

  // The C test programs with cc's C library, for AArch64 (its system calls, setjmp and sqrt have
  // AArch64 forms), must run as their headers say, as they do for amd64 (test/stages/cc.test.ts).
  // Left out: what is x86-64's by design (extensions.c's asm text; declarations99.c tests
  // __x86_64__).
  const X86_64_ONLY = ['declarations99.c', 'extensions.c'];
  for (const program of readdirSync(C_PROGRAMS).filter((f) => f.endsWith('.c') && !X86_64_ONLY.includes(f))) {
    it(`compiles ${program} with the C library for aarch64, which runs as its header says`, async () => {
      const header = readHeader(join(C_PROGRAMS, program));
      const include = join(CC_DIR, 'libc', 'include');
      const compiled = await compile(['--target', 'aarch64', '-I', include, '-I', join(C_PROGRAMS, 'include'), libc, program], C_PROGRAMS);
      expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
      const executable = await linkM0(compiled.output, arm);
      const run = await execa(executable, header.args, { reject: false, cwd: C_PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  // The C library's own test programs: setjmp, signal handlers (on AArch64 too), processes,
  // files and the integer functions, as their headers say.
  for (const program of ['control.c', 'integers.c', 'system.c']) {
    it(`compiles the C library's ${program} for aarch64, which runs as its header says`, async () => {
      const header = readHeader(join(LIBC_PROGRAMS, program));
      const compiled = await compile(['--target', 'aarch64', '-I', join(CC_DIR, 'libc', 'include'), libc, program], LIBC_PROGRAMS);
      expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
      const run = await execa(await linkM0(compiled.output, arm), header.args, { reject: false, cwd: LIBC_PROGRAMS, env: {}, extendEnv: false, stripFinalNewline: false });
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  it("prints floating numbers (printf, strtod) and computes math.h's functions for aarch64 as for amd64, bit for bit", async () => {
    for (const program of ['float-diff.c', 'math-diff.c']) {
      const outputs: string[] = [];
      for (const [target, tools] of [
        ['aarch64', arm],
        ['amd64', amd64],
      ] as const) {
        const compiled = await compile(['--target', target, '-I', join(CC_DIR, 'libc', 'include'), libc, program], LIBC_PROGRAMS);
        expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
        const run = await execa(await linkM0(compiled.output, tools), ['300', '1'], { reject: false, env: {}, extendEnv: false });
        expect(run.exitCode, `${program} for ${target}`).toBe(0);
        outputs.push(run.stdout);
      }
      expect(outputs[0]!.split('\n').length, program).toBeGreaterThanOrEqual(600);
      expect(outputs[0]!.split('\n'), program).toEqual(outputs[1]!.split('\n'));
    }
  }, 300_000);

  it('refuses an unknown target with one line and no output; names the processor to C', async () => {
    const unknown = await compile(['--target', 'riscv64', '--b0', arm.runtime]);
    expect([unknown.exitCode, unknown.stderr]).toEqual([1, "cc: unknown target 'riscv64' (amd64 or aarch64)"]);
    await expect(readFile(unknown.output)).rejects.toThrow();
    const c = join(work, 'which.c');
    await writeFile(c, 'int main(void) {\n#if defined __aarch64__ && !defined __x86_64__\n  return 64;\n#elif defined __x86_64__\n  return 86;\n#endif\n}\n');
    for (const [target, tools, status] of [
      ['aarch64', arm, 64],
      ['amd64', amd64, 86],
    ] as const) {
      const compiled = await compile(['--target', target, c]);
      expect([compiled.exitCode, compiled.stderr]).toEqual([0, '']);
      expect((await execa(await linkM0(compiled.output, tools), [], { reject: false })).exitCode).toBe(status);
    }
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
