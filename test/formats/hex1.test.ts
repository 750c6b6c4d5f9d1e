import { describe, expect, it } from 'vitest';
import { errorOf } from './assembly-error-of.js';
import { assembleHex1 } from '../../src/formats/hex1.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('assembleHex1', () => {
  it('reads hex pairs in either case, skipping comments and blanks', () => {
    expect(assembleHex1('aB cd # comment 12\n ; 34 too\n0 1\t\r\nFf', 'x.hex1')).toEqual(bytes(0xab, 0xcd, 0x01, 0xff));
  });

  it('resolves backward and forward 32-bit relative references from the byte after the field', () => {
    // :a at 0; %a at 1..4 → 0 - 5 = -5; %b at 5..8 → 10 - 9 = 1; 90 at 9; :b at 10
    const out = assembleHex1(':a E9 %a %b 90 :b C3', 't.hex1');
    expect(Array.from(out)).toEqual([0xe9, 0xfb, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00, 0x90, 0xc3]);
  });

  it('resolves 8-bit references and rejects those that do not fit a signed byte', () => {
    expect(Array.from(assembleHex1('EB !x 90 :x', 't'))).toEqual([0xeb, 0x01, 0x90]);
    expect(Array.from(assembleHex1(':x 90 EB !x', 't'))).toEqual([0x90, 0xeb, 0xfd]);
    const far = `EB !x ${'90 '.repeat(127)} :x`; // distance 127: fits
    expect(assembleHex1(far, 't').length).toBe(129);
    const tooFar = `EB !x ${'90 '.repeat(128)} :x`; // distance 128: does not
    const error = errorOf(() => assembleHex1(tooFar, 'far.hex1'));
    expect(error.file).toBe('far.hex1');
    expect(error.line).toBe(1);
    expect(error.detail).toMatch(/does not fit/);
    const backward = `:x ${'90 '.repeat(127)} EB !x`; // x - (127 + 2) = -129
    expect(errorOf(() => assembleHex1(backward, 't')).detail).toMatch(/-129/);
  });

  it('treats any non-blank character after the prefix as the label', () => {
    expect(Array.from(assembleHex1(':: 00 %:', 't'))).toEqual([0x00, 0xfb, 0xff, 0xff, 0xff]);
  });

  it('reports an undefined label with its line', () => {
    const error = errorOf(() => assembleHex1('00\n11\n %q', 'u.hex1'));
    expect(error.message).toBe("u.hex1:3: undefined label 'q'");
  });

  it('rejects a label defined twice, stray characters, a missing name and odd digits', () => {
    expect(errorOf(() => assembleHex1(':a :a', 't')).detail).toMatch(/defined twice/);
    expect(errorOf(() => assembleHex1('00 zz', 't')).detail).toMatch(/unexpected character "z"/);
    expect(errorOf(() => assembleHex1('00 @a', 't')).detail).toMatch(/unexpected character "@"/);
    expect(errorOf(() => assembleHex1('% a', 't')).detail).toMatch(/must be followed by a label/);
    expect(errorOf(() => assembleHex1('0 :a 0', 't')).detail).toMatch(/odd number of hex digits/);
    expect(errorOf(() => assembleHex1('00 1', 't')).detail).toMatch(/end of the input/);
  });
});
