// One trusted signer's result for one stage run, as found on a remote, checked link by link: the
// index must name this signer and this run, the statement must hash to its name and carry this
// signer's valid signature about this very run (a statement replayed from another stage fails
// here), and the record must hash to its name and say exactly what the statement says.
import { sha256Bytes, type Sha256 } from '../digest.js';
import { parseEnvelope } from '../attest/dsse.js';
import { classifyEnvelope, type SignedResult } from '../attest/evidence.js';
import type { PublicKey } from '../attest/keys.js';
import { compareText, parseRecord } from '../attest/statement.js';
import type { Stage } from '../manifest/types.js';
import type { ProvenanceRecord } from '../run/record.js';
import type { RemoteClient } from './http.js';
import { casPath, parseJson, parseResultIndex, resultIndexPath } from './layout.js';

export interface Candidate {
  readonly signed: SignedResult;
  readonly record: ProvenanceRecord;
}

export type CandidateLookup =
  | { readonly found: 'none' }
  | { readonly found: 'refused'; readonly signer: string; readonly reason: string }
  | { readonly found: 'candidate'; readonly candidate: Candidate };

export async function fetchCandidate(
  client: RemoteClient,
  chain: string,
  stage: Stage,
  stageKey: Sha256,
  signer: PublicKey,
): Promise<CandidateLookup> {
  const refuse = (reason: string): CandidateLookup => ({ found: 'refused', signer: signer.name, reason });
  const indexPath = resultIndexPath(stageKey, signer.keyId);
  const indexBytes = await client.getDocument(indexPath);
  if (indexBytes === undefined) return { found: 'none' };
  const index = parseResultIndex(indexBytes);
  if (typeof index === 'string') return refuse(`${client.urlOf(indexPath)}: ${index}`);
  if (index.keyId !== signer.keyId || index.stageKey !== stageKey)
    return refuse(`${client.urlOf(indexPath)}: the index is about another signer or run`);

  const statementBytes = await fetchNamed(client, index.statement);
  if (typeof statementBytes === 'string') return refuse(`statement ${statementBytes}`);
  const envelope = parseEnvelope(parseJson(statementBytes));
  if (envelope === undefined) return refuse(`${client.urlOf(casPath(index.statement))}: not a DSSE envelope`);
  const classified = classifyEnvelope(envelope, new Map([[signer.keyId, signer]]), client.urlOf(casPath(index.statement)));
  const signed = classified.results[0];
  if (signed === undefined) {
    const why = classified.unreadable[0]?.reason ?? classified.ignored[0]?.detail ?? 'no stage result signed by this key';
    return refuse(`${client.urlOf(casPath(index.statement))}: ${why}`);
  }
  const { predicate } = signed;
  if (predicate.chain !== chain || predicate.stage !== stage.name || predicate.stageKey !== stageKey) {
    return refuse(
      `the statement is about ${predicate.chain}/${predicate.stage} (stage key ${predicate.stageKey.slice(0, 16)}…), not ${chain}/${stage.name} (${stageKey.slice(0, 16)}…): replayed from another stage`,
    );
  }

  const recordBytes = await fetchNamed(client, index.record);
  if (typeof recordBytes === 'string') return refuse(`record ${recordBytes}`);
  const record = parseRecord(parseJson(recordBytes));
  if (typeof record === 'string') return refuse(`${client.urlOf(casPath(index.record))}: not a provenance record: ${record}`);
  const mismatch = recordMismatch(record, signed);
  if (mismatch !== undefined)
    return refuse(`${client.urlOf(casPath(index.record))}: the record does not match the signed statement: ${mismatch}`);
  return { found: 'candidate', candidate: { signed, record } };
}

/** A small document by its sha256, re-hashed; a string says what was wrong. */
async function fetchNamed(client: RemoteClient, sha256: Sha256): Promise<Uint8Array | string> {
  const bytes = await client.getDocument(casPath(sha256));
  if (bytes === undefined) return `${client.urlOf(casPath(sha256))} is missing from the remote`;
  const actual = sha256Bytes(bytes);
  if (actual !== sha256) return `${client.urlOf(casPath(sha256))} holds bytes hashing to ${actual}, not its name`;
  return bytes;
}

function recordMismatch(record: ProvenanceRecord, signed: SignedResult): string | undefined {
  const { predicate } = signed;
  if (record.chain !== predicate.chain || record.stage !== predicate.stage) return 'chain or stage';
  if (record.stageKey !== predicate.stageKey) return 'stage key';
  if (record.manifestSha256 !== predicate.manifestSha256) return 'manifest';
  const files = (list: readonly { path: string; sha256: string }[]): string =>
    JSON.stringify([...list].map((f) => [f.path, f.sha256]).sort(([a], [b]) => compareText(a!, b!)));
  if (files(record.inputs) !== files(predicate.inputs)) return 'inputs';
  if (files(record.outputs) !== files(signed.subject.map((s) => ({ path: s.name, sha256: s.digest.sha256 })))) return 'outputs';
  return undefined;
}
