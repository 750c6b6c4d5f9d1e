// Reference M0 macro assembler: M0 text in, hex2 text out.
//
//   DEFINE NAME HEX     NAME emits HEX from here on (a later DEFINE of NAME overrides it);
//                       HEX is a word of hex digit pairs or a 'quoted' raw hex literal
//   NAME                emits its macro's hex; a bare word that is no macro is an error
//   "text"              the bytes of text (UTF-8) and a NUL; escapes \n \t \\ \" \0
//   'HEX'               raw hex, passed through (checked to be hex digit pairs)
//   !N @N %N            8/16/32-bit little-endian immediates; N is decimal (optionally negative)
//                       or 0x hex (optionally negative); accepted range −2^(w−1) … 2^w − 1
//   :x !x @x %x $x &x   label tokens (the prefix followed by something not a number) pass
//                       through to hex2 unchanged, including the `a>b` difference form
//   # ;                 at the start of a token, a comment to the end of the line
//
// Output line N holds what input line N produced (a token belongs to the line it starts on), so
// an error that hex2 reports by line points straight into the M0 source.
import { AssemblyError } from './assembly-error.js';
import { SIGNED_16, SIGNED_32, SIGNED_8, fits, littleEndian } from './little-endian.js';

interface Token {
  readonly text: string;
  readonly kind: 'word' | 'string' | 'hex';
  readonly line: number;
}

const IMMEDIATE_WIDTHS: Readonly<Record<string, 1 | 2 | 4>> = { '!': 1, '@': 2, '%': 4 };
const LABEL_PREFIXES = ':!@%$&';
const NUMBER_PATTERN = /^-?(0[xX][0-9a-fA-F]+|[0-9]+)$/;
const HEX_PAIRS_PATTERN = /^([0-9a-fA-F]{2})*$/;

function isSpace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\v' || char === '\f';
}

function tokenize(text: string, fileName: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '\n') {
      line += 1;
      i += 1;
    } else if (isSpace(char)) {
      i += 1;
    } else if (char === '#' || char === ';') {
      while (i < text.length && text[i] !== '\n') i += 1;
    } else if (char === '"' || char === "'") {
      const startLine = line;
      let j = i + 1;
      let body = '';
      for (;;) {
        if (j >= text.length) throw new AssemblyError(fileName, startLine, `unterminated ${char === '"' ? 'string' : 'hex'} literal`);
        const c = text[j] as string;
        if (c === char) break;
        if (c === '\n') line += 1;
        if (c === '\\' && char === '"' && j + 1 < text.length) {
          body += c + (text[j + 1] as string);
          j += 2;
          continue;
        }
        body += c;
        j += 1;
      }
      tokens.push({ text: body, kind: char === '"' ? 'string' : 'hex', line: startLine });
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !isSpace(text[j] as string)) j += 1;
      tokens.push({ text: text.slice(i, j), kind: 'word', line });
      i = j;
    }
  }
  return tokens;
}

function hexOfBytes(bytes: Iterable<number>): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

function stringHex(token: Token, fileName: string): string {
  const bytes: number[] = [];
  const escapes: Readonly<Record<string, number>> = { n: 0x0a, t: 0x09, '\\': 0x5c, '"': 0x22, '0': 0x00 };
  // By code point, not UTF-16 unit, so a character outside the Basic Multilingual Plane is one
  // UTF-8 sequence, exactly as the chain's M0 copies the file's bytes.
  const chars = Array.from(token.text);
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i] as string;
    if (char === '\\') {
      const next = chars[i + 1] ?? '';
      const value = escapes[next];
      if (value === undefined) throw new AssemblyError(fileName, token.line, `unknown escape '\\${next}' in string`);
      bytes.push(value);
      i += 1;
    } else {
      bytes.push(...Buffer.from(char, 'utf8'));
    }
  }
  bytes.push(0);
  return hexOfBytes(bytes);
}

function rawHex(text: string, token: Token, fileName: string): string {
  const compact = text.replace(/\s+/g, '');
  if (!HEX_PAIRS_PATTERN.test(compact)) throw new AssemblyError(fileName, token.line, `'${text}' is not hex digit pairs`);
  return compact.toUpperCase();
}

function immediateHex(token: Token, width: 1 | 2 | 4, fileName: string): string {
  const digits = token.text.slice(1);
  if (!NUMBER_PATTERN.test(digits)) throw new AssemblyError(fileName, token.line, `malformed number '${token.text}'`);
  const negative = digits.startsWith('-');
  const magnitude = Number.parseInt(negative ? digits.slice(1) : digits);
  const value = negative ? -magnitude : magnitude;
  const signed = width === 1 ? SIGNED_8 : width === 2 ? SIGNED_16 : SIGNED_32;
  const range = { min: signed.min, max: 2 ** (width * 8) - 1 };
  if (!fits(value, range)) {
    throw new AssemblyError(fileName, token.line, `${token.text}: ${value} does not fit in ${width * 8} bits (${range.min}..${range.max})`);
  }
  return hexOfBytes(littleEndian(value, width));
}

/** Is the rest of a `!@%` token meant as a number? A digit or a minus sign says so. */
function looksNumeric(rest: string): boolean {
  return /^-|^[0-9]/.test(rest);
}

export function m0ToHex2(text: string, fileName: string): string {
  const tokens = tokenize(text, fileName);
  const macros = new Map<string, string>();
  const lineCount = text.split('\n').length;
  const outputLines: string[][] = Array.from({ length: lineCount }, () => []);
  const emit = (token: Token, hex: string): void => {
    if (hex !== '') (outputLines[token.line - 1] as string[]).push(hex);
  };

  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    if (token.kind === 'string') {
      emit(token, stringHex(token, fileName));
      continue;
    }
    if (token.kind === 'hex') {
      emit(token, rawHex(token.text, token, fileName));
      continue;
    }
    if (token.text === 'DEFINE') {
      const name = tokens[i + 1];
      const value = tokens[i + 2];
      if (name === undefined || name.kind !== 'word' || value === undefined || value.kind === 'string') {
        throw new AssemblyError(fileName, token.line, 'DEFINE needs a name and a hex value');
      }
      macros.set(name.text, rawHex(value.text, value, fileName));
      i += 2;
      continue;
    }
    const macro = macros.get(token.text);
    if (macro !== undefined) {
      emit(token, macro);
      continue;
    }
    const prefix = token.text[0] as string;
    const width = IMMEDIATE_WIDTHS[prefix];
    if (width !== undefined && looksNumeric(token.text.slice(1))) {
      emit(token, immediateHex(token, width, fileName));
      continue;
    }
    if (LABEL_PREFIXES.includes(prefix) && token.text.length > 1) {
      emit(token, token.text);
      continue;
    }
    throw new AssemblyError(fileName, token.line, `unknown word '${token.text}'`);
  }
  return outputLines.map((parts) => parts.join(' ')).join('\n');
}
