// Where sources may come from, gathered from the command line, the environment and the mirrors
// file. This is the one module of sources/ that reads the environment; the rest gets plain values.
//
// The mirrors file is `$KINDLING_MIRRORS_FILE`, else `$XDG_CONFIG_HOME/kindling/mirrors`, else
// `~/.config/kindling/mirrors`: one mirror a line, `#` starts a comment, blank lines are skipped.
// A mirror is a base URL (the file name is appended) or a URL template holding `{name}` and/or
// `{sha256}`, e.g. `https://cache.example/sha256/{sha256}` for a content-addressed mirror.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export interface ProxySettings {
  /** Empty strings mean "no proxy". */
  readonly httpProxy: string;
  readonly httpsProxy: string;
  readonly noProxy: string;
}

export interface SourceSettings {
  readonly distfiles: readonly string[];
  readonly mirrors: readonly string[];
  readonly proxy: ProxySettings;
  /** The mirrors file that was read, if one existed. */
  readonly mirrorsFile: string | undefined;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function mirrorsFilePath(env: Environment): string {
  if (env.KINDLING_MIRRORS_FILE) return env.KINDLING_MIRRORS_FILE;
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(configHome, 'kindling', 'mirrors');
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
 * Combine the command line's `--distfiles` and `--mirror` values with KINDLING_DISTFILES
 * (directories separated by the path delimiter), the mirrors file and the proxy variables.
 * Command-line entries come first: they are tried first.
 */
export async function resolveSourceSettings(
  args: { readonly distfiles?: readonly string[]; readonly mirrors?: readonly string[] },
  env: Environment,
): Promise<SourceSettings> {
  const distfiles = [
    ...(args.distfiles ?? []),
    ...(env.KINDLING_DISTFILES ?? '').split(delimiter).filter((dir) => dir !== ''),
  ].map((dir) => resolve(dir));
  const mirrors = (args.mirrors ?? []).map((mirror) => checkMirror(mirror, '--mirror'));
  const path = mirrorsFilePath(env);
  const fromFile = await readMirrorsFile(path);
  return {
    distfiles: [...new Set(distfiles)],
    mirrors: [...new Set([...mirrors, ...(fromFile ?? [])])],
    proxy: {
      httpProxy: env.http_proxy ?? env.HTTP_PROXY ?? '',
      httpsProxy: env.https_proxy ?? env.HTTPS_PROXY ?? '',
      noProxy: env.no_proxy ?? env.NO_PROXY ?? '',
    },
    mirrorsFile: fromFile === undefined ? undefined : path,
  };
}
