// When a client takes a checkpoint as the log's word: signed by a trusted log key whose name is the
// checkpoint's origin (as C2SP tlog-checkpoint asks, so one key cannot speak for another log), and,
// when witnesses are required, cosigned (tlog-cosignature/v1) by at least that many of them.
import type { PublicKey } from '../keys.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { verifyCosignatures } from './cosignature.js';
import { LogError } from './log.js';
import { NoteError, parseNote, verifyNote, type Note } from './note.js';

export interface CheckpointPolicy {
  readonly logKeys: ReadonlyMap<string, PublicKey>;
  readonly witnesses?: ReadonlyMap<string, PublicKey>;
  /** Cosignatures needed from distinct trusted witnesses (0: none). */
  readonly witnessThreshold?: number;
}

export interface TrustedCheckpoint {
  readonly note: Note;
  readonly checkpoint: Checkpoint;
  readonly signer: string;
  readonly witnesses: readonly { readonly name: string; readonly timestamp: number }[];
}

export function trustCheckpoint(text: string, policy: CheckpointPolicy, label: string): TrustedCheckpoint {
  let note: Note;
  let checkpoint: Checkpoint;
  try {
    note = parseNote(text);
    checkpoint = parseCheckpoint(note.text);
  } catch (error) {
    if (error instanceof NoteError) throw new LogError(`${label}: ${error.message}`);
    throw error;
  }
  const logKeys = new Map([...policy.logKeys].filter(([, key]) => key.name === checkpoint.origin));
  if (logKeys.size === 0)
    throw new LogError(`${label}: no trusted log key is named ${JSON.stringify(checkpoint.origin)}, the checkpoint's origin`);
  const signed = verifyNote(note, logKeys);
  if (signed.invalid.length > 0) throw new LogError(`${label}: the log signature of ${signed.invalid.join(', ')} does not verify`);
  const signer = signed.verifiedBy[0];
  if (signer === undefined) throw new LogError(`${label}: not signed by the log's key (${checkpoint.origin})`);
  const needed = policy.witnessThreshold ?? 0;
  const cosigned = verifyCosignatures(note, policy.witnesses ?? new Map());
  if (cosigned.invalid.length > 0) throw new LogError(`${label}: the cosignature of ${cosigned.invalid.join(', ')} does not verify`);
  if (cosigned.verified.length < needed) {
    const by = cosigned.verified.length === 0 ? 'none' : cosigned.verified.map((entry) => entry.name).join(', ');
    throw new LogError(`${label}: cosigned by ${cosigned.verified.length} trusted witness(es) (${by}), ${needed} needed`);
  }
  return { note, checkpoint, signer: signer.name, witnesses: cosigned.verified };
}
