import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesDifference, describeDifference, firstDifference } from '../../src/audit/first-difference.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-first-difference-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function file(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Deterministic pseudo-random bytes, so a difference far into a file is not found by luck. */
function bytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('firstDifference', () => {
  it('finds nothing in equal files, also across many chunks', async () => {
    const data = bytes(3 * 65536 + 17);
    expect(await firstDifference(await file('a', data), await file('b', data))).toBeUndefined();
    expect(await firstDifference(await file('e1', new Uint8Array()), await file('e2', new Uint8Array()))).toBeUndefined();
  });

  it('finds a byte that differs far past the first chunk', async () => {
    const data = bytes(5_000_000);
    const changed = data.slice();
    const at = 4_321_987;
    changed[at] = data[at]! ^ 0x40;
    const difference = await firstDifference(await file('big1', data), await file('big2', changed));
    expect(difference).toEqual({ offset: at, left: data[at], right: data[at]! ^ 0x40, leftSize: 5_000_000, rightSize: 5_000_000 });
  });

  it('reports where the shorter file ends when one is a prefix of the other', async () => {
    const data = bytes(65536 * 2);
    const difference = await firstDifference(await file('short', data.subarray(0, 65536)), await file('long', data));
    expect(difference).toEqual({ offset: 65536, right: data[65536], leftSize: 65536, rightSize: 131072 });
    expect(describeDifference(difference!, 'expected', 'rebuilt')).toBe(
      `at byte 65536 (0x10000): expected ends there (65536 bytes), 0x${data[65536]!.toString(16).padStart(2, '0')} in rebuilt`,
    );
  });

  it('agrees with the in-memory comparison', async () => {
    const a = bytes(70_000, 3);
    const b = a.slice();
    b[69_999] = a[69_999]! ^ 1;
    expect(await firstDifference(await file('m1', a), await file('m2', b))).toEqual(bytesDifference(a, b));
    expect(bytesDifference(a, a)).toBeUndefined();
  });
});
