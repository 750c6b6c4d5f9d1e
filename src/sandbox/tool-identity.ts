// Identity of a host tool that a backend trusts: where it is, what it says its version is, and the
// sha256 of its bytes, so a record shows exactly which build of the tool ran the stage.
import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sha256File } from '../digest.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import type { TrustedComponent } from './sandbox.js';

/** Finds an executable on PATH (or checks an explicit path); undefined when there is none. */
export async function findExecutable(nameOrPath: string): Promise<string | undefined> {
  const candidates = nameOrPath.includes('/')
    ? [nameOrPath]
    : [...readEnvironment().path, '/usr/sbin', '/sbin'].map((d) => join(d, nameOrPath));
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

/** A host tool a backend needs is not installed: the machine must change, not the command. */
export class MissingToolError extends KindlingError {
  constructor(tool: string, debianPackage: string) {
    super('environment', `${tool} was not found (looked on PATH and in /usr/sbin, /sbin); install it: apt-get install ${debianPackage}`);
    this.name = 'MissingToolError';
  }
}

/** The path of a tool that must be there; throws MissingToolError naming the package to install. */
export async function requireTool(nameOrPath: string, debianPackage: string): Promise<string> {
  const path = await findExecutable(nameOrPath);
  if (path === undefined) throw new MissingToolError(nameOrPath, debianPackage);
  return path;
}

export async function describeTool(name: string, path: string, versionArgs: readonly string[]): Promise<TrustedComponent> {
  const result = await execa(path, versionArgs, { reject: false, all: true, timeout: 10_000 });
  const firstLine = (result.all ?? '').split('\n').find((line) => line.trim() !== '') ?? '';
  return { name, path, version: firstLine.trim(), sha256: await sha256File(path) };
}
