// The content-addressed store. Every object is named by its sha256 and written atomically:
// bytes go to a temporary file on the same filesystem, are hashed, and only a file whose hash
// matched is renamed into place. A crash or Ctrl-C can leave a stray temporary file, never a
// half-written object under a real name.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';
import { sha256Bytes, sha256File, type Sha256 } from '../digest.js';
import { KindlingError, messageOf } from '../errors.js';
import type { ProvenanceRecord } from '../run/record.js';
import { describeLeftovers, removeLeftovers } from './leftovers.js';
import { describeOwner, ownerState, readOwner, writeOwner } from './owner.js';
import { parseProvenanceRecord } from '../run/record-schema.js';
import { objectFile } from './object-file.js';

export type ImportResult =
  | { readonly ok: true; readonly sha256: Sha256; readonly path: string }
  | { readonly ok: false; readonly reason: 'hash-mismatch'; readonly expected: Sha256; readonly actual: Sha256 };

/** What an object holds when looked at: its name is a promise that is checked, not believed. */
export type ObjectCheck =
  | { readonly state: 'ok'; readonly size: number }
  | { readonly state: 'missing' }
  | { readonly state: 'corrupt'; readonly expected: Sha256; readonly actual: Sha256; readonly size: number }
  | { readonly state: 'not-a-file'; readonly expected: Sha256 };

/** A record as read from the store: absent, unreadable or malformed (with why), or well-formed. */
export type RecordRead =
  | { readonly state: 'absent' }
  | { readonly state: 'invalid'; readonly path: string; readonly problem: string }
  | { readonly state: 'ok'; readonly path: string; readonly record: ProvenanceRecord };

export class Store {
  readonly root: string;
  /**
   * Where the store says what the user should know that is not a failure: waiting for a lock and
   * who holds it, a lock lost under load, leftovers of killed runs removed. stderr unless set.
   */
  onNotice: (message: string) => void = (message) => void process.stderr.write(`kindling: ${message}\n`);

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * Open (and make, if needed) the store at `root`. A path where a store cannot live (under /proc,
   * below a file, read-only) fails here with one line, not later in a lock that retries forever.
   */
  static async open(root: string): Promise<Store> {
    try {
      await makeDirectory(resolve(root));
      for (const sub of ['objects', 'tmp', 'stages', 'locks', 'work']) {
        await makeDirectory(join(root, sub));
      }
      const probe = join(root, 'tmp', `probe.${process.pid}.${randomBytes(6).toString('hex')}`);
      await writeFile(probe, '');
      await rm(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? messageOf(error);
      throw new KindlingError('environment', `the store ${root} cannot be used (${code}): give --store a directory kindling may write to`);
    }
    return new Store(root);
  }

  objectPath(sha256: Sha256): string {
    return objectFile(join(this.root, 'objects'), sha256);
  }

  async has(sha256: Sha256): Promise<boolean> {
    try {
      return (await stat(this.objectPath(sha256))).isFile();
    } catch {
      return false;
    }
  }

  /**
   * Re-hash an object: the check made on every use. The store's objects are the chain's programs
   * and sources, a few megabytes, and node:crypto hashes far above 1 GB/s, so the whole hash is
   * affordable where a size check alone would miss a flipped byte.
   */
  async checkObject(sha256: Sha256): Promise<ObjectCheck> {
    const path = this.objectPath(sha256);
    let info;
    try {
      info = await lstat(path);
    } catch {
      return { state: 'missing' };
    }
    if (!info.isFile()) return { state: 'not-a-file', expected: sha256 };
    const actual = await sha256File(path);
    return actual === sha256 ? { state: 'ok', size: info.size } : { state: 'corrupt', expected: sha256, actual, size: info.size };
  }

  /**
   * Move a bad object (or record) out of the way, into `corrupt/`, where it can be inspected: it is
   * never deleted, and never again found under its name. Returns where it went.
   */
  async setAside(path: string): Promise<string> {
    const dir = join(this.root, 'corrupt');
    await mkdir(dir, { recursive: true });
    const target = join(
      dir,
      `${path.split('/').pop() ?? 'object'}.${new Date().toISOString().replace(/[:.]/g, '-')}.${randomBytes(3).toString('hex')}`,
    );
    await rename(path, target);
    return target;
  }

  /** A fresh path in the store's temporary directory, on the same filesystem as the objects. */
  tempPath(label: string): string {
    return join(this.root, 'tmp', `${label.replace(/[^A-Za-z0-9._-]/g, '_')}.${process.pid}.${randomBytes(6).toString('hex')}`);
  }

  /**
   * Copy a file into the store, but only if its sha256 is `expected` (when given). The copy is
   * hashed, not the source, so a file changed while being copied cannot slip in under a good name.
   */
  async importFile(source: string, expected?: Sha256): Promise<ImportResult> {
    const temp = this.tempPath('import');
    await copyFile(source, temp, constants.COPYFILE_FICLONE);
    return this.adoptTemp(temp, expected);
  }

  async importBytes(bytes: Uint8Array, expected?: Sha256): Promise<ImportResult> {
    const temp = this.tempPath('bytes');
    await writeFile(temp, bytes);
    return this.adoptTemp(temp, expected);
  }

  /**
   * Move a temporary file (made with tempPath) into the store under its hash. A file whose hash
   * differs from `expected` is deleted and reported; nothing is stored.
   */
  async adoptTemp(temp: string, expected?: Sha256): Promise<ImportResult> {
    const actual = await sha256File(temp);
    if (expected !== undefined && actual !== expected) {
      await rm(temp, { force: true });
      return { ok: false, reason: 'hash-mismatch', expected, actual };
    }
    const target = this.objectPath(actual);
    await mkdir(dirname(target), { recursive: true });
    // Objects are read-only so that a stage or a user cannot change one in place by accident.
    await chmod(temp, 0o444);
    await rename(temp, target);
    return { ok: true, sha256: actual, path: target };
  }

  recordPath(stageKey: Sha256): string {
    return join(this.root, 'stages', `${stageKey}.json`);
  }

  /** A record is hostile input like any file: its shape and its own stage key are checked here. */
  async readRecord(stageKey: Sha256): Promise<RecordRead> {
    const path = this.recordPath(stageKey);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
      return { state: 'invalid', path, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { state: 'invalid', path, problem: 'is not JSON' };
    }
    const parsed = parseProvenanceRecord(value);
    if (!parsed.ok) return { state: 'invalid', path, problem: parsed.problem };
    if (parsed.record.stageKey !== stageKey)
      return { state: 'invalid', path, problem: `names stage key ${parsed.record.stageKey}, not its file name's` };
    return { state: 'ok', path, record: parsed.record };
  }

  /** A record is written last, after every output it names is in the store: its presence means "verified". */
  async writeRecord(record: ProvenanceRecord): Promise<void> {
    const temp = this.tempPath('record');
    await writeFile(temp, JSON.stringify(record, null, 2) + '\n');
    await rename(temp, this.recordPath(record.stageKey));
  }

  /**
   * Run `fn` holding an exclusive lock named `name`, shared by every process using this store.
   * Waiting is never silent: the notice names the holder's pid and whether it still runs. A lock
   * whose holder was killed is taken over once it is LOCK_STALE_MS old; one lost while held (its
   * refresh came too late on a loaded machine) is said, not thrown from a timer: the work under it
   * is checked before anything is stored either way.
   */
  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const path = join(this.root, 'locks', `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.lock`);
    await writeFile(path, '', { flag: 'a' });
    let lost: Error | undefined;
    const options = {
      stale: LOCK_STALE_MS,
      update: 2_000,
      onCompromised: (error: Error) => {
        lost = error;
        this.onNotice(
          `the lock ${name} was lost while held (${error.message}): another run may do the same work; every result is still checked before it is stored`,
        );
      },
    };
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(path, { ...options, retries: 0 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      this.onNotice(await describeHolder(name, `${path}.owner`));
      release = await lockfile.lock(path, { ...options, retries: { retries: 100_000, factor: 1, minTimeout: 100, maxTimeout: 500 } });
    }
    await writeOwner(`${path}.owner`).catch(() => undefined);
    try {
      return await fn();
    } finally {
      // A lost lock is no longer ours to release.
      if (lost === undefined) await release().catch(() => undefined);
    }
  }

  /** Remove what killed runs left behind (see leftovers.ts); returns one line saying what, if anything. */
  async removeLeftovers(): Promise<string | undefined> {
    return describeLeftovers(await removeLeftovers(this.root));
  }
}

/** A lock not refreshed for this long belongs to a run that was killed. */
export const LOCK_STALE_MS = 10_000;

async function describeHolder(name: string, ownerFile: string): Promise<string> {
  const owner = await readOwner(ownerFile);
  if (owner === undefined) return `waiting for the lock ${name}, held by another run`;
  switch (ownerState(owner)) {
    case 'gone':
      return `the lock ${name} was left by ${describeOwner(owner)}, which is no longer running: taking it over once it is ${LOCK_STALE_MS / 1000} s old`;
    case 'alive':
      return `waiting for the lock ${name}, held by ${describeOwner(owner)}, which is still running: it ends when that run does (or stop it)`;
    case 'unknown':
      return `waiting for the lock ${name}, held by ${describeOwner(owner)}: taken over if that run stops refreshing it for ${LOCK_STALE_MS / 1000} s`;
  }
}

/**
 * mkdir -p one level at a time. Node's own recursive mkdir loops forever at full CPU on some
 * virtual filesystems (under /proc every mkdir fails with ENOENT, which it reads as "make the
 * parent first"); made level by level, the first failure is final.
 */
async function makeDirectory(path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const parent = dirname(path);
    if (parent !== path) await makeDirectory(parent);
    try {
      await mkdir(path);
    } catch (made) {
      if ((made as NodeJS.ErrnoException).code !== 'EEXIST') throw made;
    }
    return;
  }
  throw Object.assign(new Error(`${path} is not a directory`), { code: 'ENOTDIR' });
}

export function sha256OfJson(value: unknown): Sha256 {
  return sha256Bytes(JSON.stringify(value));
}
