import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf } from './assembly-error-of.js';
import { HEX2_BASE_ADDRESS, assembleHex2 } from '../../src/formats/hex2.js';

const COMMON = new URL('../../stages/amd64/common/', import.meta.url);
const ELF_HEADER = readFileSync(new URL('elf64.hex2', COMMON), 'utf8');
const ELF_END = readFileSync(new URL('elf64-end.hex2', COMMON), 'utf8');

const u32 = (out: Uint8Array, at: number): number => Buffer.from(out).readUInt32LE(at);

describe('assembleHex2', () => {
  it('encodes every reference width, forward and backward', () => {
    const out = assembleHex2(':start 90 !end @end %end $one>start &start %start :end\n:one', 't.hex2');
    // offsets: 90@0, !@1, @@2-3, %@4-7, $@8-9, &@10-13, %@14-17, end = 18
    expect(out[1]).toBe(18 - 2);
    expect(Buffer.from(out).readInt16LE(2)).toBe(18 - 4);
    expect(u32(out, 4)).toBe(18 - 8);
    expect(Buffer.from(out).readUInt16LE(8)).toBe(18); // one>start: 18 - 0
    expect(u32(out, 10)).toBe(HEX2_BASE_ADDRESS);
    expect(Buffer.from(out).readInt32LE(14)).toBe(0 - 18);
    expect(out.length).toBe(18);
  });

  it('computes label differences, negative ones included', () => {
    const out = assembleHex2(':a 00 00 00 :b %b>a %a>b !a>b @a>b', 't');
    expect(Buffer.from(out).readInt32LE(3)).toBe(3);
    expect(Buffer.from(out).readInt32LE(7)).toBe(-3);
    expect(Buffer.from(out).readInt8(11)).toBe(-3);
    expect(Buffer.from(out).readInt16LE(12)).toBe(-3);
  });

  it('range-checks 8 and 16-bit fields, and a 16-bit absolute never fits above 0x10000', () => {
    expect(() => assembleHex2(`!x ${'00 '.repeat(127)}:x`, 't')).not.toThrow();
    expect(errorOf(() => assembleHex2(`!x ${'00 '.repeat(128)}:x`, 't')).detail).toMatch(/128 does not fit in 8 bits/);
    expect(errorOf(() => assembleHex2(`:x ${'00 '.repeat(32767)} @x`, 't')).detail).toMatch(/-32769 does not fit in 16 bits/);
    expect(() => assembleHex2(`:x ${'00 '.repeat(32766)} @x`, 't')).not.toThrow();
    expect(errorOf(() => assembleHex2(':x $x', 't')).detail).toMatch(/6291456 does not fit in 16 bits/);
    expect(errorOf(() => assembleHex2(':a 00 :b $a>b', 't')).detail).toMatch(/-1 does not fit/);
  });

  it('reports undefined labels, duplicates and bad names with file and line', () => {
    expect(errorOf(() => assembleHex2('00\n%nowhere', 'p.hex2')).message).toBe("p.hex2:2: undefined label 'nowhere'");
    expect(errorOf(() => assembleHex2(':a 00 :b %a>c', 'p')).detail).toBe("undefined label 'c'");
    expect(errorOf(() => assembleHex2(':a\n:a', 'p')).line).toBe(2);
    expect(errorOf(() => assembleHex2(':a>b', 'p')).detail).toMatch(/contains '>'/);
    expect(errorOf(() => assembleHex2('00 xyz', 'p')).detail).toMatch(/unexpected character/);
  });

  it('takes any run of non-blank characters as a name, comment characters included', () => {
    const out = assembleHex2(':a#b;c 00 %a#b;c # a real comment', 't');
    expect(Buffer.from(out).readInt32LE(1)).toBe(-5);
  });
});

describe('the ELF64 header in hex2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-hex2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function build(name: string, program: string): { path: string; bytes: Uint8Array } {
    const bytes = assembleHex2(`${ELF_HEADER}\n${program}\n${ELF_END}`, `${name}.hex2`);
    const path = join(dir, name);
    writeFileSync(path, bytes);
    chmodSync(path, 0o755);
    return { path, bytes };
  }

  it('makes a program that runs and whose sizes and entry are right', () => {
    const { path, bytes } = build(
      'exit42',
      `:_start
       B8 3C 00 00 00   # mov eax, 60 (exit)
       BF 2A 00 00 00   # mov edi, 42
       0F 05            # syscall`,
    );
    expect(bytes.length).toBe(120 + 12);
    const header = Buffer.from(bytes);
    expect(header.readBigUInt64LE(24)).toBe(BigInt(HEX2_BASE_ADDRESS + 120)); // e_entry
    expect(header.readBigUInt64LE(96)).toBe(132n); // p_filesz
    expect(header.readBigUInt64LE(104)).toBe(132n); // p_memsz
    expect(spawnSync(path).status).toBe(42);
  });

  it('prints through the write syscall, using absolute addresses and a size difference', () => {
    const { path } = build(
      'hello',
      `:_start
       B8 01 00 00 00        # mov eax, 1 (write)
       BF 01 00 00 00        # mov edi, 1 (stdout)
       BE &message           # mov esi, address of message
       BA %message_end>message # mov edx, its length
       0F 05                 # syscall
       B8 3C 00 00 00        # mov eax, 60 (exit)
       31 FF                 # xor edi, edi
       0F 05                 # syscall
       :message 48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 0A :message_end`,
    );
    expect(execFileSync(path, { encoding: 'utf8' })).toBe('Hello, world\n');
  });
});
