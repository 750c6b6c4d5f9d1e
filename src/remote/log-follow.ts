// Follow a log published on a remote (log-publish.ts): fetch its checkpoint, check the signature
// with the trusted log keys, and prove that it extends the checkpoint this follower last verified,
// kept in a state directory with the leaf hashes seen so far:
//   <state>/checkpoint   the last verified checkpoint (a signed note)
//   <state>/leaves       its leaf hashes, 32 bytes each, in order
// Only the leaf hashes after the kept size are fetched, from the log's level-0 tiles (32 bytes an
// entry, 256 entries a request); the new root is recomputed from the kept leaves and them, and an RFC 9162 consistency proof between the two signed roots is built and checked.
// A remote that rewrote or truncated its history is reported with both checkpoints, and the kept
// state is left as it was, so the evidence survives the report.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PublicKey } from '../attest/keys.js';
import { parseCheckpoint, type Checkpoint } from '../attest/log/checkpoint.js';
import {
  consistencyProof,
  hashesEqual,
  inclusionProof,
  leafHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../attest/log/merkle.js';
import { NoteError, parseNote, verifyNote } from '../attest/log/note.js';
import { verifyCosignatures } from '../attest/log/cosignature.js';
import { RemoteError, type RemoteClient } from './http.js';
import { LOG_PREFIX } from './log-publish.js';
import { TileError } from '../attest/log/tiles.js';
import { TreeReader, type TileSource } from '../attest/log/tree-reader.js';

export type FollowStatus = 'first' | 'unchanged' | 'extended' | 'rewritten' | 'inconsistent' | 'unwitnessed';

export interface WitnessPolicy {
  readonly keys: ReadonlyMap<string, PublicKey>;
  /** Cosignatures of distinct trusted witnesses the remote checkpoint must carry. */
  readonly threshold: number;
}

export interface CheckpointSummary {
  readonly size: number;
  readonly root: string;
  readonly note: string;
}

export interface InclusionCheck {
  readonly label: string;
  readonly leafHash: string;
  /** Absent when the entry is not in the log. */
  readonly index?: number;
  readonly proof?: readonly string[];
  readonly verified: boolean;
}

export interface FollowResult {
  readonly ok: boolean;
  readonly status: FollowStatus;
  readonly origin: string;
  readonly kept?: CheckpointSummary;
  readonly remote: CheckpointSummary & { readonly signers: readonly string[] };
  readonly entriesFetched: number;
  /** The consistency proof from the kept checkpoint to the remote one (base64 hashes). */
  readonly consistencyProof?: readonly string[];
  /** With a rewrite: the first entry whose bytes changed. */
  readonly firstChangedEntry?: number;
  readonly inclusions: readonly InclusionCheck[];
  readonly problems: readonly string[];
}

const b64 = (hash: Hash): string => Buffer.from(hash).toString('base64');

export async function followLog(
  client: RemoteClient,
  trusted: ReadonlyMap<string, PublicKey>,
  stateDir: string,
  entries: readonly { label: string; bytes: Uint8Array }[] = [],
  witnesses?: WitnessPolicy,
): Promise<FollowResult> {
  const remoteBytes = await client.getDocument(`${LOG_PREFIX}checkpoint`);
  if (remoteBytes === undefined) throw new RemoteError(`${client.urlOf(`${LOG_PREFIX}checkpoint`)}: no log published there`);
  const remoteNote = Buffer.from(remoteBytes).toString('utf8');
  const { checkpoint: remote, signers } = checkSigned(remoteNote, trusted, client.urlOf(`${LOG_PREFIX}checkpoint`));
  const remoteSummary = { size: remote.size, root: b64(remote.root), note: remoteNote, signers };

  const keptNote = await readFile(join(stateDir, 'checkpoint'), 'utf8').catch(() => undefined);
  const kept = keptNote === undefined ? undefined : checkSigned(keptNote, trusted, join(stateDir, 'checkpoint')).checkpoint;
  // More leaves than the checkpoint covers: an earlier run stopped between its two writes.
  const keptLeaves = kept === undefined ? [] : (await readLeaves(join(stateDir, 'leaves'))).slice(0, kept.size);
  if (kept !== undefined && (keptLeaves.length !== kept.size || !hashesEqual(rootOf(keptLeaves), kept.root))) {
    throw new RemoteError(`${stateDir}: the kept leaves do not match the kept checkpoint; the state was changed`);
  }
  const keptSummary = kept === undefined ? undefined : { size: kept.size, root: b64(kept.root), note: keptNote! };
  const problems: string[] = [];
  const base = { origin: remote.origin, remote: remoteSummary, ...(keptSummary ? { kept: keptSummary } : {}) };

  if (witnesses !== undefined) {
    // A checkpoint the witnesses have not vouched for may be one shown to this follower alone.
    const cosigned = verifyCosignatures(parseNote(remoteNote), witnesses.keys);
    for (const name of cosigned.invalid) problems.push(`the cosignature of ${name} does not verify`);
    if (cosigned.verified.length < witnesses.threshold)
      problems.push(`cosigned by ${cosigned.verified.length} trusted witness(es), ${witnesses.threshold} needed`);
    if (problems.length > 0) return { ...base, ok: false, status: 'unwitnessed', entriesFetched: 0, inclusions: [], problems };
  }
  if (kept !== undefined && kept.origin !== remote.origin) {
    problems.push(`the remote log is ${JSON.stringify(remote.origin)}, the one followed here ${JSON.stringify(kept.origin)}`);
    return { ...base, ok: false, status: 'inconsistent', entriesFetched: 0, inclusions: [], problems };
  }
  const keptSize = kept?.size ?? 0;
  if (kept !== undefined && remote.size < keptSize) {
    problems.push(`the remote log shrank from ${keptSize} to ${remote.size} entries: its history was rewritten`);
    const changed = await firstChange(client, keptLeaves, remote.size);
    return {
      ...base,
      ok: false,
      status: 'rewritten',
      entriesFetched: changed.fetched,
      ...(changed.index === undefined ? {} : { firstChangedEntry: changed.index }),
      inclusions: [],
      problems,
    };
  }

  const fresh = await fetchLeaves(client, remote.size, keptSize, remote.size);
  const leaves = [...keptLeaves, ...fresh];
  if (!hashesEqual(rootOf(leaves), remote.root)) {
    // Either old entries changed (a rewrite) or the new ones do not match the checkpoint: find out which.
    const changed = await firstChange(client, keptLeaves, remote.size);
    if (changed.index !== undefined && kept !== undefined) {
      problems.push(
        `the remote log rewrote its history: entry ${changed.index} changed since the checkpoint kept here (size ${kept.size})`,
      );
      return {
        ...base,
        ok: false,
        status: 'rewritten',
        entriesFetched: fresh.length + changed.fetched,
        firstChangedEntry: changed.index,
        inclusions: [],
        problems,
      };
    }
    problems.push(`the remote's entries do not hash to its checkpoint's root (size ${remote.size})`);
    return { ...base, ok: false, status: 'inconsistent', entriesFetched: fresh.length + changed.fetched, inclusions: [], problems };
  }

  // The standard proof between the two signed roots, built from the leaves and checked against both.
  let proof: Hash[] = [];
  if (kept !== undefined) {
    proof = consistencyProof(leaves, kept.size, remote.size);
    if (!verifyConsistency(kept.size, remote.size, proof, kept.root, remote.root)) {
      problems.push(`no consistency proof from size ${kept.size} to ${remote.size}`);
      return { ...base, ok: false, status: 'rewritten', entriesFetched: fresh.length, inclusions: [], problems };
    }
  }

  const inclusions = entries.map(({ label, bytes }): InclusionCheck => {
    const leaf = leafHash(bytes);
    const index = leaves.findIndex((candidate) => hashesEqual(candidate, leaf));
    if (index < 0) {
      problems.push(`${label} is not in the log (size ${remote.size})`);
      return { label, leafHash: b64(leaf), verified: false };
    }
    const path = inclusionProof(leaves, index, remote.size);
    const verified = verifyInclusion(leaf, index, remote.size, path, remote.root);
    if (!verified) problems.push(`${label}: the inclusion proof does not verify`);
    return { label, leafHash: b64(leaf), index, proof: path.map(b64), verified };
  });

  await saveState(stateDir, remoteNote, leaves);
  const status: FollowStatus = kept === undefined ? 'first' : kept.size === remote.size ? 'unchanged' : 'extended';
  return {
    ...base,
    ok: problems.length === 0,
    status,
    entriesFetched: fresh.length,
    ...(kept ? { consistencyProof: proof.map(b64) } : {}),
    inclusions,
    problems,
  };
}

function checkSigned(text: string, trusted: ReadonlyMap<string, PublicKey>, label: string): { checkpoint: Checkpoint; signers: string[] } {
  try {
    const note = parseNote(text);
    const checkpoint = parseCheckpoint(note.text);
    const verification = verifyNote(note, trusted);
    if (verification.invalid.length > 0)
      throw new RemoteError(`${label}: the signature of ${verification.invalid.join(', ')} does not verify`);
    if (verification.verifiedBy.length === 0) throw new RemoteError(`${label}: no trusted key signed it`);
    return { checkpoint, signers: verification.verifiedBy.map((key) => key.name) };
  } catch (error) {
    if (error instanceof NoteError) throw new RemoteError(`${label}: ${error.message}`);
    throw error;
  }
}

/** Leaf hashes from..to of the remote's tree of `size` leaves, read from its level-0 tiles. */
async function fetchLeaves(client: RemoteClient, size: number, from: number, to: number): Promise<Hash[]> {
  const tree = new TreeReader(remoteTileSource(client), size);
  const leaves: Hash[] = [];
  try {
    for (let index = from; index < to; index += 1) leaves.push(await tree.leaf(index));
  } catch (error) {
    if (error instanceof TileError) throw new RemoteError(error.message);
    throw error;
  }
  return leaves;
}

/** The remote's log/ directory as a source of tiles. */
export function remoteTileSource(client: RemoteClient): TileSource {
  return {
    read: async (path) => client.getDocument(`${LOG_PREFIX}${path}`),
    where: (path) => client.urlOf(`${LOG_PREFIX}${path}`),
  };
}

/** The first of the kept entries that the remote now serves differently (all of them refetched). */
async function firstChange(client: RemoteClient, kept: readonly Hash[], remoteSize: number): Promise<{ index?: number; fetched: number }> {
  const count = Math.min(kept.length, remoteSize);
  const now = await fetchLeaves(client, remoteSize, 0, count);
  const index = now.findIndex((leaf, i) => !hashesEqual(leaf, kept[i]!));
  if (index >= 0) return { index, fetched: count };
  // Same prefix, but the remote is shorter: the first entry it dropped.
  return remoteSize < kept.length ? { index: remoteSize, fetched: count } : { fetched: count };
}

async function readLeaves(path: string): Promise<Hash[]> {
  const bytes = await readFile(path).catch(() => Buffer.alloc(0));
  if (bytes.length % 32 !== 0) throw new RemoteError(`${path}: not a whole number of 32-byte hashes`);
  const leaves: Hash[] = [];
  for (let offset = 0; offset < bytes.length; offset += 32) leaves.push(new Uint8Array(bytes.subarray(offset, offset + 32)));
  return leaves;
}

async function saveState(stateDir: string, note: string, leaves: readonly Hash[]): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  // Leaves first, then the checkpoint: a crash between the two leaves the old checkpoint and a
  // longer list of leaves, of which the next run uses only those the old checkpoint covers.
  const tempLeaves = join(stateDir, `.leaves.${process.pid}`);
  await writeFile(tempLeaves, Buffer.concat(leaves.map((leaf) => Buffer.from(leaf))));
  await rename(tempLeaves, join(stateDir, 'leaves'));
  const tempNote = join(stateDir, `.checkpoint.${process.pid}`);
  await writeFile(tempNote, note);
  await rename(tempNote, join(stateDir, 'checkpoint'));
}
