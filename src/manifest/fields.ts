// Small readers for untyped YAML values. Each names the file and field it was reading when it fails.
import { isSha256, type Sha256 } from '../digest.js';
import { ManifestError } from './errors.js';

export type YamlMap = Record<string, unknown>;

export function asMap(file: string, field: string, value: unknown): YamlMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError(file, field, 'must be a mapping (key: value)');
  }
  return value as YamlMap;
}

export function asList(file: string, field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ManifestError(file, field, 'must be a list');
  return value;
}

export function asString(file: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ManifestError(file, field, 'must be a non-empty string');
  return value;
}

export function asSha256(file: string, field: string, value: unknown): Sha256 {
  if (value === undefined) throw new ManifestError(file, field, 'is missing: every file is named by its sha256');
  if (!isSha256(value)) {
    throw new ManifestError(file, field, `'${JSON.stringify(value)}' is not a sha256 (64 lower-case hex digits)`);
  }
  return value;
}

/** Rejects keys a reader did not expect: a misspelt key must not be silently ignored. */
export function checkKeys(file: string, field: string, map: YamlMap, allowed: readonly string[]): void {
  for (const key of Object.keys(map)) {
    if (!allowed.includes(key)) {
      const where = field === '' ? key : `${field}.${key}`;
      throw new ManifestError(file, where, `unknown key (expected one of: ${allowed.join(', ')})`);
    }
  }
}

export function required(file: string, field: string, map: YamlMap, key: string): unknown {
  if (!(key in map)) throw new ManifestError(file, field === '' ? key : `${field}.${key}`, 'is missing');
  return map[key];
}
