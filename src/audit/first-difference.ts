// Where two files first differ. Reads both in step, a chunk at a time, so files of any size can be
// compared without holding either in memory: a rebuilt compiler against its recorded twin, say.
import { open, type FileHandle } from 'node:fs/promises';

export interface Difference {
  /** Offset of the first byte that differs, or the length of the shorter file when one is a prefix of the other. */
  readonly offset: number;
  /** The byte at `offset` in each file; undefined where that file has already ended. */
  readonly left?: number;
  readonly right?: number;
  readonly leftSize: number;
  readonly rightSize: number;
}

const CHUNK = 64 * 1024;

/** Fills `buffer` from the file's current position; fewer bytes only at the end of the file. */
async function readFull(file: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** The first difference between files `a` and `b`, or undefined when their bytes are equal. */
export async function firstDifference(a: string, b: string): Promise<Difference | undefined> {
  const left = await open(a, 'r');
  try {
    const right = await open(b, 'r');
    try {
      const leftSize = (await left.stat()).size;
      const rightSize = (await right.stat()).size;
      const leftBuffer = Buffer.alloc(CHUNK);
      const rightBuffer = Buffer.alloc(CHUNK);
      let position = 0;
      for (;;) {
        const [leftRead, rightRead] = await Promise.all([readFull(left, leftBuffer, position), readFull(right, rightBuffer, position)]);
        const common = Math.min(leftRead, rightRead);
        for (let i = 0; i < common; i += 1) {
          if (leftBuffer[i] !== rightBuffer[i]) {
            return { offset: position + i, left: leftBuffer[i]!, right: rightBuffer[i]!, leftSize, rightSize };
          }
        }
        if (leftRead !== rightRead) {
          const offset = position + common;
          return {
            offset,
            ...(leftRead > common ? { left: leftBuffer[common]! } : {}),
            ...(rightRead > common ? { right: rightBuffer[common]! } : {}),
            leftSize,
            rightSize,
          };
        }
        if (leftRead < CHUNK) return undefined;
        position += CHUNK;
      }
    } finally {
      await right.close();
    }
  } finally {
    await left.close();
  }
}

/** "at byte 1234 (0x4d2): 0x41 here, 0x42 there", or how one file ends early. */
export function describeDifference(difference: Difference, leftName: string, rightName: string): string {
  const where = `at byte ${difference.offset} (0x${difference.offset.toString(16)})`;
  const show = (byte: number | undefined, name: string): string =>
    byte === undefined
      ? `${name} ends there (${name === leftName ? difference.leftSize : difference.rightSize} bytes)`
      : `0x${byte.toString(16).padStart(2, '0')} in ${name}`;
  return `${where}: ${show(difference.left, leftName)}, ${show(difference.right, rightName)}`;
}

/** The same comparison for two byte arrays already in memory (a seed against its assembled source). */
export function bytesDifference(a: Uint8Array, b: Uint8Array): Difference | undefined {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i += 1) {
    if (a[i] !== b[i]) return { offset: i, left: a[i]!, right: b[i]!, leftSize: a.length, rightSize: b.length };
  }
  if (a.length === b.length) return undefined;
  return {
    offset: common,
    ...(a.length > common ? { left: a[common]! } : {}),
    ...(b.length > common ? { right: b[common]! } : {}),
    leftSize: a.length,
    rightSize: b.length,
  };
}
