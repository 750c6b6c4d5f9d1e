// A witness of a remote log: it cosigns (tlog-cosignature/v1) the checkpoint the remote serves only
// after proving, from the remote's tiles, that it extends the last checkpoint this witness cosigned
// for that log. The last cosigned checkpoint of each log is kept in the state directory, under the
// sha256 of its origin. A remote that shrank, forked (two trees of one size) or rewrote its history is
// refused with both checkpoints, and the kept one stays: a witness never cosigns two histories.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SigningKey } from '../attest/keys.js';
import { cosignatureLine } from '../attest/log/cosignature.js';
import { hashesEqual, verifyConsistency } from '../attest/log/merkle.js';
import { TileError } from '../attest/log/tiles.js';
import { TreeReader } from '../attest/log/tree-reader.js';
import { trustCheckpoint, type CheckpointPolicy } from '../attest/log/trusted-checkpoint.js';
import { RemoteError, type RemoteClient } from './http.js';
import { remoteTileSource } from './log-follow.js';
import { LOG_PREFIX } from './log-publish.js';

export type WitnessStatus = 'first' | 'unchanged' | 'extended' | 'refused';

export interface WitnessResult {
  readonly ok: boolean;
  readonly status: WitnessStatus;
  readonly origin: string;
  readonly size: number;
  /** The checkpoint the remote serves, with this witness's cosignature added (when ok). */
  readonly cosigned?: string;
  readonly kept?: string;
  readonly remote: string;
  readonly consistencyProofLength?: number;
  readonly problem?: string;
}

export async function witnessRemoteLog(
  client: RemoteClient,
  policy: CheckpointPolicy,
  witness: SigningKey,
  stateDir: string,
  now: () => number = Date.now,
): Promise<WitnessResult> {
  const path = `${LOG_PREFIX}checkpoint`;
  const bytes = await client.getDocument(path);
  if (bytes === undefined) throw new RemoteError(`${client.urlOf(path)}: no log published there`);
  const remote = Buffer.from(bytes).toString('utf8');
  const { note, checkpoint } = trustCheckpoint(remote, { logKeys: policy.logKeys }, client.urlOf(path));
  const statePath = join(stateDir, `${createHash('sha256').update(checkpoint.origin).digest('hex')}.note`);
  const kept = await readFile(statePath, 'utf8').catch(() => undefined);
  const base = { origin: checkpoint.origin, size: checkpoint.size, remote };
  const refuse = (problem: string, proofLength?: number): WitnessResult => ({
    ...base,
    ok: false,
    status: 'refused',
    ...(kept === undefined ? {} : { kept }),
    ...(proofLength === undefined ? {} : { consistencyProofLength: proofLength }),
    problem,
  });

  let status: WitnessStatus = 'first';
  let proofLength: number | undefined;
  if (kept !== undefined) {
    const old = trustCheckpoint(kept, { logKeys: policy.logKeys }, statePath).checkpoint;
    if (checkpoint.size < old.size)
      return refuse(
        `the log shrank from ${old.size} to ${checkpoint.size} entries since this witness cosigned it: its history was rewritten`,
      );
    if (checkpoint.size === old.size) {
      if (!hashesEqual(checkpoint.root, old.root)) return refuse(`a fork: the log signed two different trees of size ${old.size}`);
      status = 'unchanged';
    } else {
      let proof;
      try {
        proof = await new TreeReader(remoteTileSource(client), checkpoint.size).consistencyProof(old.size);
      } catch (error) {
        if (error instanceof TileError) return refuse(`no consistency proof from size ${old.size} to ${checkpoint.size}: ${error.message}`);
        throw error;
      }
      proofLength = proof.length;
      if (!verifyConsistency(old.size, checkpoint.size, proof, old.root, checkpoint.root)) {
        return refuse(
          `the checkpoint of size ${checkpoint.size} does not extend the one of size ${old.size} this witness cosigned: the log's history was rewritten (or its tiles are false)`,
          proof.length,
        );
      }
      status = 'extended';
    }
  }
  const line = cosignatureLine(note.text, witness, Math.floor(now() / 1000));
  // Any earlier cosignature of this witness on the same text is replaced by the new one.
  const others = note.signatures.filter((signature) => signature.name !== witness.publicKey.name).map((signature) => signature.line);
  const cosigned = `${note.text}\n${others.join('')}${line}`;
  await mkdir(stateDir, { recursive: true });
  const temp = `${statePath}.${process.pid}.tmp`;
  await writeFile(temp, cosigned);
  await rename(temp, statePath);
  return {
    ...base,
    ok: true,
    status,
    cosigned,
    ...(kept === undefined ? {} : { kept }),
    ...(proofLength === undefined ? {} : { consistencyProofLength: proofLength }),
  };
}
