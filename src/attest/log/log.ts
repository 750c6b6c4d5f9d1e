// An append-only log of signed statements (stage results, halts, releases) kept in a directory:
//   origin                 the log's name, the first line of every checkpoint
//   entries/NNNNNNNNNNNN   entry N: the exact bytes of one DSSE envelope, never changed once written
//   checkpoints/SIZE.note  every signed checkpoint ever issued
//   checkpoint             the latest one
//   tile/…                 the same tree and entries in the C2SP tlog-tiles layout (tiles.ts)
//   tree, index/…          what an append needs to know, so it costs O(log n) (tree-state.ts)
// Entries are leaves of an RFC 6962 Merkle tree; a signed checkpoint commits to its root. Anyone
// holding an older checkpoint can prove offline that the log only grew since. Appending, signing a
// checkpoint and proving inclusion read tiles, not entries; verifyLog re-reads every entry.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { parseEnvelope } from '../dsse.js';
import type { PublicKey, SigningKey } from '../keys.js';
import { checkOrigin, formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { consistencyProof, hashesEqual, leafHash, rootOf, verifyConsistency, type Hash } from './merkle.js';
import { MAX_ENTRY_BYTES, TileError } from './tiles.js';
import { TreeReader } from './tree-reader.js';
import {
  addLeaf,
  entryPath,
  localTileSource,
  lookupIndex,
  readTreeState,
  writePartialTiles,
  writeTreeState,
  type TreeState,
} from './tree-state.js';
import { cosignNote, NoteError, parseNote, signNote, verifyNote } from './note.js';
import { KindlingError } from '../../errors.js';
import { pathExists } from '../../path-exists.js';

export const DEFAULT_ORIGIN = 'kindling.dev/log';
const ENTRY_NAME = /^[0-9]{12}$/;
const READ_BATCH = 64;

export class LogError extends KindlingError {
  override readonly name = 'LogError';

  constructor(message: string) {
    super('input', message);
  }
}

export interface AppendedEntry {
  readonly file: string;
  readonly index: number;
  readonly leafHash: string;
  /** The same bytes were already in the log at `index`; nothing was written. */
  readonly duplicate: boolean;
}

export interface LogContents {
  readonly origin: string;
  readonly leaves: readonly Hash[];
}

/** Entries must be numbered 0…n-1 with no gap: a missing number means an entry was removed. */
export async function readLog(dir: string): Promise<LogContents> {
  let origin: string;
  try {
    origin = (await readFile(join(dir, 'origin'), 'utf8')).replace(/\n$/, '');
  } catch {
    throw new LogError(`${dir}: not a log (no origin file)`);
  }
  const names = (await readdir(join(dir, 'entries')).catch(() => [] as string[])).filter((name) => !name.startsWith('.')).sort();
  for (const [index, name] of names.entries()) {
    if (!ENTRY_NAME.test(name)) throw new LogError(`${join(dir, 'entries', name)}: not an entry name`);
    if (Number(name) !== index)
      throw new LogError(`${join(dir, 'entries')}: entry ${index} is missing (next is ${name}): an entry was removed`);
  }
  // Read a batch at a time: one file after another is slow for a long log, all at once exhausts file handles.
  const leaves: Hash[] = [];
  for (let start = 0; start < names.length; start += READ_BATCH) {
    const batch = names.slice(start, start + READ_BATCH);
    leaves.push(...(await Promise.all(batch.map(async (name) => leafHash(await readFile(join(dir, 'entries', name)))))));
  }
  return { origin, leaves };
}

export async function appendToLog(dir: string, files: readonly string[], origin?: string): Promise<AppendedEntry[]> {
  await initLog(dir, origin);
  return withLogLock(dir, async () => {
    // Check every file first, so that one bad file appends nothing.
    const contents: { file: string; bytes: Buffer }[] = [];
    for (const file of files) {
      const bytes = await readFile(file).catch(() => {
        throw new LogError(`${file}: cannot read`);
      });
      let envelope;
      try {
        envelope = parseEnvelope(JSON.parse(bytes.toString('utf8')));
      } catch {
        envelope = undefined;
      }
      if (envelope === undefined) throw new LogError(`${file}: not a DSSE envelope`);
      if (bytes.length > MAX_ENTRY_BYTES)
        throw new LogError(`${file}: ${bytes.length} bytes; a log entry holds at most ${MAX_ENTRY_BYTES} (the tlog-tiles bundle limit)`);
      contents.push({ file, bytes });
    }
    const state = await loadTree(dir);
    const appended: AppendedEntry[] = [];
    for (const { file, bytes } of contents) {
      const leaf = leafHash(bytes);
      const hash = Buffer.from(leaf).toString('hex');
      const existing = await lookupIndex(dir, leaf);
      if (existing !== undefined && existing < state.size) {
        appended.push({ file, index: existing, leafHash: hash, duplicate: true });
        continue;
      }
      const index = state.size;
      const temp = join(dir, 'entries', `.${String(index)}.${process.pid}.tmp`);
      await writeFile(temp, bytes, { mode: 0o444 });
      await rename(temp, entryPath(dir, index));
      await addLeaf(dir, state, leaf);
      appended.push({ file, index, leafHash: hash, duplicate: false });
    }
    await writeTreeState(dir, state);
    return appended;
  });
}

/** The tree state, brought up to the entries on disk; built from every entry once, for a log that has none. */
async function loadTree(dir: string): Promise<TreeState> {
  let state = await readTreeState(dir);
  if (state === undefined) {
    const { leaves } = await readLog(dir);
    state = { size: 0, levels: [] };
    for (const leaf of leaves) await addLeaf(dir, state, leaf);
    await writeTreeState(dir, state);
    return state;
  }
  if (state.size > 0 && !(await pathExists(entryPath(dir, state.size - 1)))) {
    throw new LogError(
      `the tree covers ${state.size} entries but entry ${state.size - 1} is missing: the log was truncated or an entry removed`,
    );
  }
  // Entries written by an append that stopped before it saved the state.
  const before = state.size;
  while (await pathExists(entryPath(dir, state.size))) await addLeaf(dir, state, leafHash(await readFile(entryPath(dir, state.size))));
  if (state.size !== before) await writeTreeState(dir, state);
  return state;
}

export interface IssuedCheckpoint {
  readonly path: string;
  readonly checkpoint: Checkpoint;
  readonly note: string;
}

/**
 * Sign a checkpoint of the whole log. Refuses when the log does not extend the latest checkpoint:
 * an operator must never sign over a rewritten history.
 */
export async function issueCheckpoint(dir: string, key: SigningKey): Promise<IssuedCheckpoint> {
  return withLogLock(dir, async () => {
    const origin = await readOrigin(dir);
    let state: TreeState;
    try {
      state = await loadTree(dir);
    } catch (error) {
      if (error instanceof LogError) throw new LogError(`refusing to sign: ${error.message}`);
      throw error;
    }
    await writePartialTiles(dir, state);
    const tree = new TreeReader(localTileSource(dir), state.size);
    // The newest entry must be the leaf the tiles end with: a cheap check that they describe these entries.
    if (state.size > 0 && !hashesEqual(await tree.leaf(state.size - 1), leafHash(await readFile(entryPath(dir, state.size - 1))))) {
      throw new LogError(`refusing to sign: entry ${state.size - 1} is not the leaf the tiles hold: it was changed after it was appended`);
    }
    const checkpoint: Checkpoint = { origin, size: state.size, root: await tree.root(), extensions: [] };
    const text = formatCheckpoint(checkpoint);
    const previousText = await readFile(join(dir, 'checkpoint'), 'utf8').catch(() => undefined);
    let note = signNote(text, [key]);
    if (previousText !== undefined) {
      const previousNote = parseNote(previousText);
      const previous = parseCheckpoint(previousNote.text);
      const problem = await extensionProblem(previous, tree, checkpoint, origin);
      if (problem !== undefined) throw new LogError(`refusing to sign: ${problem}`);
      // Same tree: add this key's signature to the existing checkpoint (a co-signature).
      if (previousNote.text === text) note = cosignNote(previousNote, key);
    }
    await mkdir(join(dir, 'checkpoints'), { recursive: true });
    const path = join(dir, 'checkpoints', `${state.size}.note`);
    await writeAtomically(path, note);
    await writeAtomically(join(dir, 'checkpoint'), note);
    return { path, checkpoint, note };
  });
}

/** Why the tree read from tiles does not extend `previous`, proved with a consistency proof, or undefined. */
async function extensionProblem(previous: Checkpoint, tree: TreeReader, next: Checkpoint, origin: string): Promise<string | undefined> {
  if (previous.origin !== origin) return `origin ${JSON.stringify(previous.origin)} is not this log's`;
  if (previous.size > tree.size)
    return `it covers ${previous.size} entries but the log holds ${tree.size}: the log was truncated or an entry removed`;
  const proof = await tree.consistencyProof(previous.size);
  if (!verifyConsistency(previous.size, next.size, proof, previous.root, next.root)) {
    return `the first ${previous.size} entries do not hash to the latest checkpoint's root: an entry was changed, removed or reordered`;
  }
  return undefined;
}

async function readOrigin(dir: string): Promise<string> {
  try {
    return (await readFile(join(dir, 'origin'), 'utf8')).replace(/\n$/, '');
  } catch {
    throw new LogError(`${dir}: not a log (no origin file)`);
  }
}

export interface LogVerification {
  readonly ok: boolean;
  readonly origin: string;
  readonly size: number;
  /** The latest checkpoint, when it parsed. */
  readonly checkpoint?: { readonly size: number; readonly signers: readonly string[] };
  /** Entries appended after the latest checkpoint: not yet committed to by a signature. */
  readonly unsealed: number;
  readonly olderCheckpoint?: {
    readonly size: number;
    readonly signers: readonly string[];
    /** unchecked: the entries do not match the latest checkpoint, so no proof could be built. */
    readonly status: 'extended' | 'not-extended' | 'unchecked';
    readonly proofLength: number;
  };
  readonly problems: readonly string[];
}

/**
 * Recompute the tree from the entries; check the latest checkpoint's signature and root, every
 * stored checkpoint's root, and (when given) that an older checkpoint is a prefix of the latest.
 */
export async function verifyLog(
  dir: string,
  trusted: ReadonlyMap<string, PublicKey>,
  olderCheckpointText?: string,
): Promise<LogVerification> {
  const problems: string[] = [];
  let contents: LogContents;
  try {
    contents = await readLog(dir);
  } catch (error) {
    return { ok: false, origin: '', size: 0, unsealed: 0, problems: [error instanceof Error ? error.message : String(error)] };
  }
  const { origin, leaves } = contents;

  const latestText = await readFile(join(dir, 'checkpoint'), 'utf8').catch(() => undefined);
  const latest = latestText === undefined ? undefined : readSignedCheckpoint(latestText, trusted, 'latest checkpoint', origin, problems);
  if (latestText === undefined) problems.push('the log has no checkpoint');
  const latestProblem = latest === undefined ? undefined : prefixProblem(latest.checkpoint, leaves, origin);
  if (latestProblem !== undefined) problems.push(`latest checkpoint: ${latestProblem}`);
  // The tiles are what followers and witnesses read: they must describe these same entries.
  if (latest !== undefined && latestProblem === undefined) {
    const tileProblem = await tilesProblem(dir, latest.checkpoint);
    if (tileProblem !== undefined) problems.push(`tiles: ${tileProblem}`);
  }

  // Every checkpoint the log ever issued must still describe a prefix of it.
  const stored = (await readdir(join(dir, 'checkpoints')).catch(() => [] as string[])).filter((name) => name.endsWith('.note')).sort();
  for (const name of stored) {
    const text = await readFile(join(dir, 'checkpoints', name), 'utf8');
    const entry = readSignedCheckpoint(text, trusted, `checkpoints/${name}`, origin, problems);
    if (entry === undefined) continue;
    const problem = prefixProblem(entry.checkpoint, leaves, origin);
    if (problem !== undefined) problems.push(`checkpoints/${name}: ${problem}`);
  }

  let olderCheckpoint: LogVerification['olderCheckpoint'];
  if (olderCheckpointText !== undefined && latest !== undefined) {
    const older = readSignedCheckpoint(olderCheckpointText, trusted, 'older checkpoint', origin, problems);
    if (older !== undefined) {
      let status: 'extended' | 'not-extended' | 'unchecked' = 'not-extended';
      let proofLength = 0;
      if (older.checkpoint.size > latest.checkpoint.size) {
        problems.push(
          `the latest checkpoint (size ${latest.checkpoint.size}) does not extend the older one (size ${older.checkpoint.size}): the log was truncated`,
        );
      } else if (latestProblem !== undefined) {
        // A proof built from entries that do not match the latest checkpoint would prove nothing.
        status = 'unchecked';
        problems.push('cannot prove the latest checkpoint extends the older one: the entries do not match the latest checkpoint');
      } else {
        // The proof is built from the recomputed entries and checked only against the two signed roots.
        const proof = consistencyProof(leaves, older.checkpoint.size, latest.checkpoint.size);
        proofLength = proof.length;
        const consistent = verifyConsistency(
          older.checkpoint.size,
          latest.checkpoint.size,
          proof,
          older.checkpoint.root,
          latest.checkpoint.root,
        );
        status = consistent ? 'extended' : 'not-extended';
        if (!consistent)
          problems.push(
            `the latest checkpoint (size ${latest.checkpoint.size}) does not extend the older one (size ${older.checkpoint.size}): the log was rewritten or reordered`,
          );
      }
      olderCheckpoint = { size: older.checkpoint.size, signers: older.signers, status, proofLength };
    }
  }

  return {
    ok: problems.length === 0,
    origin,
    size: leaves.length,
    ...(latest ? { checkpoint: { size: latest.checkpoint.size, signers: latest.signers } } : {}),
    unsealed: latest ? Math.max(0, leaves.length - latest.checkpoint.size) : leaves.length,
    ...(olderCheckpoint ? { olderCheckpoint } : {}),
    problems,
  };
}

export interface InclusionProofResult {
  readonly index: number;
  readonly size: number;
  readonly leafHash: string;
  readonly root: string;
  readonly proof: readonly string[];
  /** The signed checkpoint the proof is against. */
  readonly checkpoint: string;
}

/** Prove an entry (given by its bytes) is in the tree the latest checkpoint commits to, from O(log n) tiles. */
export async function proveInclusion(dir: string, entry: Uint8Array): Promise<InclusionProofResult> {
  const checkpointText = await readFile(join(dir, 'checkpoint'), 'utf8').catch(() => {
    throw new LogError(`${dir}: the log has no checkpoint yet`);
  });
  const checkpoint = parseCheckpoint(parseNote(checkpointText).text);
  const leaf = leafHash(entry);
  const index = await lookupIndex(dir, leaf);
  if (index === undefined || index >= checkpoint.size) throw new LogError('the entry is not in the log up to its latest checkpoint');
  const tree = new TreeReader(localTileSource(dir), checkpoint.size);
  if (!hashesEqual(await tree.leaf(index), leaf))
    throw new LogError(`${dir}: the tiles do not hold the entry at ${index}, where its index says it is`);
  const b64 = (hash: Hash): string => Buffer.from(hash).toString('base64');
  const proof = await tree.inclusionProof(index);
  return {
    index,
    size: checkpoint.size,
    leafHash: b64(leaf),
    root: b64(checkpoint.root),
    proof: proof.map(b64),
    checkpoint: checkpointText,
  };
}

function readSignedCheckpoint(
  text: string,
  trusted: ReadonlyMap<string, PublicKey>,
  label: string,
  origin: string,
  problems: string[],
): { checkpoint: Checkpoint; signers: string[] } | undefined {
  try {
    const note = parseNote(text);
    const checkpoint = parseCheckpoint(note.text);
    const verification = verifyNote(note, trusted);
    for (const name of verification.invalid) problems.push(`${label}: the signature of ${name} does not verify`);
    if (verification.verifiedBy.length === 0) problems.push(`${label}: no trusted key signed it`);
    if (checkpoint.origin !== origin)
      problems.push(`${label}: origin ${JSON.stringify(checkpoint.origin)} is not this log's (${JSON.stringify(origin)})`);
    return { checkpoint, signers: verification.verifiedBy.map((key) => key.name) };
  } catch (error) {
    problems.push(`${label}: ${error instanceof NoteError ? error.message : String(error)}`);
    return undefined;
  }
}

async function tilesProblem(dir: string, checkpoint: Checkpoint): Promise<string | undefined> {
  // A log made before tiles has none until its next append or checkpoint: nothing to check yet.
  if (!(await pathExists(join(dir, 'tree')))) return undefined;
  try {
    const root = await new TreeReader(localTileSource(dir), checkpoint.size).root();
    return hashesEqual(root, checkpoint.root)
      ? undefined
      : `the tiles of size ${checkpoint.size} do not hash to the latest checkpoint's root: a tile was changed`;
  } catch (error) {
    if (error instanceof TileError) return error.message;
    throw error;
  }
}

/** Why `checkpoint` is not a prefix of the log's entries, or undefined when it is. */
function prefixProblem(checkpoint: Checkpoint, leaves: readonly Hash[], origin: string): string | undefined {
  if (checkpoint.origin !== origin) return `origin ${JSON.stringify(checkpoint.origin)} is not this log's`;
  if (checkpoint.size > leaves.length)
    return `it covers ${checkpoint.size} entries but the log holds ${leaves.length}: the log was truncated or an entry removed`;
  if (!hashesEqual(rootOf(leaves.slice(0, checkpoint.size)), checkpoint.root)) {
    return `the first ${checkpoint.size} entries do not hash to its root: an entry was changed, removed or reordered`;
  }
  return undefined;
}

async function initLog(dir: string, origin?: string): Promise<void> {
  await mkdir(join(dir, 'entries'), { recursive: true });
  await mkdir(join(dir, 'checkpoints'), { recursive: true });
  const existing = await readFile(join(dir, 'origin'), 'utf8').catch(() => undefined);
  if (existing === undefined) {
    const name = origin ?? DEFAULT_ORIGIN;
    checkOrigin(name);
    await writeFile(join(dir, 'origin'), `${name}\n`, { flag: 'wx' }).catch(() => undefined);
  } else if (origin !== undefined && existing.replace(/\n$/, '') !== origin) {
    throw new LogError(`${dir}: the log's origin is ${JSON.stringify(existing.replace(/\n$/, ''))}, not ${JSON.stringify(origin)}`);
  }
}

async function withLogLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const release = await lockfile.lock(dir, {
    lockfilePath: join(dir, '.lock'),
    stale: 30_000,
    update: 5_000,
    retries: { retries: 1_000, factor: 1, minTimeout: 50, maxTimeout: 200 },
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

/** A consistency proof from the log's tree of `oldSize` leaves to its latest checkpoint, from O(log n) tiles. */
export async function proveConsistency(
  dir: string,
  oldSize: number,
): Promise<{ readonly proof: Hash[]; readonly checkpoint: string; readonly size: number }> {
  const checkpointText = await readFile(join(dir, 'checkpoint'), 'utf8').catch(() => {
    throw new LogError(`${dir}: the log has no checkpoint yet`);
  });
  const checkpoint = parseCheckpoint(parseNote(checkpointText).text);
  if (oldSize > checkpoint.size)
    throw new LogError(`${dir}: the latest checkpoint covers ${checkpoint.size} entries, fewer than ${oldSize}`);
  const proof = await new TreeReader(localTileSource(dir), checkpoint.size).consistencyProof(oldSize);
  return { proof, checkpoint: checkpointText, size: checkpoint.size };
}

/**
 * Take witnesses' cosignatures into the latest checkpoint: from each note given whose text is the
 * latest checkpoint's, the signature lines it does not hold yet (a witness's newer line replaces its
 * older one). Returns the names added; notes about another checkpoint are skipped and named.
 */
export async function addCosignatures(
  dir: string,
  notes: readonly { label: string; text: string }[],
): Promise<{ added: string[]; skipped: string[]; note: string }> {
  return withLogLock(dir, async () => {
    const latestText = await readFile(join(dir, 'checkpoint'), 'utf8').catch(() => {
      throw new LogError(`${dir}: the log has no checkpoint yet`);
    });
    const latest = parseNote(latestText);
    const lines = new Map(
      latest.signatures.map((signature) => [`${signature.name} ${Buffer.from(signature.keyHash).toString('hex')}`, signature.line]),
    );
    const added: string[] = [];
    const skipped: string[] = [];
    for (const { label, text } of notes) {
      const note = parseNote(text);
      if (note.text !== latest.text) {
        skipped.push(label);
        continue;
      }
      for (const signature of note.signatures) {
        const key = `${signature.name} ${Buffer.from(signature.keyHash).toString('hex')}`;
        if (lines.get(key) === signature.line) continue;
        lines.set(key, signature.line);
        added.push(signature.name);
      }
    }
    const merged = `${latest.text}\n${[...lines.values()].join('')}`;
    const size = parseCheckpoint(latest.text).size;
    await writeAtomically(join(dir, 'checkpoints', `${size}.note`), merged);
    await writeAtomically(join(dir, 'checkpoint'), merged);
    return { added, skipped, note: merged };
  });
}
