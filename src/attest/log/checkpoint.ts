// The body of a C2SP tlog-checkpoint, carried as the text of a signed note:
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n[extension lines]
import type { Hash } from './merkle.js';
import { NoteError } from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  readonly extensions: readonly string[];
}

export function formatCheckpoint(checkpoint: Checkpoint): string {
  checkOrigin(checkpoint.origin);
  const lines = [checkpoint.origin, String(checkpoint.size), Buffer.from(checkpoint.root).toString('base64'), ...checkpoint.extensions];
  return lines.map((line) => `${line}\n`).join('');
}

export function checkOrigin(origin: string): void {
  if (origin === '' || /[\u0000-\u001f\u007f]/.test(origin)) throw new NoteError('a log origin is one non-empty line of printable text');
}

export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  // text ends with '\n', so the split leaves an empty last element.
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('checkpoint needs an origin, a size and a root hash line');
  const [origin = '', sizeText = '', rootText = ''] = lines;
  checkOrigin(origin);
  // Decimal without leading zeros (except "0"), as the format requires.
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText)))
    throw new NoteError(`checkpoint size ${JSON.stringify(sizeText)} is not a decimal number`);
  const root = Buffer.from(rootText, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(rootText) || root.length !== 32) throw new NoteError('checkpoint root is not base64 of 32 bytes');
  return { origin, size: Number(sizeText), root: new Uint8Array(root), extensions: lines.slice(3, -1) };
}
