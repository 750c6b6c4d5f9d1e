// The chain's gunzip (stage 08-unpack, written in b0 and built by the chain's b0 under bubblewrap)
// against the host's `gzip -dc`, which is used here only as the reference to compare with: the
// same bytes for every input the test makes and for the real upstream tarballs, and for damaged
// input one located message, exit status 1 and no output file.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOutput } from '../support/amd64.js';
import { distfile, hostGunzip, REAL_TARBALLS, runTool } from '../programs/unpack/tools.js';

let work: string;
let gunzip: string;
let count = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-unpack-gunzip-'));
  gunzip = await chainOutput('unpack', 'bin/gunzip');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Writes `data` to a fresh file in the work directory and returns its path. */
async function file(data: Uint8Array, name = 'in.gz'): Promise<string> {
  count += 1;
  const path = join(work, `${count}-${name}`);
  await writeFile(path, data);
  return path;
}

/** The host's gzip at a level, on the given bytes. */
async function hostGzip(data: Uint8Array, level: number): Promise<Buffer> {
  const result = await execa('gzip', [`-${level}`, '-c', '-n'], { input: data, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(result.stdout);
}

/** Runs the chain's gunzip on a gzip file; its output's bytes, or undefined when none appeared. */
async function decompress(gz: string): Promise<{ exitCode: number | undefined; stderr: string; output: Buffer | undefined }> {
  const out = `${gz}.out`;
  const run = await runTool(gunzip, [gz, out]);
  const output = existsSync(out) ? await readFile(out) : undefined;
  return { exitCode: run.exitCode, stderr: run.stderr, output };
}

/** gunzip must give exactly what `gzip -dc` gives. */
async function expectSameAsHost(gzBytes: Uint8Array): Promise<void> {
  const gz = await file(gzBytes);
  const ours = await decompress(gz);
  expect(ours.stderr).toBe('');
  expect(ours.exitCode).toBe(0);
  expect(ours.output?.equals(await hostGunzip(gz))).toBe(true);
}

/** gunzip must refuse with exactly this message (after "gunzip: FILE: ") and write nothing. */
async function expectRejected(gzBytes: Uint8Array, message: string): Promise<void> {
  const gz = await file(gzBytes);
  const ours = await decompress(gz);
  expect(ours.stderr).toBe(`gunzip: ${gz}: ${message}\n`);
  expect(ours.exitCode).toBe(1);
  expect(ours.output).toBeUndefined();
}

/** Text-like data: words from a small vocabulary, so it compresses as source code does. */
function textLike(size: number, seed: number): Buffer {
  const words = ['int', 'return', 'struct', 'while', '(', ')', '{', '}', ';', 'x', 'count', '0', '1', '\n', '    ', 'if', 'else', '=', '+', 'buffer'];
  let state = seed;
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const word = words[state % words.length] ?? ' ';
    parts.push(word, ' ');
    length += word.length + 1;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

describe('gunzip gives the bytes gzip -dc gives', () => {
  const cases: [string, () => Buffer][] = [
    ['empty input', () => Buffer.alloc(0)],
    ['one byte', () => Buffer.from('A')],
    ['random bytes (64 KiB)', () => randomBytes(65536)],
    ['one repeated byte (1 MiB: long runs of maximal matches)', () => Buffer.alloc(1 << 20, 0x61)],
    ['a repeated 7-byte pattern', () => Buffer.from('abcdefg'.repeat(20000))],
    ['text-like data over 1 MiB', () => textLike(1_500_000, 42)],
  ];
  for (const [name, make] of cases) {
    for (const level of [1, 6, 9]) {
      it(`${name}, gzip -${level}`, async () => {
        await expectSameAsHost(await hostGzip(make(), level));
      });
    }
  }

  it('random data at gzip -1 (incompressible: stored blocks)', async () => {
    const data = randomBytes(300_000);
    const gz = await hostGzip(data, 1);
    // Larger than its input: the compressor fell back to stored blocks.
    expect(gz.length).toBeGreaterThan(data.length);
    await expectSameAsHost(gz);
  });

  it('stored blocks only (zlib level 0), fixed Huffman blocks only, Huffman-only and run-length strategies', async () => {
    const data = textLike(200_000, 7);
    await expectSameAsHost(gzipSync(data, { level: 0 }));
    await expectSameAsHost(gzipSync(data, { strategy: constants.Z_FIXED }));
    await expectSameAsHost(gzipSync(data, { strategy: constants.Z_HUFFMAN_ONLY }));
    await expectSameAsHost(gzipSync(data, { strategy: constants.Z_RLE }));
  });

  it('many small blocks (a small memory level makes zlib end blocks often)', async () => {
    await expectSameAsHost(gzipSync(textLike(300_000, 3), { memLevel: 1, level: 9 }));
  });

  it('concatenated members, one of them empty', async () => {
    const parts = [await hostGzip(Buffer.from('first member\n'), 6), await hostGzip(Buffer.alloc(0), 6), await hostGzip(textLike(100_000, 5), 9)];
    await expectSameAsHost(Buffer.concat(parts));
  });

  it('zero padding after the last member', async () => {
    await expectSameAsHost(Buffer.concat([await hostGzip(Buffer.from('padded\n'), 6), Buffer.alloc(300)]));
  });

  it('a header with every optional field: extra field, name, comment and header CRC', async () => {
    const data = textLike(10_000, 9);
    await expectSameAsHost(gzipMember(data, { extra: Buffer.from('AB\x04\x00test'), name: 'file.txt', comment: 'a comment', headerCrc: true }));
  });

  for (const name of REAL_TARBALLS) {
    it(`the upstream tarball ${name}`, async () => {
      const started = performance.now();
      const out = join(work, `${name}.tar`);
      const run = await runTool(gunzip, [distfile(name), out]);
      const seconds = (performance.now() - started) / 1000;
      expect(run.stderr).toBe('');
      expect(run.exitCode).toBe(0);
      expect((await readFile(out)).equals(await hostGunzip(distfile(name)))).toBe(true);
      expect(seconds).toBeLessThan(20);
    });
  }
});

// ---- Writing gzip by hand, for the headers and damaged streams the host's gzip does not make.

interface MemberOptions {
  readonly extra?: Buffer;
  readonly name?: string;
  readonly comment?: string;
  readonly headerCrc?: boolean;
  readonly flags?: number;
  readonly method?: number;
}

/** A gzip header as RFC 1952 lays it out. */
function gzipHeader(options: MemberOptions = {}): Buffer {
  let flags = options.flags ?? 0;
  if (options.headerCrc) flags |= 2;
  if (options.extra) flags |= 4;
  if (options.name !== undefined) flags |= 8;
  if (options.comment !== undefined) flags |= 16;
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, options.method ?? 8, flags, 0, 0, 0, 0, 0, 3])];
  if (options.extra) parts.push(Buffer.from([options.extra.length & 255, options.extra.length >> 8]), options.extra);
  if (options.name !== undefined) parts.push(Buffer.from(`${options.name}\0`, 'latin1'));
  if (options.comment !== undefined) parts.push(Buffer.from(`${options.comment}\0`, 'latin1'));
  let header = Buffer.concat(parts);
  if (options.headerCrc) {
    const crc = crc32(header) & 0xffff;
    header = Buffer.concat([header, Buffer.from([crc & 255, crc >> 8])]);
  }
  return header;
}

function trailer(data: Uint8Array): Buffer {
  const end = Buffer.alloc(8);
  end.writeUInt32LE(crc32(data), 0);
  end.writeUInt32LE(data.length >>> 0, 4);
  return end;
}

/** A whole member: header, raw deflate of data (or the given deflate bytes), trailer. */
function gzipMember(data: Uint8Array, options: MemberOptions = {}, deflated?: Buffer): Buffer {
  return Buffer.concat([gzipHeader(options), deflated ?? deflateRawSync(data), trailer(data)]);
}

/** Writes deflate's bit fields: numbers low bit first, Huffman codes high bit first. */
class BitWriter {
  private readonly out: number[] = [];
  private current = 0;
  private used = 0;

  bits(value: number, count: number): this {
    for (let i = 0; i < count; i += 1) this.bit((value >> i) & 1);
    return this;
  }

  code(value: number, length: number): this {
    for (let i = length - 1; i >= 0; i -= 1) this.bit((value >> i) & 1);
    return this;
  }

  bytes(): Buffer {
    return Buffer.from(this.used > 0 ? [...this.out, this.current] : this.out);
  }

  private bit(b: number): void {
    this.current |= b << this.used;
    this.used += 1;
    if (this.used === 8) {
      this.out.push(this.current);
      this.current = 0;
      this.used = 0;
    }
  }
}

/** Fixed-code literal/length codes of RFC 1951 3.2.6. */
function fixedLiteral(w: BitWriter, symbol: number): BitWriter {
  if (symbol < 144) return w.code(0x30 + symbol, 8);
  if (symbol < 256) return w.code(0x190 + symbol - 144, 9);
  if (symbol < 280) return w.code(symbol - 256, 7);
  return w.code(0xc0 + symbol - 280, 8);
}

describe('gunzip rejects damaged input, naming the problem and its byte offset', () => {
  const good = gzipMember(Buffer.from('hello, hello, hello\n'));

  it('an empty file', async () => {
    await expectRejected(Buffer.alloc(0), 'empty file, not gzip data at byte 0');
  });

  it('a bad magic number', async () => {
    await expectRejected(Buffer.from('PK\x03\x04 not gzip'), 'not gzip data (bad magic number) at byte 0');
  });

  it('an unknown compression method', async () => {
    await expectRejected(gzipMember(Buffer.from('x'), { method: 7 }), 'unknown compression method (only 8, deflate, is defined) at byte 2');
  });

  it('reserved flag bits', async () => {
    await expectRejected(gzipMember(Buffer.from('x'), { flags: 0x20 }), 'reserved header flag bits are set at byte 3');
  });

  it('a header cut short', async () => {
    await expectRejected(good.subarray(0, 6), 'unexpected end of data (truncated input) at byte 6');
  });

  it('a wrong header CRC', async () => {
    const member = gzipMember(Buffer.from('x'), { name: 'n', headerCrc: true });
    member[12] = (member[12] ?? 0) ^ 1;             // header: 10 bytes, "n\0", then the CRC
    await expectRejected(member, 'header CRC mismatch at byte 12');
  });

  it('block type 3', async () => {
    const data = new BitWriter().bits(1, 1).bits(3, 2).bytes();
    await expectRejected(Buffer.concat([gzipHeader(), data, trailer(Buffer.alloc(0))]), 'invalid deflate block type 3 at byte 10');
  });

  it('a stored block whose length and complement disagree', async () => {
    const block = Buffer.from([0x01, 0x05, 0x00, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64, 0x65]);
    await expectRejected(Buffer.concat([gzipHeader(), block, trailer(Buffer.from('abcde'))]), 'stored block length does not match its complement at byte 11');
  });

  it('a stored block longer than the data left', async () => {
    const block = Buffer.from([0x01, 0x00, 0x10, 0xff, 0xef, 0x61, 0x62]);
    await expectRejected(Buffer.concat([gzipHeader(), block]), 'unexpected end of data in a stored block (truncated input) at byte 17');
  });

  it('an over-subscribed code-length code (invalid code lengths)', async () => {
    // Dynamic block, 257 + 1 codes, 4 code-length code lengths, all 1: three codes of one bit.
    const w = new BitWriter().bits(1, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(0, 4);
    for (let i = 0; i < 4; i += 1) w.bits(1, 3);
    await expectRejected(Buffer.concat([gzipHeader(), w.bytes(), Buffer.alloc(8)]), 'invalid code lengths for the code-length code at byte 13');
  });

  it('too many literal/length codes', async () => {
    const w = new BitWriter().bits(1, 1).bits(2, 2).bits(30, 5).bits(0, 5).bits(0, 4);
    await expectRejected(Buffer.concat([gzipHeader(), w.bytes(), Buffer.alloc(8)]), 'too many literal/length codes in a dynamic block at byte 10');
  });

  it('an over-subscribed literal/length code', async () => {
    // Code-length code: symbols 1 and 18 of one bit each (a complete code, 0 = "1", 1 = "18").
    // Then every literal/length code length 1: far more one-bit codes than exist.
    const w = new BitWriter().bits(1, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(14, 4);
    const order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1];
    for (const symbol of order) w.bits(symbol === 1 || symbol === 18 ? 1 : 0, 3);
    for (let i = 0; i < 258; i += 1) w.code(0, 1);
    await expectRejected(Buffer.concat([gzipHeader(), w.bytes(), Buffer.alloc(8)]), `invalid literal/length code lengths at byte ${10 + Math.floor((3 + 14 + 18 * 3 + 258) / 8)}`);
  });

  it('a distance too far back', async () => {
    // Fixed codes: a match of length 3 at distance 1 before any byte was written.
    const w = new BitWriter().bits(1, 1).bits(1, 2);
    fixedLiteral(w, 257).code(0, 5);
    fixedLiteral(w, 256);
    await expectRejected(Buffer.concat([gzipHeader(), w.bytes(), Buffer.alloc(8)]), 'distance too far back (before the start of the output) at byte 11');
  });

  it('a distance symbol that does not exist (30)', async () => {
    const w = new BitWriter().bits(1, 1).bits(1, 2);
    fixedLiteral(w, 65);
    fixedLiteral(w, 257).code(30, 5);
    fixedLiteral(w, 256);
    await expectRejected(Buffer.concat([gzipHeader(), w.bytes(), Buffer.alloc(8)]), 'invalid distance symbol (30 or 31) at byte 12');
  });

  it('data cut short inside the deflate stream', async () => {
    const whole = await hostGzip(textLike(50_000, 11), 6);
    const cut = Math.floor(whole.length / 2);
    await expectRejected(whole.subarray(0, cut), `unexpected end of data (truncated input) at byte ${cut}`);
  });

  it('a trailer cut short', async () => {
    await expectRejected(good.subarray(0, good.length - 3), `unexpected end of data (truncated input) at byte ${good.length - 3}`);
  });

  it('a CRC-32 mismatch', async () => {
    const bad = Buffer.from(good);
    bad[bad.length - 8] = (bad[bad.length - 8] ?? 0) ^ 0x40;
    await expectRejected(bad, `CRC-32 mismatch (the data is corrupt) at byte ${good.length - 8}`);
  });

  it('a length (ISIZE) mismatch', async () => {
    const bad = Buffer.from(good);
    bad[bad.length - 4] = (bad[bad.length - 4] ?? 0) + 1;
    await expectRejected(bad, `length mismatch (ISIZE) at byte ${good.length - 4}`);
  });

  it('bytes after the last member that are not padding', async () => {
    await expectRejected(Buffer.concat([good, Buffer.from('junk')]), `trailing bytes after the last gzip member at byte ${good.length}`);
  });

  it('leaves an existing output file as it was', async () => {
    const gz = await file(Buffer.from('not gzip at all'));
    const out = join(work, 'existing.out');
    await writeFile(out, 'earlier\n');
    const run = await runTool(gunzip, [gz, out]);
    expect(run.exitCode).toBe(1);
    expect(await readFile(out, 'utf8')).toBe('earlier\n');
  });

  it('a missing input file, and a wrong number of arguments', async () => {
    const missing = join(work, 'no-such.gz');
    const run = await runTool(gunzip, [missing, join(work, 'out')]);
    expect(run.stderr).toBe(`gunzip: cannot open ${missing}\n`);
    expect(run.exitCode).toBe(1);
    const usage = await runTool(gunzip, [missing]);
    expect(usage.stderr).toBe('gunzip: usage: gunzip IN OUT\n');
    expect(usage.exitCode).toBe(1);
  });

  it('300 damaged copies of a real stream: the same bytes as gzip -dc, or a located error and no output', async () => {
    // Bytes flipped, deleted or the stream cut, at random places (a fixed seed). Where gzip -dc
    // accepts the damaged stream (it can happen only if the CRC still matches), so must gunzip.
    let seed = 20261125;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const original = await hostGzip(textLike(40_000, 13), 6);
    let rejected = 0;
    for (let n = 0; n < 300; n += 1) {
      let damaged = Buffer.from(original);
      const at = random(damaged.length);
      const kind = random(3);
      if (kind === 0) damaged[at] = (damaged[at] ?? 0) ^ (1 << random(8));
      else if (kind === 1) damaged = Buffer.concat([damaged.subarray(0, at), damaged.subarray(at + 1)]);
      else damaged = damaged.subarray(0, at);
      const gz = await file(damaged, 'damaged.gz');
      const ours = await decompress(gz);
      const host = await execa('gzip', ['-dc', gz], { reject: false, encoding: 'buffer' });
      if (ours.exitCode === 0) {
        expect(host.exitCode).toBe(0);
        expect(ours.output?.equals(Buffer.from(host.stdout))).toBe(true);
      } else {
        rejected += 1;
        expect(ours.exitCode).toBe(1);
        expect(ours.stderr).toMatch(/^gunzip: \S+: [^\n]+ at byte \d+\n$/);
        expect(ours.output).toBeUndefined();
      }
    }
    expect(rejected).toBeGreaterThan(250);
  });
});
