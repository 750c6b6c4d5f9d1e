// Check a written-out proof (proof-text.ts) as a client that trusts only keys: the checkpoint must be
// the log's (trusted-checkpoint.ts), and the proof must take the entry, or the older checkpoint the
// client already trusts, to the root that checkpoint signs. Nothing is read from the log itself.
import { LogError } from './log.js';
import { leafHash, verifyConsistency, verifyInclusion } from './merkle.js';
import { parseProof } from './proof-text.js';
import { trustCheckpoint, type CheckpointPolicy } from './trusted-checkpoint.js';

export interface ProofCheck {
  readonly kind: 'inclusion' | 'consistency';
  readonly origin: string;
  readonly size: number;
  readonly signer: string;
  readonly witnesses: readonly string[];
  /** inclusion: the entry's index; consistency: the older tree's size. */
  readonly at: number;
}

export function checkProof(
  text: string,
  label: string,
  policy: CheckpointPolicy,
  given: { entry?: Uint8Array; olderCheckpoint?: { text: string; label: string } },
): ProofCheck {
  const proof = parseProof(text, label);
  const trusted = trustCheckpoint(proof.checkpoint, policy, `${label}: checkpoint`);
  const { checkpoint } = trusted;
  const base = {
    origin: checkpoint.origin,
    size: checkpoint.size,
    signer: trusted.signer,
    witnesses: trusted.witnesses.map((entry) => entry.name),
  };
  if (proof.kind === 'inclusion') {
    if (given.entry === undefined) throw new LogError(`${label}: an inclusion proof needs the entry it is about (--entry)`);
    if (!verifyInclusion(leafHash(given.entry), proof.index, checkpoint.size, proof.proof, checkpoint.root)) {
      throw new LogError(
        `${label}: the entry is not at index ${proof.index} of the tree of size ${checkpoint.size} that the checkpoint signs`,
      );
    }
    return { kind: 'inclusion', at: proof.index, ...base };
  }
  if (given.olderCheckpoint === undefined)
    throw new LogError(`${label}: a consistency proof needs the older checkpoint the client trusts (--checkpoint)`);
  // The older checkpoint is the client's own: its log signature is checked, witnesses are not asked again.
  const older = trustCheckpoint(given.olderCheckpoint.text, { logKeys: policy.logKeys }, given.olderCheckpoint.label).checkpoint;
  if (older.origin !== checkpoint.origin)
    throw new LogError(
      `${label}: the proof is about ${JSON.stringify(checkpoint.origin)}, the older checkpoint about ${JSON.stringify(older.origin)}`,
    );
  if (proof.oldSize !== older.size)
    throw new LogError(`${label}: the proof starts at size ${proof.oldSize}, the older checkpoint has ${older.size}`);
  if (!verifyConsistency(older.size, checkpoint.size, proof.proof, older.root, checkpoint.root)) {
    throw new LogError(
      `${label}: the checkpoint of size ${checkpoint.size} does not extend the older one of size ${older.size}: the log's history was rewritten`,
    );
  }
  return { kind: 'consistency', at: older.size, ...base };
}
