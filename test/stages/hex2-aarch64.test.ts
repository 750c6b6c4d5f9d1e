// The aarch64 chain's hex2 assembler (stage 03-hex2 of stages/aarch64, written in hex1), built by
// kindling from its source and run through qemu-user: every reference form checked against the
// words GNU as makes of the same instructions, every kind of error, and the largest programs there
// are: the chain's own hex1 and hex2, written in hex2 form, assemble to the bytes of the stages.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { assemblerRunner } from '../support/tool-run.js';

let hex2: string;
let work: string;

const runHex2 = assemblerRunner(() => hex2, () => work, 'in.hex2');

async function assembled(source: string): Promise<Uint8Array> {
  const run = await runHex2(source);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  return run.output!;
}

async function expectFailure(source: string, message: RegExp): Promise<void> {
  const run = await runHex2(source, { outputBefore: 'left alone' });
  expect(run.stderr).toMatch(message);
  expect(run.exitCode).toBe(1);
  // OUT is opened only after both passes succeed: an existing OUT is not touched.
  expect(Buffer.from(run.output ?? []).toString()).toBe('left alone');
}

/** The output read as 32-bit little-endian words, in hex, as a disassembler shows them. */
function words(bytes: Uint8Array): string[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) => Buffer.from(bytes).readUInt32LE(4 * i).toString(16).padStart(8, '0'));
}

describe.skipIf(!CAN_RUN_AARCH64)('hex2 for aarch64 (chain stage)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-hex2-aarch64-'));
    hex2 = await aarch64ChainOutput('hex2', 'bin/hex2');
  }, 120_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('fills every field as GNU as does, and writes 32-bit distances, addresses and label differences', async () => {
    // GNU as (binutils 2.40) on: n: nop; b.ne e; b n; cbnz w23, n; bl f; tbnz x0, #63, n;
    // tbz w1, #3, e; adr x1, d; adr x2, n; adr x3, odd; ldr x1, d; e: ret; d: .word 0;
    // .word d - n; .word f - . - 4; .word 0x600000 + e; .byte 0x55; odd: .byte 0x66, 0x77, 0x88; f: nop
    const source = [
      ':n 1F 20 03 D5',
      '&e 01 00 00 54   # b.ne e',
      '^n 00 00 00 14   # b n',
      '&n 17 00 00 35   # cbnz w23, n',
      '^f 00 00 00 94   # bl f',
      '*n 00 00 F8 B7   # tbnz x0, #63, n',
      '*e 01 00 18 36   # tbz w1, #3, e',
      '=d 01 00 00 10   # adr x1, d',
      '=n 02 00 00 10   # adr x2, n: backwards',
      '=odd 03 00 00 10 # adr x3, odd: a byte distance that is not a multiple of 4',
      '&d 01 00 00 58   # ldr x1, d',
      ':e C0 03 5F D6   # ret',
      ':d 00 00 00 00',
      '%d>n %f $e',
      '55 :odd 66 77 88',
      ':f 1F 20 03 D5',
    ].join('\n');
    expect(words(await assembled(source))).toEqual([
      'd503201f', '54000141', '17fffffe', '35ffffb7', '9400000d', 'b7ffff60', '361800a1', '100000a1', '10ffff02', '300000e3',
      '58000041', 'd65f03c0', '00000000', '00000030', '00000008', '0060002c', '88776655', 'd503201f',
    ]);
  });

  it('turns hex pairs into bytes: either case, both comment kinds, digits split by blanks and comments', async () => {
    expect(Array.from(await assembled('aB cd # a comment 12\n ; 34 another\n0 1\t\r\nFf\n0#split\n1'))).toEqual([0xab, 0xcd, 0x01, 0xff, 0x01]);
  });

  it('tells long names apart that share a hash chain or a prefix', async () => {
    // 'Aa' and 'BB' have the same hash (h * 31 + byte), as do their extensions.
    const out = await assembled(':Aa 00 00 00 00 :BB 00 00 00 00 :Aaa 00 00 00 00 :BBa $Aa $BB $Aaa $BBa $BB>Aa');
    expect(words(out.subarray(12))).toEqual(['00600000', '00600004', '00600008', '0060000c', '00000004']);
  });

  it('accepts distances at both ends of the imm14 range and rejects one beyond each', async () => {
    const nops = (n: number): string => '1F 20 03 D5 '.repeat(n);
    const forward = await runHex2(`*x 00 00 00 36 ${nops(2 ** 13 - 2)}:x`); // +2^13 - 1 instructions
    expect(words(forward.output!.subarray(0, 4))).toEqual(['3603ffe0']);
    const backward = await runHex2(`:x ${nops(2 ** 13)}*x 00 00 00 36`); // -2^13
    expect(words(backward.output!.subarray(4 * 2 ** 13))).toEqual(['36040000']);
    await expectFailure(`*x 00 00 00 36 ${nops(2 ** 13 - 1)}:x`, /^hex2: in\.hex2:1: too far for the field: x$/);
    await expectFailure(`:x ${nops(2 ** 13 + 1)}\n*x 00 00 00 36`, /^hex2: in\.hex2:2: too far for the field: x$/);
  });

  it('produces an empty OUT from an input with no bytes, with mode 0755', async () => {
    const run = await runHex2('# nothing but a comment\n');
    expect(run.exitCode).toBe(0);
    expect(run.output).toEqual(new Uint8Array());
    expect((await stat(run.outputPath)).mode & 0o777).toBe(0o755);
  });

  it('rejects bad input with the file, the line and what is wrong, leaving OUT alone', async () => {
    await expectFailure('00 00 00 00\n11\n %quux', /^hex2: in\.hex2:3: undefined label: quux$/);
    await expectFailure(':a 00 %a>nope', /^hex2: in\.hex2:1: undefined label: nope$/);
    await expectFailure(':long\n\n:long', /in\.hex2:3: label defined twice: long$/);
    await expectFailure(':a>b', /in\.hex2:1: label name contains '>': a>b$/);
    await expectFailure('00 zz', /in\.hex2:1: not hex, comment or label: z$/);
    await expectFailure('0 :a', /odd number of hex digits/);
    await expectFailure('00 1', /odd number of hex digits/);
    await expectFailure('% a', /label name missing/);
    await expectFailure(':x 00 =x 00 00 00 10', /in\.hex2:1: instruction word not at a multiple of 4: x$/);
    await expectFailure('^x 00 00 00 14 00 :x', /in\.hex2:1: not a whole number of instructions away: x$/);
    await expectFailure(':x ^x 00 00 :y 14', /in\.hex2:1: no instruction word after the reference: x$/);
    await expectFailure(':x\n&x 00 00\n# end', /in\.hex2:2: no instruction word after the reference: x$/);
    await expectFailure(':x\n=x 20 00 00\n10', /in\.hex2:2: field of the word not zero: x$/);
  });

  it('rejects a missing or unreadable input and a wrong argument count', async () => {
    const missing = await execa(hex2, [join(work, 'no-such-file'), join(work, 'never')], { reject: false });
    expect([missing.exitCode, missing.stderr]).toEqual([1, `hex2: cannot read ${join(work, 'no-such-file')}`]);
    const directory = await execa(hex2, [work, join(work, 'never')], { reject: false });
    expect([directory.exitCode, directory.stderr]).toEqual([1, `hex2: cannot read ${work}`]);
    await expect(stat(join(work, 'never'))).rejects.toThrow();
    const usage = await execa(hex2, ['only-one'], { reject: false });
    expect([usage.exitCode, usage.stderr]).toEqual([1, 'hex2: usage: hex2 IN OUT']);
    const dir = join(work, 'unwritable');
    await mkdir(dir);
    await writeFile(join(dir, 'in.hex2'), '00');
    const unwritable = await execa(hex2, ['in.hex2', 'no/such/dir/out'], { reject: false, cwd: dir });
    expect([unwritable.exitCode, unwritable.stderr]).toEqual([1, 'hex2: cannot write no/such/dir/out']);
  });

  it('assembles a program that runs, its ELF header sized and pointed by label differences and addresses', async () => {
    const program = await runHex2(
      [
        ':ELF_base 7F 45 4C 46 02 01 01 00  00 00 00 00 00 00 00 00   # ELF64, little-endian',
        '02 00 B7 00 01 00 00 00  $_start 00 00 00 00              # executable, AArch64, entry _start',
        '40 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   # program header at 64, no sections',
        '00 00 00 00 40 00 38 00  01 00 40 00 00 00 00 00   # sizes, one program header',
        '01 00 00 00 05 00 00 00  00 00 00 00 00 00 00 00   # PT_LOAD, R-X, from offset 0',
        '$ELF_base 00 00 00 00  $ELF_base 00 00 00 00       # at 0x600000',
        '%ELF_end>ELF_base 00 00 00 00 %ELF_end>ELF_base 00 00 00 00   # file and memory size',
        '00 10 00 00 00 00 00 00                            # page alignment',
        ':_start 20 00 80 D2    # mov x0, #1: stdout',
        '=message 01 00 00 10   # adr x1, message',
        'A2 01 80 D2            # mov x2, #13: its length',
        '08 08 80 D2            # mov x8, #64: write',
        '01 00 00 D4            # svc #0',
        '00 00 80 D2            # mov x0, #0',
        'A8 0B 80 D2            # mov x8, #93: exit',
        '01 00 00 D4            # svc #0',
        ':message 48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 0A   # "Hello, world\\n"',
        ':ELF_end',
      ].join('\n'),
    );
    expect(program.exitCode).toBe(0);
    const ran = await execa(program.outputPath, [], { reject: false });
    expect(ran.stdout).toBe('Hello, world');
    expect(ran.exitCode).toBe(0);
  });

  it("assembles the chain's own hex2 source from its hex1 form into hex2 itself (written with named labels)", async () => {
    // The stage's source with each one-character label spelt as the word its legend gives.
    const source = (await readFile(join(AARCH64_CHAIN, '03-hex2', 'hex2.hex1'), 'latin1')).split('\n');
    const legend = new Map<string, string>();
    for (const line of source) for (const [, char, word] of line.matchAll(/(?:^#  |\s)\s(\S)  ([a-z_0-9]+)(?=\s|$)/gi)) legend.set(char!, word!);
    const named = source.map((line) => line.replace(/^([:^&%])(\S)(?=\s)/, (whole, prefix: string, char: string) => (legend.has(char) ? `${prefix}${legend.get(char)}` : whole))).join('\n');
    expect(named).not.toBe(source.join('\n'));
    const itself = await readFile(hex2);
    expect(Buffer.from(await assembled(named)).equals(itself)).toBe(true);
  });
});
