// The aarch64 chain's hex1 assembler (stage 02-hex1 of stages/aarch64, written in hex0), built by
// kindling from its source and run through qemu-user, checked against the TypeScript reference
// (src/formats/hex1-aarch64.ts) on inputs made for each rule, on every kind of error, and on
// programs it assembles that then run.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleHex1Aarch64 } from '../../src/formats/hex1-aarch64.js';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { assemblerRunner } from '../support/tool-run.js';

let hex1: string;
let work: string;

const runHex1 = assemblerRunner(() => hex1, () => work, 'in.hex1');

async function expectSameAsReference(source: string | Uint8Array): Promise<Uint8Array> {
  const run = await runHex1(source);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const reference = assembleHex1Aarch64(source, 'in.hex1');
  expect(run.output).toEqual(reference);
  return reference;
}

async function expectFailure(source: string, message: RegExp): Promise<void> {
  const run = await runHex1(source, { outputBefore: 'left alone' });
  expect(run.stderr).toMatch(message);
  expect(run.exitCode).toBe(1);
  // OUT is opened only after both passes succeed: an existing OUT is not touched.
  expect(Buffer.from(run.output ?? []).toString()).toBe('left alone');
  expect(() => assembleHex1Aarch64(source, 'in.hex1')).toThrow();
}

/** The output read as 32-bit little-endian words, in hex, as a disassembler shows them. */
function words(bytes: Uint8Array): string[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(4 * i).toString(16).padStart(8, '0'));
}

/**
 * A complete AArch64 hex1 program: an ELF64 header (file size counted here, since hex1 has no
 * label differences) and the code, loaded at 0x00600000 with _start right after the 120 header bytes.
 */
function elfProgram(code: string): string {
  const size = 120 + assembleHex1Aarch64(code, 'code').length;
  const le = (value: number, width: number): string =>
    Array.from({ length: width }, (_, k) => (Math.floor(value / 256 ** k) & 0xff).toString(16).padStart(2, '0')).join(' ');
  return [
    '7F 45 4C 46 02 01 01 00  00 00 00 00 00 00 00 00   # ELF64, little-endian',
    '02 00 B7 00 01 00 00 00                            # executable, AArch64',
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

describe.skipIf(!CAN_RUN_AARCH64)('hex1 for aarch64 (chain stage)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-hex1-aarch64-'));
    hex1 = await aarch64ChainOutput('hex1', 'bin/hex1');
  }, 120_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('fills imm26 and imm19 fields forward and backward, as GNU as does, and keeps % a byte distance', async () => {
    // The words GNU as makes of: n: nop; b.ne e; b n; cbnz w23, n; bl f; ldr x1, d; e: ret; d: .word 0; ...; f: nop
    const out = await expectSameAsReference(
      [':n 1F 20 03 D5', '&e 01 00 00 54', '^n 00 00 00 14', '&n 17 00 00 35', '^f 00 00 00 94', '&d 01 00 00 58', ':e C0 03 5F D6', ':d 00 00 00 00', '%d %f', ':f 1F 20 03 D5'].join('\n'),
    );
    expect(words(out)).toEqual(['d503201f', '540000a1', '17fffffe', '35ffffb7', '94000006', '58000041', 'd65f03c0', '00000000', 'fffffff8', '00000000', 'd503201f']);
  });

  it('turns hex pairs into bytes: either case, both comment kinds, digits split by blanks and comments', async () => {
    const out = await expectSameAsReference('aB cd # a comment 12\n ; 34 another\n0 1\t\r\nFf\n0#split\n1');
    expect(Array.from(out)).toEqual([0xab, 0xcd, 0x01, 0xff, 0x01]);
  });

  it('accepts any non-blank character as a label, hex digits and punctuation included', async () => {
    await expectSameAsReference(':A 00 00 00 00 :: :% ^A 00 00 00 14 &: 00 00 00 54 %% %A');
    await expectSameAsReference(Buffer.from(':\xe9 00 00 00 00 %\xe9', 'latin1')); // a byte above 0x7F
  });

  it('accepts distances at both ends of the imm19 range and rejects one beyond each', async () => {
    // A megabyte of source each: the words are checked directly (the reference takes seconds on
    // inputs this large). The distance counts from the branch word itself, so the word and n nops
    // put x n + 1 instructions on.
    const nops = (n: number): string => '1F 20 03 D5 '.repeat(n);
    const forward = await runHex1(`&x 00 00 00 54 ${nops(2 ** 18 - 2)}:x`); // +2^18 - 1 instructions
    expect(forward.exitCode).toBe(0);
    expect(words(forward.output!.subarray(0, 4))).toEqual(['547fffe0']);
    const backward = await runHex1(`:x ${nops(2 ** 18)}&x 00 00 00 54`); // -2^18
    expect(backward.exitCode).toBe(0);
    expect(words(backward.output!.subarray(4 * 2 ** 18))).toEqual(['54800000']);
    const tooFarForward = await runHex1(`&x 00 00 00 54 ${nops(2 ** 18 - 1)}:x`);
    expect([tooFarForward.exitCode, tooFarForward.stderr]).toEqual([1, 'hex1: in.hex1:1: too far for the branch field: x']);
    const tooFarBackward = await runHex1(`:x ${nops(2 ** 18 + 1)}\n&x 00 00 00 54`);
    expect([tooFarBackward.exitCode, tooFarBackward.stderr]).toEqual([1, 'hex1: in.hex1:2: too far for the branch field: x']);
  });

  it('produces an empty OUT from an input with no bytes, with mode 0755', async () => {
    const run = await runHex1('# nothing but a comment\n');
    expect(run.exitCode).toBe(0);
    expect(run.output).toEqual(new Uint8Array());
    expect((await stat(run.outputPath)).mode & 0o777).toBe(0o755);
  });

  it('rejects bad input with the file, the line and what is wrong, leaving OUT alone', async () => {
    await expectFailure('00 00 00 00\n11\n %q', /^hex1: in\.hex1:3: undefined label: q$/);
    await expectFailure(':a\n\n:a', /in\.hex1:3: label defined twice: a/);
    await expectFailure('00 zz', /in\.hex1:1: not hex, comment or label: z/);
    await expectFailure('00 !a', /not hex, comment or label: !/);
    await expectFailure('0 :a', /odd number of hex digits/);
    await expectFailure('00 1', /odd number of hex digits/);
    await expectFailure('% a', /label character missing/);
    await expectFailure('00 ^', /label character missing/);
    await expectFailure(':x 00 ^x 00 00 00 14', /in\.hex1:1: instruction word not at a multiple of 4: x$/);
    await expectFailure('^x 00 00 00 14 00 :x', /in\.hex1:1: not a whole number of instructions away: x$/);
    await expectFailure(':x ^x 00 00 :y 14', /in\.hex1:1: no instruction word after the reference: x$/);
    await expectFailure(':x\n^x 00 00\n# end', /in\.hex1:2: no instruction word after the reference: x$/);
    await expectFailure(':x\n^x 01 00 00\n14', /in\.hex1:2: branch field of the word not zero: x$/);
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

  it("assembles hex2.hex1, the largest aarch64 hex1 source, as the reference does, into the hex2 stage's program", async () => {
    const out = await expectSameAsReference(await readFile(join(AARCH64_CHAIN, '03-hex2', 'hex2.hex1')));
    expect(out.length).toBeGreaterThan(2000);
    expect(Buffer.from(out).equals(await readFile(await aarch64ChainOutput('hex2', 'bin/hex2')))).toBe(true);
  });

  it('assembles programs that run: an exit status and a hello-world through write', async () => {
    const exit = await runHex1(elfProgram('40 05 80 D2   # mov x0, #42\nA8 0B 80 D2   # mov x8, #93: exit\n01 00 00 D4   # svc #0'));
    expect(exit.exitCode).toBe(0);
    expect((await execa(exit.outputPath, [], { reject: false })).exitCode).toBe(42);

    const hello = await runHex1(
      elfProgram(`
        20 00 80 D2           # mov x0, #1: stdout
        &m 01 00 00 58        # ldr x1, m: the address of the message, from the word at m
        A2 01 80 D2           # mov x2, #13: its length
        08 08 80 D2           # mov x8, #64: write
        01 00 00 D4           # svc #0
        ^x 00 00 00 14        # b x: over the data
        :m 98 00 60 00 00 00 00 00   # the message's address: 0x600078 + 32, just after this word
        48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 0A 00 00 00   # "Hello, world\\n", padded to a word
        :x 00 00 80 D2        # mov x0, #0
        A8 0B 80 D2           # mov x8, #93: exit
        01 00 00 D4           # svc #0`),
    );
    expect(hello.exitCode).toBe(0);
    const ran = await execa(hello.outputPath, [], { reject: false });
    expect(ran.stdout).toBe('Hello, world');
    expect(ran.exitCode).toBe(0);
  });
});
