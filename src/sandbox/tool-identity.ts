// Identity of a host tool that a backend trusts: where it is, what it says its version is, and the
// sha256 of its bytes, so a record shows exactly which build of the tool ran the stage.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { sha256File } from '../digest.js';
import type { TrustedComponent } from './sandbox.js';

/** Finds an executable on PATH (or checks an explicit path); undefined when there is none. */
export async function findExecutable(nameOrPath: string): Promise<string | undefined> {
  const candidates = nameOrPath.includes('/')
    ? [nameOrPath]
    : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).concat(['/usr/sbin', '/sbin']).map((d) => join(d, nameOrPath));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}

export async function describeTool(name: string, path: string, versionArgs: readonly string[]): Promise<TrustedComponent> {
  const result = await execa(path, versionArgs, { reject: false, all: true, timeout: 10_000 });
  const firstLine = (result.all ?? '').split('\n').find((line) => line.trim() !== '') ?? '';
  return { name, path, version: firstLine.trim(), sha256: await sha256File(path) };
}
