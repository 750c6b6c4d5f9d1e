// The chain's M0 macro assembler (stage 05-M0), built from its hex2 source by the chain's own catm
// and hex2, checked against the TypeScript reference (m0ToHex2, then assembleHex2) on inputs made
// for each feature, on every kind of error, on a program that runs, and on a large input.
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssemblyError } from '../../src/formats/assembly-error.js';
import { assembleHex2 } from '../../src/formats/hex2.js';
import { m0ToHex2 } from '../../src/formats/m0.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';

const STAGE_DIR = join(AMD64_CHAIN, '05-M0');
const COMMON_DIR = join(AMD64_CHAIN, 'common');
const SOURCE_NAME = 'in.M0';

/** A program's hex2 text between the chain's ELF header and end marker, as build.kaem does. */
function withElfWrapper(programHex2: string): string {
  const header = readFileSync(join(COMMON_DIR, 'elf64.hex2'), 'utf8');
  const end = readFileSync(join(COMMON_DIR, 'elf64-end.hex2'), 'utf8');
  return header + programHex2 + end;
}

interface M0Run {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  /** The output file's text, or undefined when M0 wrote none. */
  readonly output: string | undefined;
  readonly milliseconds: number;
}

let m0: string;
let hex2: string;
let work: string;
let runCount = 0;

async function runM0(source: string | Uint8Array, options: { outputBefore?: string } = {}): Promise<M0Run> {
  runCount += 1;
  const dir = join(work, `run-${runCount}`);
  await execa('mkdir', ['-p', dir]);
  const input = join(dir, SOURCE_NAME);
  const outputPath = join(dir, 'out.hex2');
  await writeFile(input, source);
  if (options.outputBefore !== undefined) await writeFile(outputPath, options.outputBefore);
  const started = performance.now();
  const result = await execa(m0, [input, outputPath], { reject: false, cwd: dir, env: {}, extendEnv: false });
  const milliseconds = performance.now() - started;
  const output = await readFile(outputPath, 'utf8').catch(() => undefined);
  return { exitCode: result.exitCode, stderr: result.stderr, output, milliseconds };
}

/** Runs M0 and the reference on the same source; both must succeed with the same hex2. */
async function expectSameAsReference(source: string): Promise<string> {
  const run = await runM0(source);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const reference = m0ToHex2(source, SOURCE_NAME);
  // The bytes are what matters; the text is compared too because M0 promises the reference's
  // layout (each token's output on the line the token came from) so hex2 messages point home.
  expect(assembleHex2(run.output ?? '', 'M0 output')).toEqual(assembleHex2(reference, 'reference output'));
  expect(run.output).toBe(reference);
  return run.output ?? '';
}

function referenceError(source: string): AssemblyError {
  try {
    m0ToHex2(source, SOURCE_NAME);
  } catch (error) {
    if (error instanceof AssemblyError) return error;
    throw error;
  }
  throw new Error(`the reference accepted ${JSON.stringify(source)}`);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-m0-'));
  m0 = await chainOutput('M0', 'bin/M0');
  hex2 = await chainOutput('hex2', 'bin/hex2');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('stage 05-M0 build', () => {
  it("gives the same bytes as the reference hex2 assembler's build of the same source", async () => {
    const source = withElfWrapper(await readFile(join(STAGE_DIR, 'M0.hex2'), 'utf8'));
    const reference = assembleHex2(source, 'M0-full.hex2');
    expect(new Uint8Array(await readFile(m0))).toEqual(reference);
  });
});

describe('M0 translates like the reference', () => {
  it('expands macros, and a later DEFINE overrides from that point on', async () => {
    const out = await expectSameAsReference('DEFINE nop 90\nDEFINE ret C3 # comment\n\nnop nop ; two\nret\nDEFINE nop 0f1f00\nnop ret\n');
    expect(out.split('\n')).toEqual(['', '', '', '90 90', 'C3', '', '0F1F00 C3', '']);
  });

  it('takes quoted macro values with blanks and newlines, and empty values that emit nothing', async () => {
    const out = await expectSameAsReference("DEFINE syscall '0F\n05'\nDEFINE nothing ''\nsyscall nothing syscall nothing");
    expect(out).toBe('\n\n\n0F05 0F05');
  });

  it('looks a word up as a macro before reading it as a number or a label', async () => {
    expect(await expectSameAsReference('DEFINE !1 AA\nDEFINE :x BB\n!1 :x')).toBe('\n\nAA BB');
  });

  it('encodes 8-bit immediates at both ends of their range, decimal and hex', async () => {
    expect(await expectSameAsReference('!-128 !-1 !0 !127 !255 !0x7f !0XfF !-0x80 !007')).toBe('80 FF 00 7F FF 7F FF 80 07');
  });

  it('encodes 16-bit immediates at both ends of their range, decimal and hex', async () => {
    expect(await expectSameAsReference('@-32768 @-2 @65535 @0x1234 @-0x8000')).toBe('0080 FEFF FFFF 3412 0080');
  });

  it('encodes 32-bit immediates at both ends of their range, decimal and hex', async () => {
    expect(await expectSameAsReference('%-2147483648 %-3 %4294967295 %0xDEADBEEF %-0x1 %123456789')).toBe(
      '00000080 FDFFFFFF FFFFFFFF EFBEADDE FFFFFFFF 15CD5B07',
    );
  });

  it('emits strings with every escape and a NUL, also across lines and next to other tokens', async () => {
    const out = await expectSameAsReference('"Hi\\n\\t\\\\\\"\\0#;" "two\nlines" "a""b"\n"" \'0F 05\'');
    expect(out).toBe('48690A095C2200233B00 74776F0A6C696E657300\n6100 6200\n00 0F05');
  });

  it('passes every kind of label token through, the difference form included', async () => {
    const source = ':start !start @start %start &start\n%end>start $end>start @end>start !end>start :end';
    expect(await expectSameAsReference(source)).toBe(source);
  });

  it('treats # and ; as comments only where a token starts', async () => {
    const out = await expectSameAsReference('# a whole line\n; another\nDEFINE a;b 01 #trailing\na;b ;x\n\tDEFINE\tc#\t02\r\nc#\r\n');
    expect(out).toBe('\n\n\n01\n\n02\n');
  });

  it('reads CR, tab, vertical tab and form feed as blanks', async () => {
    await expectSameAsReference('DEFINE\tx\v90\fx\r\nx');
  });
});

describe('M0 rejects bad input with a message naming the line and the token', () => {
  const cases: readonly { readonly what: string; readonly source: string; readonly line: number; readonly shows: string }[] = [
    { what: 'an undefined word', source: 'DEFINE a 90\n\na b', line: 3, shows: 'undefined word: b' },
    { what: 'a bare hex byte', source: '90', line: 1, shows: 'undefined word: 90' },
    { what: 'a lone prefix', source: '\n%', line: 2, shows: 'undefined word: %' },
    { what: 'a number with letters', source: '\n!12z', line: 2, shows: 'malformed number: !12z' },
    { what: 'hex without hex digits', source: '@0x', line: 1, shows: 'malformed number: @0x' },
    { what: 'bad hex digits', source: '%0xZZ', line: 1, shows: 'malformed number: %0xZZ' },
    { what: 'a minus sign alone', source: '!-', line: 1, shows: 'malformed number: !-' },
    { what: '8 bits too large', source: '!256', line: 1, shows: 'out of range for 8 bits (-128..255): !256' },
    { what: '8 bits too small', source: '!-129', line: 1, shows: 'out of range for 8 bits (-128..255): !-129' },
    { what: '16 bits too large', source: '\n\n@65536', line: 3, shows: 'out of range for 16 bits (-32768..65535): @65536' },
    { what: '16 bits too small', source: '@-32769', line: 1, shows: 'out of range for 16 bits' },
    { what: '32 bits too large', source: '%4294967296', line: 1, shows: 'out of range for 32 bits' },
    { what: '32 bits too small', source: '%-2147483649', line: 1, shows: 'out of range for 32 bits' },
    { what: 'hex too large', source: '!0x100', line: 1, shows: 'out of range for 8 bits' },
    { what: 'a number too long for 64 bits', source: '%99999999999999999999999', line: 1, shows: 'out of range for 32 bits' },
    { what: 'an unterminated string', source: 'DEFINE a 90\n"abc\ndef', line: 2, shows: 'unterminated string literal: "abc' },
    { what: 'an unclosed quote, before an earlier error', source: 'b\n!256 "abc', line: 2, shows: 'unterminated string literal: "abc' },
    { what: 'a string ending in a backslash', source: '"abc\\', line: 1, shows: 'unterminated string literal' },
    { what: 'an unterminated hex literal', source: "'0F", line: 1, shows: "unterminated hex literal: '0F" },
    { what: 'an unknown escape', source: '\n"a\\qb"', line: 2, shows: 'unknown escape in string literal: "a\\qb"' },
    { what: 'a DEFINE without a value', source: 'DEFINE x', line: 1, shows: 'DEFINE needs a name and a hex value: DEFINE' },
    { what: 'a DEFINE with a string value', source: 'DEFINE x "y"', line: 1, shows: 'DEFINE needs a name and a hex value' },
    { what: 'a DEFINE with a string name', source: '\nDEFINE "x" 90', line: 2, shows: 'DEFINE needs a name and a hex value' },
    { what: 'a macro value with an odd digit count', source: 'DEFINE x 909', line: 1, shows: 'not hex digit pairs: 909' },
    { what: 'a macro value that is not hex', source: 'DEFINE x 0x90', line: 1, shows: 'not hex digit pairs: 0x90' },
    { what: 'raw hex that is not hex', source: "\n'0g'", line: 2, shows: "not hex digit pairs: '0g'" },
  ];

  for (const { what, source, line, shows } of cases) {
    it(`${what}: ${JSON.stringify(source)}`, async () => {
      expect(referenceError(source).line).toBe(line);
      const run = await runM0(source);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain(`${SOURCE_NAME}:${line}: `);
      expect(run.stderr).toContain(shows);
      expect(run.output).toBeUndefined();
    });
  }

  it('leaves an existing output file untouched when the input has an error', async () => {
    const run = await runM0('DEFINE a 90\na a\nb', { outputBefore: 'earlier output\n' });
    expect(run.exitCode).toBe(1);
    expect(run.output).toBe('earlier output\n');
  });

  it('reports an input file that cannot be opened, and writes nothing', async () => {
    const dir = await mkdtemp(join(work, 'missing-'));
    const output = join(dir, 'out.hex2');
    const result = await execa(m0, [join(dir, 'no-such.M0'), output], { reject: false, env: {}, extendEnv: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`M0: cannot open input file: ${join(dir, 'no-such.M0')}`);
    await expect(readFile(output)).rejects.toThrow();
  });

  it('reports an input that opens but cannot be read (a directory)', async () => {
    const dir = await mkdtemp(join(work, 'directory-'));
    const result = await execa(m0, [dir, join(dir, 'out.hex2')], { reject: false, env: {}, extendEnv: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(`M0: cannot read input file: ${dir}`);
  });

  it('reports an output file that cannot be created', async () => {
    const dir = await mkdtemp(join(work, 'unwritable-'));
    const input = join(dir, 'in.M0');
    await writeFile(input, 'DEFINE a 90\na');
    const result = await execa(m0, [input, join(dir, 'no-such-dir', 'out.hex2')], { reject: false, env: {}, extendEnv: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('M0: cannot create output file:');
  });

  it('says how to call it when the arguments are wrong', async () => {
    const result = await execa(m0, ['only-one'], { reject: false, env: {}, extendEnv: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('usage: M0 INPUT OUTPUT');
  });
});

describe('M0 against the reference on generated inputs', () => {
  // Pieces chosen to hit every rule and its edges (good and bad), glued with every kind of blank.
  const PIECES = [
    'DEFINE', 'DEFIN', 'DEFINEX', 'a', 'b', 'ab', '90', 'c3', '0F05', "'0F 05'", "''", "'0'", "'0\n0'", '"x"', '"a b"', '"a\nb"',
    '"\\n"', '"\\q"', '"\\\\"', '"\\""', '"', "'", '\\', '-', '0x12', '!', '@', '%', ':', '$', '&', '!1', '!-1', '!255', '!256',
    '!-128', '!-129', '!00', '@65535', '@-32768', '%-1', '%0x10', '%0X1f', '%4294967295', '%4294967296', '!0x', '!-', '!1a',
    ':l', '%l', '&l', '%a>b', '#c', ';c',
  ];
  const BLANKS = [' ', '\n', '\t', '\r\n', '  ', '\f', '\v', ''];

  it('gives the same output, or an error on the same line, for 400 random sequences of tokens', async () => {
    let state = 20261125;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 0x80000000;
      return Math.floor((state / 0x80000000) * n);
    };
    let errors = 0;
    for (let n = 0; n < 400; n += 1) {
      let source = '';
      for (let k = 0, count = 1 + next(12); k < count; k += 1) source += (PIECES[next(PIECES.length)] ?? '') + (BLANKS[next(BLANKS.length)] ?? '');
      let reference: string | AssemblyError;
      try {
        reference = m0ToHex2(source, SOURCE_NAME);
      } catch (error) {
        if (!(error instanceof AssemblyError)) throw error;
        reference = error;
      }
      const run = await runM0(source);
      if (reference instanceof AssemblyError) {
        errors += 1;
        expect({ source, exitCode: run.exitCode, output: run.output }).toEqual({ source, exitCode: 1, output: undefined });
        expect({ source, stderr: run.stderr }).toEqual({ source, stderr: expect.stringContaining(`${SOURCE_NAME}:${reference.line}: `) as unknown });
      } else {
        expect({ source, exitCode: run.exitCode, output: run.output }).toEqual({ source, exitCode: 0, output: reference });
      }
    }
    // Both kinds of outcome must be well represented for the comparison to mean something.
    expect(errors).toBeGreaterThan(100);
    expect(errors).toBeLessThan(350);
    // 400 sandboxed runs: about 100 s alone, more on a busy machine.
  }, 600_000);
});

describe('M0 end to end', () => {
  it('assembles a program that prints a line and exits with a status', async () => {
    const program = [
      '# write(1, message, 13), then exit(42)',
      'DEFINE mov_eax, B8',
      'DEFINE mov_edi, BF',
      'DEFINE mov_edx, BA',
      'DEFINE lea_rsi,[rip+ 488D35',
      'DEFINE syscall 0F05',
      ':_start',
      '  mov_eax, %1            ; write',
      '  mov_edi, %1            ; to stdout',
      '  lea_rsi,[rip+ %message',
      '  mov_edx, %13           ; "hello, world\\n" without its NUL',
      '  syscall',
      '  mov_eax, %60           ; exit',
      '  mov_edi, %42',
      '  syscall',
      ':message',
      '  "hello, world\\n"',
      '',
    ].join('\n');
    const run = await runM0(program);
    expect(run.exitCode).toBe(0);
    const dir = join(work, `run-${runCount}`);
    await writeFile(join(dir, 'full.hex2'), withElfWrapper(run.output ?? ''));
    const built = await execa(hex2, [join(dir, 'full.hex2'), join(dir, 'hello')], { reject: false, env: {}, extendEnv: false });
    expect(built.exitCode).toBe(0);
    expect(new Uint8Array(await readFile(join(dir, 'hello')))).toEqual(assembleHex2(withElfWrapper(m0ToHex2(program, SOURCE_NAME)), 'ref'));
    const ran = await execa(join(dir, 'hello'), [], { reject: false, env: {}, extendEnv: false, stripFinalNewline: false });
    expect(ran.stdout).toBe('hello, world\n');
    expect(ran.exitCode).toBe(42);
  });
});

describe('M0 on a large input', () => {
  it('translates 3,000 DEFINEs and over 200 KiB of source like the reference, quickly', async () => {
    const lines: string[] = [];
    const hexOf = (n: number, bytes: number): string =>
      Array.from({ length: bytes }, (_, k) => ((n * 37 + k * 101) & 0xff).toString(16).padStart(2, '0')).join('');
    for (let i = 0; i < 3000; i += 1) lines.push(`DEFINE op_${i}_${hexOf(i, 1)} ${hexOf(i, 1 + (i % 7))}`);
    lines.push(':base');
    let size = lines.join('\n').length;
    let i = 0;
    while (size < 220 * 1024 || i < 6000) {
      const a = (i * 7919) % 3000;
      const b = (i * 104729) % 3000;
      const line = `:l${i} op_${a}_${hexOf(a, 1)} op_${b}_${hexOf(b, 1)} !${(i % 256) - 128} @${i % 65536} %l${i}>base "s${i}\\n" ; line ${i}`;
      lines.push(line);
      size += line.length + 1;
      if (i % 500 === 0) lines.push(`DEFINE op_${a}_${hexOf(a, 1)} ${hexOf(i, 3)}`);
      i += 1;
    }
    const source = lines.join('\n') + '\n';
    expect(source.length).toBeGreaterThan(200 * 1024);
    const run = await runM0(source);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.output).toBe(m0ToHex2(source, SOURCE_NAME));
    expect(assembleHex2(run.output ?? '', 'M0 output')).toEqual(assembleHex2(m0ToHex2(source, SOURCE_NAME), 'reference'));
    // Linear work takes a few milliseconds; a quadratic rescan of this input would take seconds.
    expect(run.milliseconds).toBeLessThan(2000);
    console.log(`M0: ${source.length} bytes, ${i} lines of code, ${run.milliseconds.toFixed(0)} ms`);
  });
});
