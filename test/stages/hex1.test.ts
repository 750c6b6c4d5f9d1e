// The chain's hex1 assembler (stage 02-hex1, written in hex0), built by kindling from its source,
// checked against the TypeScript reference on inputs made for each rule, on every kind of error,
// on programs it assembles that then run, and on the largest hex1 source there is: hex2's.
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleHex1 } from '../../src/formats/hex1.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { assemblerRunner, type ToolRun } from '../support/tool-run.js';

let hex1: string;
let work: string;

const runHex1 = assemblerRunner(() => hex1, () => work, 'in.hex1');

async function expectSameAsReference(source: string | Uint8Array): Promise<Uint8Array> {
  const run = await runHex1(source);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const reference = assembleHex1(source, 'in.hex1');
  expect(run.output).toEqual(reference);
  return reference;
}

async function expectFailure(source: string, message: RegExp): Promise<ToolRun> {
  const run = await runHex1(source, { outputBefore: 'left alone' });
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toMatch(message);
  // OUT is opened only after both passes succeed: an existing OUT is not touched.
  expect(Buffer.from(run.output ?? []).toString()).toBe('left alone');
  expect(() => assembleHex1(source, 'in.hex1')).toThrow();
  return run;
}

/**
 * A complete hex1 program: an ELF64 header (file size counted here, since hex1 has no label
 * differences) and the code, loaded at 0x00600000 with _start right after the 120 header bytes.
 */
function elfProgram(code: string): string {
  const codeBytes = assembleHex1(code, 'code').length;
  const le = (value: number, width: number): string =>
    Array.from({ length: width }, (_, k) => (Math.floor(value / 256 ** k) & 0xff).toString(16).padStart(2, '0')).join(' ');
  const size = 120 + codeBytes;
  return [
    '7F 45 4C 46 02 01 01 00  00 00 00 00 00 00 00 00   # ELF64, little-endian',
    '02 00 3E 00 01 00 00 00                            # executable, x86-64',
    '78 00 60 00 00 00 00 00                            # entry 0x600078',
    '40 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   # program header at 64, no sections',
    '00 00 00 00 40 00 38 00  01 00 40 00 00 00 00 00   # sizes, one program header',
    '01 00 00 00 07 00 00 00  00 00 00 00 00 00 00 00   # PT_LOAD, RWX, from offset 0',
    '00 00 60 00 00 00 00 00  00 00 60 00 00 00 00 00   # at 0x600000',
    `${le(size, 8)}  ${le(size, 8)}   # file and memory size`,
    '00 10 00 00 00 00 00 00                            # page alignment',
    code,
  ].join('\n');
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-hex1-'));
  hex1 = await chainOutput('hex1', 'bin/hex1');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hex1 (chain stage)', () => {
  it('turns hex pairs into bytes: either case, both comment kinds, digits split by blanks', async () => {
    const out = await expectSameAsReference('aB cd # a comment 12\n ; 34 another\n0 1\t\r\nFf\n0#split\n1');
    expect(Array.from(out)).toEqual([0xab, 0xcd, 0x01, 0xff, 0x01]);
  });

  it('resolves forward and backward labels for both reference widths, negative distances included', async () => {
    const out = await expectSameAsReference(':a 90 %a !a %b\n# between\n:b EB !a E8 %z 90 :z');
    expect(Array.from(out.subarray(0, 12))).toEqual([0x90, 0xfb, 0xff, 0xff, 0xff, 0xfa, 0, 0, 0, 0, 0xeb, 0xf4]);
    expect(Buffer.from(out).readInt32LE(13)).toBe(1);
  });

  it('accepts any non-blank character as a label, hex digits and punctuation included', async () => {
    await expectSameAsReference(':A 00 :: 11 :% 22 :! 33 %A %: !% !!');
    await expectSameAsReference(Buffer.from(':\xe9 00 %\xe9', 'latin1')); // a byte above 0x7F
  });

  it('accepts 8-bit distances at both ends of the signed range and rejects one beyond each', async () => {
    await expectSameAsReference(`EB !x ${'90 '.repeat(127)}:x`); // +127
    await expectSameAsReference(`:x ${'90 '.repeat(126)}EB !x`); // -128
    await expectFailure(`EB !x ${'90 '.repeat(128)}:x`, /^hex1: in\.hex1:1: too far for an 8-bit reference: x$/);
    await expectFailure(`:x ${'90 '.repeat(127)}\nEB !x`, /in\.hex1:2: too far/);
  });

  it('produces an empty OUT from an input with no bytes, with mode 0755', async () => {
    const run = await runHex1('# nothing but a comment\n');
    expect(run.exitCode).toBe(0);
    expect(run.output).toEqual(new Uint8Array());
    expect((await stat(run.outputPath)).mode & 0o777).toBe(0o755);
  });

  it('rejects bad input with the file, the line and what is wrong, leaving OUT alone', async () => {
    await expectFailure('00\n11\n %q', /^hex1: in\.hex1:3: undefined label: q$/);
    await expectFailure(':a\n\n:a', /in\.hex1:3: label defined twice: a/);
    await expectFailure('00 zz', /in\.hex1:1: not hex, comment or label: z/);
    await expectFailure('00 @a', /not hex, comment or label: @/);
    await expectFailure('0 :a', /odd number of hex digits/);
    await expectFailure('00 1', /odd number of hex digits/);
    await expectFailure('% a', /label character missing/);
    await expectFailure('00 !', /label character missing/);
  });

  it('rejects a missing or unreadable input and a wrong argument count', async () => {
    const missing = await execa(hex1, [join(work, 'no-such-file'), join(work, 'never')], { reject: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`hex1: cannot read ${join(work, 'no-such-file')}`);
    const directory = await execa(hex1, [work, join(work, 'never')], { reject: false });
    expect(directory.exitCode).toBe(1);
    expect(directory.stderr).toMatch(/cannot read/);
    await expect(stat(join(work, 'never'))).rejects.toThrow();
    const usage = await execa(hex1, ['only-one'], { reject: false });
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr).toBe('hex1: usage: hex1 IN OUT');
  });

  it('reports an OUT that cannot be created', async () => {
    const dir = join(work, 'unwritable');
    await mkdir(dir);
    await writeFile(join(dir, 'in.hex1'), '00');
    const result = await execa(hex1, ['in.hex1', 'no/such/dir/out'], { reject: false, cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('hex1: cannot write no/such/dir/out');
  });

  it('assembles hex2.hex1, the largest hex1 source in the chain, exactly as the reference does', async () => {
    const source = await readFile(join(AMD64_CHAIN, '03-hex2', 'hex2.hex1'));
    const out = await expectSameAsReference(source);
    expect(out.length).toBeGreaterThan(1000);
  });

  it('assembles programs that run: an exit status and a hello-world through write', async () => {
    const exit = await runHex1(elfProgram('B8 3C 00 00 00 BF 2A 00 00 00 0F 05 # exit(42)'));
    expect(exit.exitCode).toBe(0);
    expect((await execa(exit.outputPath, [], { reject: false })).exitCode).toBe(42);

    const hello = await runHex1(
      elfProgram(`
        B8 01 00 00 00        # mov eax, 1: write
        BF 01 00 00 00        # mov edi, 1: stdout
        48 8D 35 %m           # lea rsi, [rip + m]: the message
        BA 0D 00 00 00        # mov edx, 13: its length
        0F 05                 # syscall
        EB !x                 # jmp x: over the message
        :m 48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 0A   # "Hello, world\\n"
        :x B8 3C 00 00 00 31 FF 0F 05               # exit(0)`),
    );
    expect(hello.exitCode).toBe(0);
    const ran = await execa(hello.outputPath, [], { reject: false });
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toBe('Hello, world');
  });
});
