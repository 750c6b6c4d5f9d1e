// The character-level reader shared by hex1 and hex2 (both are hex0 plus label tokens).
//
// Rules, the same as the chain's own hex1 and hex2 programs follow:
// - hex digits (either case) are paired into bytes; the two digits of a pair may be separated
//   by blanks or comments, as in hex0, but a label token or the end of input may not fall
//   between them ("odd number of hex digits");
// - `#` and `;` start a comment that runs to the end of the line;
// - a blank is any byte up to 0x20 (space, tab, newline, carriage return, other controls);
// - a label token is a prefix character followed, with no blank between, by a name: exactly one
//   character in hex1, a run of non-blank characters in hex2;
// - any other character is an error, so that a typing slip cannot pass unnoticed.
import { AssemblyError } from './assembly-error.js';

export type HexToken =
  | { readonly kind: 'byte'; readonly value: number; readonly line: number }
  | { readonly kind: 'label'; readonly prefix: string; readonly name: string; readonly line: number };

export interface HexScanRules {
  /** The characters that start a label token, e.g. ":%!" for hex1. */
  readonly prefixes: string;
  /** hex1 names are one character; hex2 names run to the next blank. */
  readonly nameLength: 'one-character' | 'word';
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function isBlank(code: number): boolean {
  return code <= 0x20;
}

/**
 * Split hex1/hex2 source into bytes and label tokens. Input is taken as bytes (latin1), as the
 * chain programs see it; a label name is returned as those bytes decoded one-to-one.
 */
export function scanHex(bytes: Uint8Array, fileName: string, rules: HexScanRules): HexToken[] {
  const tokens: HexToken[] = [];
  let line = 1;
  let pendingNibble = -1;
  let pendingLine = 0;
  let i = 0;
  const failIfHalfByte = (where: string): void => {
    if (pendingNibble >= 0) {
      throw new AssemblyError(fileName, pendingLine, `odd number of hex digits (a single digit before ${where})`);
    }
  };
  while (i < bytes.length) {
    const code = bytes[i] as number;
    const char = String.fromCharCode(code);
    if (code === 0x0a) {
      line += 1;
      i += 1;
    } else if (isBlank(code)) {
      i += 1;
    } else if (char === '#' || char === ';') {
      while (i < bytes.length && bytes[i] !== 0x0a) i += 1;
    } else if (hexValue(code) >= 0) {
      if (pendingNibble < 0) {
        pendingNibble = hexValue(code);
        pendingLine = line;
      } else {
        tokens.push({ kind: 'byte', value: (pendingNibble << 4) | hexValue(code), line: pendingLine });
        pendingNibble = -1;
      }
      i += 1;
    } else if (rules.prefixes.includes(char)) {
      failIfHalfByte(`'${char}'`);
      const start = i + 1;
      let end = start;
      if (rules.nameLength === 'one-character') {
        if (end < bytes.length && !isBlank(bytes[end] as number)) end += 1;
      } else {
        while (end < bytes.length && !isBlank(bytes[end] as number)) end += 1;
      }
      if (end === start) throw new AssemblyError(fileName, line, `'${char}' must be followed by a label name`);
      const name = Buffer.from(bytes.subarray(start, end)).toString('latin1');
      tokens.push({ kind: 'label', prefix: char, name, line });
      i = end;
    } else {
      throw new AssemblyError(fileName, line, `unexpected character ${JSON.stringify(char)} (0x${code.toString(16).padStart(2, '0')})`);
    }
  }
  failIfHalfByte('the end of the input');
  return tokens;
}

/** Source may arrive as text (tests, editors) or as the bytes of a file. */
export function sourceBytes(source: string | Uint8Array): Uint8Array {
  return typeof source === 'string' ? Buffer.from(source, 'utf8') : source;
}
