// Publish a store's verified results on a remote: for each provenance record of a run made here,
// its outputs and log, the record, and a statement signed with the pusher's key, then the index
// that points at them. Objects go first and the index last, so a reader who finds an index finds
// what it names (unless the server lost it since, which the reader checks anyway).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Bytes, sha256File, type Sha256 } from '../digest.js';
import { signStatement } from '../attest/attest.js';
import { parseEnvelope } from '../attest/dsse.js';
import { classifyEnvelope } from '../attest/evidence.js';
import type { SigningKey } from '../attest/keys.js';
import { compareText, parseRecord, stageResultStatement } from '../attest/statement.js';
import type { ProvenanceRecord } from '../run/record.js';
import type { Store } from '../store/store.js';
import { RemoteError, type RemoteClient } from './http.js';
import {
  casPath,
  encodeDocument,
  haltIndexPath,
  parseHaltIndex,
  resultIndexPath,
  HALT_INDEX_TYPE,
  RESULT_INDEX_TYPE,
  type ResultIndex,
} from './layout.js';

export interface PushedResult {
  readonly chain: string;
  readonly stage: string;
  readonly stageKey: Sha256;
  /** Objects sent now; the others were already on the remote. */
  readonly objectsSent: number;
  readonly objectsPresent: number;
}

export interface PushReport {
  readonly results: readonly PushedResult[];
  /** Records not pushed, and why (taken from a remote, unreadable, outputs missing). */
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
}

export async function pushResults(store: Store, client: RemoteClient, key: SigningKey): Promise<PushReport> {
  const dir = join(store.root, 'stages');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort(compareText);
  const results: PushedResult[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const recordBytes = await readFile(file);
    let value: unknown;
    try {
      value = JSON.parse(recordBytes.toString('utf8'));
    } catch {
      value = undefined;
    }
    const record = parseRecord(value);
    if (typeof record === 'string') {
      skipped.push({ file, reason: `not a provenance record: ${record}` });
      continue;
    }
    if (record.pulledFrom !== undefined) {
      skipped.push({ file, reason: `taken from ${record.pulledFrom.remote}, not run here` });
      continue;
    }
    const objects = [...record.outputs.map((output) => output.sha256), ...(record.logSha256 === undefined ? [] : [record.logSha256])];
    const missing = await firstMissing(store, objects);
    if (missing !== undefined) {
      skipped.push({ file, reason: missing });
      continue;
    }
    results.push(await pushOne(store, client, key, record, new Uint8Array(recordBytes), objects));
  }
  return { results, skipped };
}

async function pushOne(
  store: Store,
  client: RemoteClient,
  key: SigningKey,
  record: ProvenanceRecord,
  recordBytes: Uint8Array,
  objects: readonly Sha256[],
): Promise<PushedResult> {
  let sent = 0;
  let present = 0;
  for (const sha256 of new Set(objects)) {
    if (await client.has(casPath(sha256))) {
      present += 1;
      continue;
    }
    await client.put(casPath(sha256), await readFile(store.objectPath(sha256)));
    sent += 1;
  }
  const envelope = signStatement(stageResultStatement(record), key);
  const statementBytes = encodeDocument(envelope);
  const recordSha = sha256Bytes(recordBytes);
  const statementSha = sha256Bytes(statementBytes);
  // Named by their hashes, so what is already there is the same bytes (or a replacement that
  // readers refuse; re-sending would not make a hostile server honest).
  for (const [sha256, bytes] of [
    [recordSha, recordBytes],
    [statementSha, statementBytes],
  ] as const) {
    if (!(await client.has(casPath(sha256)))) await client.put(casPath(sha256), bytes);
  }
  const index: ResultIndex = {
    _type: RESULT_INDEX_TYPE,
    stageKey: record.stageKey,
    keyId: key.publicKey.keyId,
    statement: statementSha,
    record: recordSha,
  };
  await client.put(resultIndexPath(record.stageKey, key.publicKey.keyId), encodeDocument(index));
  return { chain: record.chain, stage: record.stage, stageKey: record.stageKey, objectsSent: sent, objectsPresent: present };
}

/** Why a record cannot be pushed: an object it names is missing or no longer has its hash. */
async function firstMissing(store: Store, objects: readonly Sha256[]): Promise<string | undefined> {
  for (const sha256 of objects) {
    if (!(await store.has(sha256))) return `object ${sha256} is not in the store`;
    const actual = await sha256File(store.objectPath(sha256));
    if (actual !== sha256) return `object ${sha256} in the store now hashes to ${actual}: the store was changed`;
  }
  return undefined;
}

/**
 * Publish halt and release statements signed by `key` (the DSSE files in `dir`): each is added to
 * the signer's halt index for its chain, which only that signer writes. Statements signed by other
 * keys, or that are not halts, are refused: a pusher speaks only for itself.
 */
export async function pushHalts(
  files: readonly string[],
  client: RemoteClient,
  key: SigningKey,
): Promise<{ readonly chain: string; readonly added: number }[]> {
  const trusted = new Map([[key.publicKey.keyId, key.publicKey]]);
  const byChain = new Map<string, Sha256[]>();
  const bytesOf = new Map<Sha256, Uint8Array>();
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(file));
    let envelope;
    try {
      envelope = parseEnvelope(JSON.parse(Buffer.from(bytes).toString('utf8')));
    } catch {
      envelope = undefined;
    }
    if (envelope === undefined) throw new RemoteError(`${file}: not a DSSE envelope`);
    const evidence = classifyEnvelope(envelope, trusted, file);
    const halt = evidence.halts[0];
    if (halt === undefined) throw new RemoteError(`${file}: not a halt or release signed by ${key.publicKey.name}`);
    const sha256 = sha256Bytes(bytes);
    bytesOf.set(sha256, bytes);
    byChain.set(halt.predicate.chain, [...(byChain.get(halt.predicate.chain) ?? []), sha256]);
  }
  const added: { chain: string; added: number }[] = [];
  for (const [chain, statements] of [...byChain.entries()].sort(([a], [b]) => compareText(a, b))) {
    for (const sha256 of statements) await client.put(casPath(sha256), bytesOf.get(sha256)!);
    const path = haltIndexPath(chain, key.publicKey.keyId);
    // Read-modify-write is safe here: only this signer writes its own index.
    const current = await client.getDocument(path);
    const parsed = current === undefined ? undefined : parseHaltIndex(current);
    if (typeof parsed === 'string')
      throw new RemoteError(`${client.urlOf(path)}: the remote's halt index is unreadable (${parsed}); refusing to overwrite it`);
    const previous = parsed?.statements ?? [];
    const fresh = statements.filter((sha256) => !previous.includes(sha256));
    await client.put(
      path,
      encodeDocument({ _type: HALT_INDEX_TYPE, chain, keyId: key.publicKey.keyId, statements: [...previous, ...fresh] }),
    );
    added.push({ chain, added: fresh.length });
  }
  return added;
}
