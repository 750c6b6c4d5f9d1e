// Runs the compiled `kindling` command as a user would, in a child process.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KINDLING = join(REPO, 'bin', 'kindling.js');

export function kindling(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa(process.execPath, [KINDLING, ...args], {
    reject: false,
    all: true,
    cwd: options.cwd ?? REPO,
    // The test's environment plus the given variables: the CLI needs PATH to find its tools.
    env: options.env ?? {},
    stdin: 'ignore',
  });
}
