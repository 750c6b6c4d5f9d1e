// The x86-64 guest kernel booted as its unpacked ELF: the LZ4 legacy decoder on hand-made blocks,
// the real cloud kernel unpacked to an ELF with a PVH entry, and a fallback to the kernel as it is
// for anything else.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { bootableKernel, hasPvhEntry, lz4LegacyDecode, unpackKernel } from '../../src/sandbox/kernel-elf.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-kernel-elf-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A legacy LZ4 frame (magic, then size-prefixed blocks) around the given raw blocks. */
function frame(...blocks: number[][]): Uint8Array {
  const bytes = [0x02, 0x21, 0x4c, 0x18];
  for (const block of blocks) bytes.push(block.length & 255, (block.length >> 8) & 255, 0, 0, ...block);
  return Uint8Array.from(bytes);
}

describe('the LZ4 legacy decoder', () => {
  it('copies literals, overlapping matches (runs) and matches with long lengths', () => {
    // "ab" then a match at distance 2 of 4+2 bytes ("ababab"), then the literal "c".
    const block = [0x22, 0x61, 0x62, 0x02, 0x00, 0x10, 0x63];
    expect(Buffer.from(lz4LegacyDecode(frame(block), 9)!).toString()).toBe('abababab' + 'c');
    // One literal "x", then a run of 4+15+255+1 = 275 more "x": the length in extra bytes.
    const long = [0x1f, 0x78, 0x01, 0x00, 0xff, 0x01, 0x00];
    expect(Buffer.from(lz4LegacyDecode(frame(long), 276)!).toString()).toBe('x'.repeat(276));
    // Two blocks: the output goes on where the first stopped.
    expect(Buffer.from(lz4LegacyDecode(frame([0x10, 0x61], [0x10, 0x62]), 2)!).toString()).toBe('ab');
  });

  it('refuses what is not such a frame, a match before the start, and too little data', () => {
    expect(lz4LegacyDecode(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 4)).toBeUndefined();
    expect(lz4LegacyDecode(frame([0x10, 0x61, 0x05, 0x00]), 10)).toBeUndefined();
    expect(lz4LegacyDecode(frame([0x10, 0x61]), 5)).toBeUndefined();
  });
});

describe('the cloud kernel', () => {
  it('unpacks to an ELF with a PVH entry, which is booted in its place; anything else is booted as it is', async () => {
    const kernel = await ensureKernel();
    const image = await readFile(kernel);
    // What a killed process left (its owner provably gone) is removed; a live one's is kept.
    const owner = (pid: number) => JSON.stringify({ pid, host: hostname(), command: 'test' });
    const gone = join(tmpdir(), `kindling-kernel-test-gone-${process.pid}`);
    const alive = join(tmpdir(), `kindling-kernel-test-alive-${process.pid}`);
    for (const [path, pid] of [
      [gone, spawnSync('true').pid],
      [alive, process.pid],
    ] as const) {
      await mkdir(path, { recursive: true });
      await writeFile(join(path, 'owner'), owner(pid));
    }
    const elf = unpackKernel(image);
    expect(elf).toBeDefined();
    expect(Buffer.from(elf!.subarray(0, 4)).toString('latin1')).toBe('\x7fELF');
    expect(hasPvhEntry(elf!)).toBe(true);
    expect(elf!.length).toBeGreaterThan(image.length);

    const booted = await bootableKernel(kernel, sha256Bytes(image));
    expect(booted).not.toBe(kernel);
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    await rm(alive, { recursive: true });
    expect(Buffer.compare(await readFile(booted), Buffer.from(elf!))).toBe(0);
    // Bytes that are not the ones checked are not unpacked: the kernel path is booted, and its own check fails it.
    expect(await bootableKernel(kernel, sha256Bytes('other bytes'))).toBe(kernel);

    const notAKernel = join(dir, 'not-a-kernel');
    await writeFile(notAKernel, 'MZ and nothing else');
    expect(await bootableKernel(notAKernel, sha256Bytes('MZ and nothing else'))).toBe(notAKernel);
  }, 120_000);
});
