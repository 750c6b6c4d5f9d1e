import { describe, expect, it } from 'vitest';
import { errorOf } from './assembly-error-of.js';
import { assembleHex2 } from '../../src/formats/hex2.js';
import { m0ToHex2 } from '../../src/formats/m0.js';

describe('m0ToHex2', () => {
  it('expands macros and keeps each output line on its input line', () => {
    const out = m0ToHex2('DEFINE nop 90\nDEFINE ret C3 # return\n\nnop nop ; two\nret', 'a.M0');
    expect(out.split('\n')).toEqual(['', '', '', '90 90', 'C3']);
  });

  it('lets a later DEFINE override an earlier one from that point on', () => {
    expect(m0ToHex2("DEFINE x 01 x DEFINE x '0203' x", 't')).toBe('01 0203');
  });

  it('encodes immediates of every width, signed and unsigned, decimal and hex', () => {
    expect(m0ToHex2('!-1 !255 !0x7f @-2 @0x1234 %-3 %0xDEADBEEF %4294967295 !-0x80', 't')).toBe(
      'FF FF 7F FEFF 3412 FDFFFFFF EFBEADDE FFFFFFFF 80',
    );
  });

  it('rejects out-of-range and malformed numbers', () => {
    expect(errorOf(() => m0ToHex2('!256', 't')).detail).toMatch(/does not fit in 8 bits/);
    expect(errorOf(() => m0ToHex2('!-129', 't')).detail).toMatch(/does not fit/);
    expect(errorOf(() => m0ToHex2('\n@65536', 't')).line).toBe(2);
    expect(errorOf(() => m0ToHex2('%4294967296', 't')).detail).toMatch(/does not fit in 32 bits/);
    expect(errorOf(() => m0ToHex2('%12ab', 't')).detail).toBe("malformed number '%12ab'");
    expect(errorOf(() => m0ToHex2('!0xZZ', 't')).detail).toMatch(/malformed number/);
    expect(errorOf(() => m0ToHex2('@-', 't')).detail).toMatch(/malformed number/);
  });

  it('passes label tokens through, difference form included', () => {
    expect(m0ToHex2(':loop !loop @loop %loop $loop &loop %end>start', 't')).toBe(':loop !loop @loop %loop $loop &loop %end>start');
  });

  it('emits strings with a NUL and escapes, and raw hex', () => {
    expect(m0ToHex2('"Hi\\n\\t\\\\\\"\\0#;"', 't')).toBe('48690A095C2200233B00');
    expect(m0ToHex2("'0F 05'", 't')).toBe('0F05');
    expect(m0ToHex2('"two\nlines" !1', 't').split('\n')).toEqual(['74776F0A6C696E657300', '01']);
    expect(errorOf(() => m0ToHex2('"bad \\q"', 't')).detail).toMatch(/unknown escape/);
    expect(errorOf(() => m0ToHex2('"open', 't')).detail).toMatch(/unterminated string/);
    expect(errorOf(() => m0ToHex2("'0G'", 't')).detail).toMatch(/not hex digit pairs/);
  });

  it('names an undefined bare word and its line', () => {
    expect(errorOf(() => m0ToHex2('DEFINE a 00\na\n  mystery', 'w.M0')).message).toBe("w.M0:3: unknown word 'mystery'");
    expect(errorOf(() => m0ToHex2('90', 't')).detail).toBe("unknown word '90'");
    expect(errorOf(() => m0ToHex2('DEFINE a', 't')).detail).toMatch(/DEFINE needs/);
  });

  it('produces hex2 that assembles', () => {
    const m0 = 'DEFINE jmp8 EB\n:top jmp8 !top "A"';
    expect(Array.from(assembleHex2(m0ToHex2(m0, 't.M0'), 't.hex2'))).toEqual([0xeb, 0xfe, 0x41, 0x00]);
  });
});

describe('m0ToHex2 strings beyond the Basic Multilingual Plane', () => {
  it('encodes a character outside the BMP as one UTF-8 sequence', () => {
    expect(m0ToHex2('"\u{1F600}"', 'emoji.M0').replace(/\s+/g, '')).toBe('F09F988000');
  });
});
