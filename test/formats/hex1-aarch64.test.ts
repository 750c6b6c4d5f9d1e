import { describe, expect, it } from 'vitest';
import { errorOf } from './assembly-error-of.js';
import { IMM14, withBranchField } from '../../src/formats/aarch64-branch.js';
import { assembleHex1Aarch64 } from '../../src/formats/hex1-aarch64.js';

/** The output read as 32-bit little-endian words, in hex, as a disassembler shows them. */
function words(bytes: Uint8Array): string[] {
  return Array.from({ length: bytes.length / 4 }, (_, i) =>
    ((bytes[4 * i]! | (bytes[4 * i + 1]! << 8) | (bytes[4 * i + 2]! << 16)) + bytes[4 * i + 3]! * 2 ** 24).toString(16).padStart(8, '0'),
  );
}

describe('assembleHex1Aarch64', () => {
  it('fills the branch fields of the words that follow ^ and &, as an AArch64 assembler does', () => {
    // The expected words are those GNU as (binutils 2.40) makes of
    //   n: nop; b.ne e; b n; cbnz w23, n; bl far; ldr x1, data; e: ret; data: .word 0; .skip 4000; far: nop
    const source = [
      ':n 1F 20 03 D5   # nop',
      '&e 01 00 00 54   # b.ne e',
      '^n 00 00 00 14   # b n',
      '&n 17 00 00 35   # cbnz w23, n',
      '^f 00 00 00 94   # bl f',
      '&d 01 00 00 58   # ldr x1, d',
      ':e C0 03 5F D6   # ret',
      ':d 00 00 00 00',
      '00 '.repeat(4000),
      ':f 1F 20 03 D5',
    ].join('\n');
    const out = assembleHex1Aarch64(source, 'branches.hex1');
    expect(words(out.subarray(0, 32))).toEqual([
      'd503201f',
      '540000a1',
      '17fffffe',
      '35ffffb7',
      '940003ec',
      '58000041',
      'd65f03c0',
      '00000000',
    ]);
    expect(out.length).toBe(32 + 4000 + 4);
  });

  it('keeps % a 32-bit byte distance from the byte after the field, for data', () => {
    expect(Array.from(assembleHex1Aarch64(':a 00 00 00 00 %a %b :b', 'd.hex1'))).toEqual([0, 0, 0, 0, 0xf8, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  });

  it('rejects what an AArch64 branch cannot express, naming the file, line and reference', () => {
    const tooFar = `&x 00 00 00 54\n${'00 '.repeat(4 * 2 ** 18)}\n:x`; // 2^18 + 1 instructions: imm19 holds up to 2^18 - 1
    expect(errorOf(() => assembleHex1Aarch64(tooFar, 'far.hex1'))).toMatchObject({ file: 'far.hex1', line: 1 });
    expect(errorOf(() => assembleHex1Aarch64(tooFar, 'far.hex1')).detail).toMatch(
      /^&x: distance 1048580 \(262145 instructions\) does not fit the 19-bit imm19/,
    );
    expect(errorOf(() => assembleHex1Aarch64('^x 00 00 00 14 00 :x', 't')).detail).toMatch(
      /distance 5 is not a whole number of instructions/,
    );
    expect(errorOf(() => assembleHex1Aarch64('00 ^x 00 00 00 14 :x', 't')).detail).toMatch(/would start at 1, not a multiple of 4/);
    expect(errorOf(() => assembleHex1Aarch64(':x ^x 00 00 :y 14', 't')).detail).toMatch(
      /\^x must be followed by the 4 bytes of an instruction word, not ':y'/,
    );
    expect(errorOf(() => assembleHex1Aarch64(':x\n^x 00 00', 't'))).toMatchObject({
      line: 2,
      detail: expect.stringMatching(/not the end of the input/) as unknown,
    });
    expect(errorOf(() => assembleHex1Aarch64(':x ^x 01 00 00 14', 't')).detail).toMatch(/already has bits in its imm26/);
    expect(errorOf(() => assembleHex1Aarch64('^q 00 00 00 14', 't')).detail).toBe("undefined label 'q'");
    expect(errorOf(() => assembleHex1Aarch64(':a :a', 't')).detail).toBe("label 'a' defined twice");
  });

  it('encodes tbz/tbnz offsets for hex2 the same way', () => {
    // tbnz x0, #63, +0x9c from the aarch64 hex0 seed (@74 to @110): b7f804e0
    expect(withBranchField(0xb7f80000, IMM14, 0x110 - 0x74)).toEqual({ word: 0xb7f804e0 });
    expect(withBranchField(0xb7f80000, IMM14, 4 * 2 ** 13)).toMatchObject({
      error: expect.stringMatching(/does not fit the 14-bit/) as unknown,
    });
  });
});
