// The format `sha256sum` writes and `sha256sum -c` reads: one "<64 hex digits>  <file name>" a
// line (a '*' instead of the second space marks binary mode, which means nothing on Linux).
import { isSha256, type Sha256 } from '../digest.js';

export interface Sha256SumsEntry {
  readonly file: string;
  readonly sha256: Sha256;
}

export interface Sha256Sums {
  readonly entries: readonly Sha256SumsEntry[];
  /** Lines that are neither blank nor an entry: reported, since a checksum file should hold nothing else. */
  readonly malformed: readonly { readonly line: number; readonly text: string }[];
}

const ENTRY = /^([0-9a-fA-F]{64}) [ *](.+)$/;

export function parseSha256Sums(text: string): Sha256Sums {
  const entries: Sha256SumsEntry[] = [];
  const malformed: { line: number; text: string }[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const match = ENTRY.exec(line);
    const sha256 = match?.[1]?.toLowerCase();
    const file = match?.[2];
    if (sha256 === undefined || file === undefined || !isSha256(sha256)) malformed.push({ line: i + 1, text: line });
    else entries.push({ file, sha256 });
  });
  return { entries, malformed };
}
