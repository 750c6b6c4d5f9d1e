// The TypeScript hex0 assembler: the reference the seeds are checked against.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssemblyError } from '../../src/formats/assembly-error.js';
import { assembleHex0 } from '../../src/formats/hex0.js';
import { REPO } from '../support/cli.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function errorOf(source: string): AssemblyError {
  try {
    assembleHex0(source, 'made-up.hex0');
  } catch (error) {
    if (error instanceof AssemblyError) return error;
    throw error;
  }
  throw new Error('assembled without an error');
}

describe('assembleHex0', () => {
  it('turns pairs of hex digits of either case into bytes', () => {
    expect(assembleHex0('00 7f 80 FF aB Cd eF 10', 'x.hex0')).toEqual(bytes(0x00, 0x7f, 0x80, 0xff, 0xab, 0xcd, 0xef, 0x10));
  });

  it('skips comments that start with # or ; and run to the end of the line', () => {
    const source = '# a comment with hex: 41 42\n43 ; more 44 45\n;46\n47 # last, no newline 48';
    expect(assembleHex0(source, 'x.hex0')).toEqual(bytes(0x43, 0x47));
  });

  it('skips blanks of every kind and pairs digits across lines and comments', () => {
    expect(assembleHex0('\t4\r\n # x\n  1\n\f4 2', 'x.hex0')).toEqual(bytes(0x41, 0x42));
  });

  it('gives no bytes for empty input or input of comments only', () => {
    expect(assembleHex0('', 'x.hex0')).toEqual(bytes());
    expect(assembleHex0('# nothing\n; here\n', 'x.hex0')).toEqual(bytes());
  });

  it('accepts the bytes of a file as well as text', () => {
    expect(assembleHex0(new TextEncoder().encode('c3 # ret\n'), 'x.hex0')).toEqual(bytes(0xc3));
  });

  it('names the file and line of a stray character', () => {
    const error = errorOf('00 11\n22 # fine: g in a comment\n33 4g\n');
    expect(error.file).toBe('made-up.hex0');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^made-up\.hex0:3: unexpected character "g"/);
  });

  it('rejects a label prefix: hex0 has no labels', () => {
    expect(errorOf('00\n:a 01\n').line).toBe(2);
  });

  it('names the line of the digit left unpaired by an odd digit count', () => {
    const error = errorOf('0102\n03\n4\n# trailing comment\n');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/odd number of hex digits/);
  });

  it("assembles the hex0 seed's own source to the seed binary", async () => {
    const dir = join(REPO, 'seeds', 'amd64');
    for (const seed of ['hex0', 'kaem']) {
      const source = await readFile(join(dir, `${seed}.hex0`), 'utf8');
      expect(assembleHex0(source, `${seed}.hex0`)).toEqual(new Uint8Array(await readFile(join(dir, seed))));
    }
  });
});
