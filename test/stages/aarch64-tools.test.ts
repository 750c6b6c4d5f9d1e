// The amd64 chain's aarch64 M0 and hex2 (stages/amd64/19-aarch64-tools, C compiled by the chain's
// cc, run on x86-64) against the aarch64 chain's own (hand-written hex2 and hex1, run through
// qemu-user): the same input must give the same output, the same message and the same exit
// status, on every form, every error and the largest inputs there are (b0's whole source, and
// cc's as the amd64 cc writes it for AArch64). That is what lets stage 20-aarch64-b0 and
// 21-aarch64-cc stand for the aarch64 chain's own builds.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, CC_B0_SOURCES, chainOutput } from '../support/amd64.js';
import { assemblerRunner, type ToolRun } from '../support/tool-run.js';

let work: string;
const tools = { m0: { amd64: '', aarch64: '' }, hex2: { amd64: '', aarch64: '' } };
const m0 = {
  amd64: assemblerRunner(() => tools.m0.amd64, () => join(work, 'm0-amd64'), 'in.M0'),
  aarch64: assemblerRunner(() => tools.m0.aarch64, () => join(work, 'm0-aarch64'), 'in.M0'),
};
const hex2 = {
  amd64: assemblerRunner(() => tools.hex2.amd64, () => join(work, 'hex2-amd64'), 'in.hex2'),
  aarch64: assemblerRunner(() => tools.hex2.aarch64, () => join(work, 'hex2-aarch64'), 'in.hex2'),
};

/** Both tools on one source: the same output (or none), message and exit status. */
async function agree(runners: typeof m0, source: string | Uint8Array): Promise<ToolRun> {
  const [mine, theirs] = await Promise.all([runners.amd64(source, { outputBefore: 'left alone' }), runners.aarch64(source, { outputBefore: 'left alone' })]);
  expect([mine.stderr, mine.exitCode]).toEqual([theirs.stderr, theirs.exitCode]);
  expect(Buffer.from(mine.output ?? []).equals(Buffer.from(theirs.output ?? []))).toBe(true);
  return mine;
}

describe.skipIf(!CAN_RUN_AARCH64)("the amd64 chain's aarch64 M0 and hex2", () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-aarch64-tools-'));
    for (const dir of ['m0-amd64', 'm0-aarch64', 'hex2-amd64', 'hex2-aarch64']) await execa('mkdir', [join(work, dir)]);
    [tools.m0.amd64, tools.hex2.amd64, tools.m0.aarch64, tools.hex2.aarch64] = await Promise.all([
      chainOutput('aarch64-tools', 'bin/M0-aarch64'),
      chainOutput('aarch64-tools', 'bin/hex2-aarch64'),
      aarch64ChainOutput('M0', 'bin/M0'),
      aarch64ChainOutput('hex2', 'bin/hex2'),
    ]);
  }, 600_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("M0: the aarch64 M0's output on every form, and on b0's whole source", async () => {
    const forms = [
      'DEFINE nop 1F2003D5  DEFINE ret C0035FD6',
      "DEFINE spaced '01 02  03 04'  DEFINE empty ''",
      'nop ret spaced empty empty ; a comment',
      '"a string\\n\\t\\\\\\"\\0" # another comment',
      "'aB cd' !-128 !255 @-32768 @0xFFFF %-2147483648 %0xFFFFFFFF %42 !-0 !0X1f",
      ':label %label $label &label %a>b ^b *t =adr &-1 $5',
      'DEFINE nop D503201F nop DEFINE !1 AA !1',
      '"\u00e9"',
      '"spans',
      'lines"',
      '',
    ].join('\n');
    expect((await agree(m0, forms)).exitCode).toBe(0);
    const b0 = join(AARCH64_CHAIN, '06-b0');
    const source = Buffer.concat([await readFile(join(b0, 'aarch64.M0')), await readFile(join(b0, 'b0.M0'))]);
    const run = await agree(m0, source);
    expect(run.exitCode).toBe(0);
    expect(run.output!.length).toBeGreaterThan(30_000);
  });

  it('M0: the same message and status on every error, OUT left alone', async () => {
    const cases = ['!300', '@-32769', '%0x1FFFFFFFF', '!99999999999999999999', '!0xZZ', '!-', '!', '!0x', '!1a', '!--1', '!0x-1', '%-',
      'zz', 'a#b', "a'b", '"a"b', ':', '^', '\u0001', 'DEFINE', 'DEFINE a', "DEFINE a 'g0'", 'DEFINE a "x"', "DEFINE 'x' 01", 'DEFINE x 0G',
      "'123'", "'0g'", "'0 1 2'", '"abc', "'ab", '"\\', '"abc\ndef', '\n\n"abc\ndef', '"bad\\q"', '"bad\nx\\q"', "'0\nzz'",
      'ok "x\n\n"unclosed', 'x\n"ab\\q\nc"'];
    for (const source of cases) {
      const run = await agree(m0, source);
      expect([source, run.exitCode]).toEqual([source, 1]);
      expect(run.stderr).toMatch(/^M0: in\.M0:\d+: /);
    }
    const usage = await execa(tools.m0.amd64, ['only-one'], { reject: false });
    expect([usage.exitCode, usage.stderr]).toEqual([2, 'usage: M0 INPUT OUTPUT']);
    const missing = await execa(tools.m0.amd64, [join(work, 'no-such-file'), join(work, 'never')], { reject: false });
    expect([missing.exitCode, missing.stderr]).toEqual([1, `M0: cannot open input file: ${join(work, 'no-such-file')}`]);
    const directory = await execa(tools.m0.amd64, [work, join(work, 'never')], { reject: false });
    expect([directory.exitCode, directory.stderr]).toEqual([1, `M0: cannot read input file: ${work}`]);
  });

  it('hex2: the same bytes for every form and at both ends of a field, and b0 from its whole hex2', async () => {
    const nops = (n: number): string => '1F 20 03 D5 '.repeat(n);
    const sources = [
      ':n 1F 20 03 D5 &e 01 00 00 54 ^n 00 00 00 14 &n 17 00 00 35 ^f 00 00 00 94 *n 00 00 F8 B7 *e 01 00 18 36\n' +
        '=d 01 00 00 10 =n 02 00 00 10 =odd 03 00 00 10 &d 01 00 00 58 :e C0 03 5F D6 :d 00 00 00 00 %d>n %f $e 55 :odd 66 77 88 :f 1F 20 03 D5',
      'aB cd # a comment 12\n ; 34 another\n0 1\t\r\nFf\n0#split\n1',
      ':Aa 00 00 00 00 :BB 00 00 00 00 :Aaa 00 00 00 00 :BBa $Aa $BB $Aaa $BBa $BB>Aa',
      `*x 00 00 00 36 ${nops(2 ** 13 - 2)}:x`,
      `:x ${nops(2 ** 13)}*x 00 00 00 36`,
      '# nothing but a comment\n',
    ];
    for (const source of sources) expect((await agree(hex2, source)).exitCode).toBe(0);
    const b0 = join(AARCH64_CHAIN, '06-b0');
    const m0Run = await m0.aarch64(Buffer.concat([await readFile(join(b0, 'aarch64.M0')), await readFile(join(b0, 'b0.M0'))]));
    const common = join(AARCH64_CHAIN, 'common');
    const full = Buffer.concat([await readFile(join(common, 'elf64.hex2')), m0Run.output!, await readFile(join(common, 'elf64-end.hex2'))]);
    const run = await agree(hex2, full);
    expect(Buffer.from(run.output!).equals(await readFile(await aarch64ChainOutput('b0', 'bin/b0')))).toBe(true);
  });

  it('hex2: the same message and status on every error, OUT left alone', async () => {
    const nops = (n: number): string => '1F 20 03 D5 '.repeat(n);
    const cases = ['00 00 00 00\n11\n %quux', ':a 00 %a>nope', ':a %a>', ':long\n\n:long', ':a>b', '00 zz', 'G', '\u007f', '0 :a', '00 1',
      '% a', ':', '^', ':x 00 =x 00 00 00 10', '^x 00 00 00 14 00 :x', ':x ^x 00 00 :y 14', ':x\n&x 00 00\n# end', ':x\n=x 20 00 00\n10',
      ':x %x ^x', '^a 00 00 00 14', `*x 00 00 00 36 ${nops(2 ** 13 - 1)}:x`, `:x ${nops(2 ** 13 + 1)}\n*x 00 00 00 36`];
    for (const source of cases) {
      const run = await agree(hex2, source);
      expect([source.slice(0, 40), run.exitCode]).toEqual([source.slice(0, 40), 1]);
      expect(run.stderr).toMatch(/^hex2: in\.hex2:\d+: /);
    }
    for (const args of [['a', 'b', 'c'], [join(work, 'no-such-file'), 'o'], [work, 'o']]) {
      const [mine, theirs] = await Promise.all([
        execa(tools.hex2.amd64, args, { reject: false, cwd: work }),
        execa(tools.hex2.aarch64, args, { reject: false, cwd: work }),
      ]);
      expect([mine.exitCode, mine.stderr]).toEqual([theirs.exitCode, theirs.stderr]);
      expect(mine.exitCode).toBe(1);
    }
  });

  it('M0 and hex2 agree on hostile input: cut-off files, over-long tokens and lines, NUL bytes, many names', async () => {
    const long = (c: string, n: number): string => c.repeat(n);
    const m0Cases: [string | Uint8Array, number, string][] = [
      [`${long('x', 20_000)}\n`, 1, 'M0: in.M0:1: undefined word: xxx'],
      [`DEFINE ${long('n', 5000)} ${long('AB', 5000)}\n${long('n', 5000)}\n`, 0, ''],
      [`"${long('a', 70_000)}"\n`, 0, ''],
      [`${Array(30_000).fill('%1').join(' ')}\n`, 0, ''],
      [`:${long('L', 10_000)} ^${long('L', 10_000)}\n`, 0, ''],
      [`${Array.from({ length: 40_000 }, (_, i) => `DEFINE w${i} ${(i % 256).toString(16).padStart(2, '0')}\n`).join('')}w39999 w0\n`, 0, ''],
      [Buffer.from('DEFINE a 01\na\0a\n', 'latin1'), 1, 'M0: in.M0:2: undefined word: a'],
      // Cut off inside a literal, inside a UTF-8 sequence, after DEFINE's name.
      [Buffer.from([0x22, 0xc3]), 1, 'M0: in.M0:1: unterminated string literal: "'],
      ["'0A 0", 1, 'M0: in.M0:1: '],
      ['DEFINE nop', 1, 'M0: in.M0:1: '],
    ];
    for (const [source, status, message] of m0Cases) {
      const run = await agree(m0, source);
      expect([source.slice(0, 30), run.exitCode, run.stderr.startsWith(message)]).toEqual([source.slice(0, 30), status, true]);
    }
    const nops = (n: number): string => '1F 20 03 D5 '.repeat(n);
    const hex2Cases: [string | Uint8Array, number, string][] = [
      // Cut off after a reference, before its word is whole, and in the middle of a byte.
      [':x ^x', 1, 'hex2: in.hex2:1: no instruction word after the reference: x'],
      [':x ^x 00 00', 1, 'hex2: in.hex2:1: no instruction word after the reference: x'],
      [':x =x 00 00 00', 1, 'hex2: in.hex2:1: no instruction word after the reference: x'],
      ['00 0', 1, 'hex2: in.hex2:1: odd number of hex digits'],
      [`:${long('L', 10_000)} %${long('L', 10_000)}\n`, 0, ''],
      [`:${long('L', 10_000)} %${long('L', 9_999)}M\n`, 1, 'hex2: in.hex2:1: undefined label: LLL'],
      [`${'00 '.repeat(100_000)}\n`, 0, ''],
      [`${Array.from({ length: 30_000 }, (_, i) => `:l${i} 00 00 00 00 `).join('')}$l29999 %l0\n`, 0, ''],
      [Buffer.from('00\u000000', 'latin1'), 0, ''],
      [':a %a>b', 1, 'hex2: in.hex2:1: undefined label: b'],
      // imm19 and adr at 1 MiB: one instruction short of the edge fits, the edge does not.
      [`&x 00 00 00 54 ${nops(2 ** 18 - 2)}:x`, 0, ''],
      [`&x 00 00 00 54 ${nops(2 ** 18)}:x`, 1, 'hex2: in.hex2:1: too far for the field: x'],
      [`=x 00 00 00 10 ${nops(2 ** 18)}:x`, 1, 'hex2: in.hex2:1: too far for the field: x'],
      [':x 00 ^x 00 00 00 14', 1, 'hex2: in.hex2:1: instruction word not at a multiple of 4: x'],
      [':x ^x 01 00 00 14', 1, 'hex2: in.hex2:1: field of the word not zero: x'],
    ];
    for (const [source, status, message] of hex2Cases) {
      const run = await agree(hex2, source);
      expect([source.slice(0, 30), run.exitCode, run.stderr.startsWith(message)]).toEqual([source.slice(0, 30), status, true]);
    }
  });

  it("M0 and hex2 link the aarch64 cc that the amd64 cc writes for AArch64 (cc's own source) alike", async () => {
    const cc = await chainOutput('cc', 'bin/cc');
    const sources = join(AMD64_CHAIN, '07-cc');
    const b0 = join(AARCH64_CHAIN, '06-b0');
    const out = join(work, 'cc.M0');
    await execa(cc, ['--target', 'aarch64', '--b0', join(b0, 'rt.b0'), ...CC_B0_SOURCES, out]);
    const full = Buffer.concat([await readFile(join(b0, 'aarch64.M0')), await readFile(join(sources, 'cc-aarch64.M0')), await readFile(out)]);
    const run = await agree(m0, full);
    expect(run.exitCode).toBe(0);
    expect(run.output!.length).toBeGreaterThan(1_000_000);
    const common = join(AARCH64_CHAIN, 'common');
    const linked = Buffer.concat([await readFile(join(common, 'elf64.hex2')), run.output!, await readFile(join(common, 'elf64-end.hex2'))]);
    expect((await agree(hex2, linked)).exitCode).toBe(0);
  }, 300_000);
});
