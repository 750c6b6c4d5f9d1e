// Runs the compiled `kindling` command as a user would, in a child process.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KINDLING = join(REPO, 'bin', 'kindling.js');

export function kindling(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): ResultPromise<{ reject: false; all: true }> {
  return execa('node', [KINDLING, ...args], { reject: false, all: true, cwd: options.cwd ?? REPO, env: options.env ?? {}, stdin: 'ignore' });
}
