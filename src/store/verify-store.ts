// `kindling store verify`: re-hash every object in the store and re-read every record, in the
// manner of Nix's `store verify --check-contents`. An object whose bytes are not its name, a record
// that is malformed, and a record naming an object that is missing or bad are each reported with
// what was expected and what was found. Repair moves every bad thing aside (into corrupt/, never
// deleted) so that the next fetch and run make them again from their sources.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isSha256, sha256File, type Sha256 } from '../digest.js';
import type { Store } from './store.js';

export interface BadObject {
  readonly path: string;
  /** The name the object is stored under: what its bytes should hash to. */
  readonly expected: string;
  readonly actual: Sha256 | 'not a regular file';
  readonly size?: number;
}

export interface BadRecord {
  readonly path: string;
  readonly problem: string;
}

export interface StoreVerifyReport {
  readonly objects: number;
  readonly bytes: number;
  readonly records: number;
  readonly durationMs: number;
  readonly badObjects: readonly BadObject[];
  readonly badRecords: readonly BadRecord[];
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export async function verifyStore(store: Store): Promise<StoreVerifyReport> {
  const started = performance.now();
  const badObjects: BadObject[] = [];
  const good = new Set<string>();
  let objects = 0;
  let bytes = 0;
  const objectsDir = join(store.root, 'objects');
  for (const prefix of await entries(objectsDir)) {
    const prefixDir = join(objectsDir, prefix);
    if (!(await lstat(prefixDir)).isDirectory()) {
      badObjects.push({ path: prefixDir, expected: 'a directory of objects', actual: 'not a regular file' });
      continue;
    }
    for (const name of await entries(prefixDir)) {
      const path = join(prefixDir, name);
      objects += 1;
      const info = await lstat(path);
      if (!info.isFile()) {
        badObjects.push({ path, expected: name, actual: 'not a regular file' });
        continue;
      }
      bytes += info.size;
      const actual = await sha256File(path);
      // An object lives under objects/<first two hex digits>/<sha256>; anything else is misplaced.
      if (actual !== name || !name.startsWith(prefix) || prefix.length !== 2) {
        badObjects.push({ path, expected: name, actual, size: info.size });
      } else {
        good.add(name);
      }
    }
  }

  const badRecords: BadRecord[] = [];
  const recordNames = (await entries(join(store.root, 'stages'))).filter((name) => name.endsWith('.json'));
  for (const name of recordNames) {
    const key = name.slice(0, -'.json'.length);
    const path = join(store.root, 'stages', name);
    if (!isSha256(key)) {
      badRecords.push({ path, problem: 'is not named by a stage key' });
      continue;
    }
    const read = await store.readRecord(key);
    if (read.state !== 'ok') {
      badRecords.push({ path, problem: read.state === 'invalid' ? read.problem : 'vanished while being read' });
      continue;
    }
    // A record stands for its outputs and its log: each must be in the store, whole.
    const named = [...read.record.outputs.map((o) => ({ what: `output ${o.path}`, sha256: o.sha256 }))];
    if (read.record.logSha256 !== undefined) named.push({ what: 'log', sha256: read.record.logSha256 });
    const missing = named.filter((file) => !good.has(file.sha256));
    if (missing.length > 0) {
      badRecords.push({
        path,
        problem: `names ${missing.map((m) => `${m.what} (sha256 ${m.sha256})`).join(', ')}, not in the store whole`,
      });
    }
  }
  return { objects, bytes, records: recordNames.length, durationMs: performance.now() - started, badObjects, badRecords };
}

/** Move every bad object and record aside, into corrupt/. Returns where each went. */
export async function setAsideBad(store: Store, report: StoreVerifyReport): Promise<{ readonly from: string; readonly to: string }[]> {
  const moved: { from: string; to: string }[] = [];
  for (const bad of [...report.badObjects, ...report.badRecords]) moved.push({ from: bad.path, to: await store.setAside(bad.path) });
  return moved;
}

export function describeBadObject(bad: BadObject): string {
  return `${bad.path}: expected sha256 ${bad.expected}, found ${bad.actual}${bad.size === undefined ? '' : ` (${bad.size} bytes)`}`;
}
