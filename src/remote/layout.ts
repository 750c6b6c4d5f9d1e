// Where things live on a remote store, in the HTTP layout of Bazel remote caches, so that any server
// that speaks it (nginx or Apache with WebDAV PUT, bazel-remote, an S3 bucket behind one) serves it:
//   cas/<sha256>   an object named by the sha256 of its bytes: a stage output, a log, a provenance
//                  record, a signed statement (DSSE envelope)
//   ac/<key>       a small index document under a key derived from what it is about; the only
//                  mutable names, and each is written by one signer only
//   log/…          a kindling log served as static files (see log-publish.ts)
// No listing is ever needed: a reader derives every ac key from the stage keys of its chain and the
// key ids of the signers it trusts. Nothing here is trusted: every index is re-checked by the reader.
import { isSha256, sha256Bytes, type Sha256 } from '../digest.js';
import { isObject } from '../attest/statement.js';

export const RESULT_INDEX_TYPE = 'https://kindling.dev/remote/stage-result/v1';
export const HALT_INDEX_TYPE = 'https://kindling.dev/remote/halts/v1';

export function casPath(sha256: Sha256): string {
  return `cas/${sha256}`;
}

/** The index of one signer's result for one stage run. */
export function resultIndexPath(stageKey: Sha256, keyId: string): string {
  return `ac/${sha256Bytes(`kindling/v1 stage-result\n${stageKey}\n${keyId}\n`)}`;
}

/** The index of one signer's halt and release statements about one chain. */
export function haltIndexPath(chain: string, keyId: string): string {
  return `ac/${sha256Bytes(`kindling/v1 halts\n${chain}\n${keyId}\n`)}`;
}

/** Points at the objects that make up one signer's result for one stage run. */
export interface ResultIndex {
  readonly _type: typeof RESULT_INDEX_TYPE;
  readonly stageKey: Sha256;
  /** The signer's key id (sha256 of its public key). */
  readonly keyId: string;
  /** The DSSE envelope, in cas/. */
  readonly statement: Sha256;
  /** The provenance record, in cas/. */
  readonly record: Sha256;
}

export interface HaltIndex {
  readonly _type: typeof HALT_INDEX_TYPE;
  readonly chain: string;
  readonly keyId: string;
  /** DSSE envelopes of halts and releases, in cas/, oldest first. */
  readonly statements: readonly Sha256[];
}

const MAX_HALT_STATEMENTS = 10_000;

export function encodeDocument(value: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8'));
}

/** Parse an index read from the remote; a string says why it is refused. */
export function parseResultIndex(bytes: Uint8Array): ResultIndex | string {
  const value = parseJson(bytes);
  if (!isObject(value)) return 'not a JSON object';
  if (value._type !== RESULT_INDEX_TYPE) return `_type is not ${RESULT_INDEX_TYPE}`;
  const { stageKey, keyId, statement, record } = value;
  if (!isSha256(stageKey) || !isSha256(keyId) || !isSha256(statement) || !isSha256(record))
    return 'stageKey, keyId, statement and record must each be a sha256';
  return { _type: RESULT_INDEX_TYPE, stageKey, keyId, statement, record };
}

export function parseHaltIndex(bytes: Uint8Array): HaltIndex | string {
  const value = parseJson(bytes);
  if (!isObject(value)) return 'not a JSON object';
  if (value._type !== HALT_INDEX_TYPE) return `_type is not ${HALT_INDEX_TYPE}`;
  const { chain, keyId, statements } = value;
  if (typeof chain !== 'string' || !isSha256(keyId)) return 'chain or keyId is missing';
  if (!Array.isArray(statements) || statements.length > MAX_HALT_STATEMENTS || !statements.every(isSha256)) {
    return `statements must be a list of at most ${MAX_HALT_STATEMENTS} sha256`;
  }
  return { _type: HALT_INDEX_TYPE, chain, keyId, statements };
}

export function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}
