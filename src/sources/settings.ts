// Where sources may come from, gathered from the command line, the environment's values (read by
// src/environment.ts) and the mirrors file.
//
// The mirrors file holds one mirror a line; `#` starts a comment, blank lines are skipped.
// A mirror is a base URL (the file name is appended) or a URL template holding `{name}` and/or
// `{sha256}`, e.g. `https://cache.example/sha256/{sha256}` for a content-addressed mirror.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { KindlingEnvironment, ProxySettings } from '../environment.js';
import { KindlingError } from '../errors.js';

export type { ProxySettings } from '../environment.js';

export interface SourceSettings {
  readonly distfiles: readonly string[];
  readonly mirrors: readonly string[];
  readonly proxy: ProxySettings;
  /** The mirrors file that was read, if one existed. */
  readonly mirrorsFile: string | undefined;
}

/** A bad --mirror or mirrors file entry: the user must change it. */
export class SettingsError extends KindlingError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'SettingsError';
  }
}

/** Check a mirror entry; throws naming where it came from. */
export function checkMirror(mirror: string, where: string): string {
  let url: URL;
  try {
    url = new URL(mirror.replaceAll('{name}', 'x').replaceAll('{sha256}', 'x'));
  } catch {
    throw new SettingsError(`${where}: not a URL: ${mirror}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`${where}: only http and https mirrors are supported: ${mirror}`);
  }
  return mirror;
}

export function parseMirrorsFile(text: string, path: string): string[] {
  const mirrors: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line !== '') mirrors.push(checkMirror(line, `${path}:${index + 1}`));
  });
  return mirrors;
}

async function readMirrorsFile(path: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SettingsError(`cannot read mirrors file ${path}: ${(error as Error).message}`);
  }
  return parseMirrorsFile(text, path);
}

/**
 * Combine the command line's `--distfiles` and `--mirror` values with the environment's
 * distfiles directories, mirrors file and proxy settings. Command-line entries come first: they
 * are tried first.
 */
export async function resolveSourceSettings(
  args: { readonly distfiles?: readonly string[]; readonly mirrors?: readonly string[] },
  environment: Pick<KindlingEnvironment, 'distfiles' | 'mirrorsFile' | 'proxy'>,
): Promise<SourceSettings> {
  const distfiles = [...(args.distfiles ?? []), ...environment.distfiles].map((dir) => resolve(dir));
  const mirrors = (args.mirrors ?? []).map((mirror) => checkMirror(mirror, '--mirror'));
  const fromFile = await readMirrorsFile(environment.mirrorsFile);
  return {
    distfiles: [...new Set(distfiles)],
    mirrors: [...new Set([...mirrors, ...(fromFile ?? [])])],
    proxy: environment.proxy,
    mirrorsFile: fromFile === undefined ? undefined : environment.mirrorsFile,
  };
}
