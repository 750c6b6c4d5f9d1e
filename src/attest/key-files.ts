// Key files on disk. A private key file is created with mode 0600 and refused when group or others
// may read it; its public key sits beside it as FILE.pub. Errors name the file, never its content.
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  formatPublicKey,
  generateSigningKey,
  KeyFormatError,
  parsePrivateKey,
  parsePublicKey,
  type PublicKey,
  type SigningKey,
} from './keys.js';
import { KindlingError } from '../errors.js';
import { pathExists } from '../path-exists.js';

export class KeyFileError extends KindlingError {
  override readonly name = 'KeyFileError';
  readonly path: string;

  constructor(path: string, message: string) {
    super('input', `${path}: ${message}`);
    this.path = path;
  }
}

export interface GeneratedKeyFiles {
  readonly privatePath: string;
  readonly publicPath: string;
  readonly publicKey: PublicKey;
}

/** Default key name: the file's base name without extension, reduced to signed-note characters. */
export function defaultKeyName(path: string): string {
  const base = basename(path)
    .replace(/\.[^.]*$/, '')
    .replace(/[^\x21-\x2a\x2c-\x7e]/g, '_');
  return base === '' ? 'kindling' : base;
}

export async function generateKeyFiles(privatePath: string, name = defaultKeyName(privatePath)): Promise<GeneratedKeyFiles> {
  const { signingKey, privateText } = generateSigningKey(name);
  const publicPath = `${privatePath}.pub`;
  await mkdir(dirname(privatePath), { recursive: true });
  if (await pathExists(publicPath)) throw new KeyFileError(publicPath, 'already exists; refusing to overwrite a key');
  try {
    // 'wx': never overwrite a key someone already relies on.
    await writeFile(privatePath, privateText + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new KeyFileError(privatePath, describeWriteError(error));
  }
  // The umask can only remove bits, but make the mode explicit in case the file system ignores it.
  await chmod(privatePath, 0o600);
  try {
    await writeFile(publicPath, formatPublicKey(signingKey.publicKey) + '\n', { mode: 0o644, flag: 'wx' });
  } catch (error) {
    throw new KeyFileError(publicPath, describeWriteError(error));
  }
  return { privatePath, publicPath, publicKey: signingKey.publicKey };
}

export async function loadSigningKey(path: string): Promise<SigningKey> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch {
    throw new KeyFileError(path, 'cannot read the private key file');
  }
  if ((mode & 0o077) !== 0) {
    throw new KeyFileError(
      path,
      `private key file is readable or writable by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); run chmod 600 on it`,
    );
  }
  const text = await readFile(path, 'utf8').catch(() => {
    throw new KeyFileError(path, 'cannot read the private key file');
  });
  try {
    return parsePrivateKey(text);
  } catch (error) {
    // parsePrivateKey never quotes its input; anything else it throws is replaced, not passed on.
    throw new KeyFileError(path, error instanceof KeyFormatError ? error.message : 'not a valid Ed25519 private key');
  }
}

/**
 * Trusted public keys from a file (one key a line, '#' comments) or a directory (every *.pub file in
 * it). Keys are told apart by key id: the same key listed twice is one signer.
 */
export async function loadTrustedKeys(path: string): Promise<ReadonlyMap<string, PublicKey>> {
  let files: string[];
  try {
    const info = await stat(path);
    files = info.isDirectory()
      ? (await readdir(path))
          .filter((name) => name.endsWith('.pub'))
          .sort()
          .map((name) => join(path, name))
      : [path];
  } catch {
    throw new KeyFileError(path, 'cannot read the trusted keys');
  }
  const keys = new Map<string, PublicKey>();
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const [index, rawLine] of text.split('\n').entries()) {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) continue;
      // A private key pasted into a trust file must not be echoed back in an error.
      if (line.startsWith('PRIVATE+KEY+')) throw new KeyFileError(`${file}:${index + 1}`, 'a private key is not a trusted public key');
      try {
        const key = parsePublicKey(line);
        if (!keys.has(key.keyId)) keys.set(key.keyId, key);
      } catch (error) {
        throw new KeyFileError(`${file}:${index + 1}`, error instanceof Error ? error.message : String(error));
      }
    }
  }
  if (keys.size === 0) throw new KeyFileError(path, 'no trusted public keys found');
  return keys;
}

function describeWriteError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  return code === 'EEXIST' ? 'already exists; refusing to overwrite a key' : `cannot write (${code || 'error'})`;
}
