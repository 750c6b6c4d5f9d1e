// The header of a test program: its expected output, exit status and arguments, written as
// "// stdout:", "// exit:" and "// args:" lines at the top (b0 and C programs alike).
import { readFileSync } from 'node:fs';

export interface ProgramHeader {
  readonly stdout: string;
  readonly exitCode: number;
  readonly args: readonly string[];
}

/** Reads the header; "SELF" among the arguments stands for the program's own path. */
export function readHeader(path: string): ProgramHeader {
  const lines = readFileSync(path, 'utf8').split('\n');
  const values = (key: string): string[] => lines.filter((l) => l.startsWith(`// ${key}: `)).map((l) => l.slice(key.length + 5));
  const exit = values('exit')[0];
  if (exit === undefined) throw new Error(`${path}: no "// exit:" line`);
  const stdout = values('stdout')
    .map((l) => `${l}\n`)
    .join('');
  const args = (values('args')[0] ?? '')
    .split(' ')
    .filter((a) => a !== '')
    .map((a) => (a === 'SELF' ? path : a));
  return { stdout, exitCode: Number(exit), args };
}
