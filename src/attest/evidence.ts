// Read a directory of DSSE envelopes and keep only what trusted keys really signed. Every signature
// that is not kept is reported with the reason, so an auditor sees what was ignored and why.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkEnvelopeSignatures, decodeBase64, IN_TOTO_PAYLOAD_TYPE, parseEnvelope, type DsseEnvelope } from './dsse.js';
import { stageKeyOf } from './expected-chain.js';
import { HALT_PREDICATE_TYPE, parseHaltPredicate, type SignedHalt } from './halt.js';
import type { PublicKey } from './keys.js';
import {
  compareText,
  parseStageResultPredicate,
  parseStatementFrame,
  STAGE_RESULT_PREDICATE_TYPE,
  type StageResultPredicate,
  type Subject,
} from './statement.js';

/** A stage result whose signature verified against a trusted key. */
export interface SignedResult {
  readonly signer: PublicKey;
  readonly subject: readonly Subject[];
  readonly predicate: StageResultPredicate;
  readonly file: string;
}

export interface IgnoredSignature {
  readonly file: string;
  readonly keyid: string;
  readonly reason: 'untrusted' | 'invalid';
  /** The trusted key the keyid names, when it names one. */
  readonly name?: string;
  readonly detail: string;
}

export interface UnreadableFile {
  readonly file: string;
  readonly reason: string;
}

export interface Evidence {
  readonly results: readonly SignedResult[];
  readonly halts: readonly SignedHalt[];
  readonly ignored: readonly IgnoredSignature[];
  readonly unreadable: readonly UnreadableFile[];
}

export async function loadEvidence(dir: string, trusted: ReadonlyMap<string, PublicKey>): Promise<Evidence> {
  const results: SignedResult[] = [];
  const halts: SignedHalt[] = [];
  const ignored: IgnoredSignature[] = [];
  const unreadable: UnreadableFile[] = [];
  for (const path of await listJsonFiles(dir)) {
    const file = relative(dir, path);
    let envelope: DsseEnvelope | undefined;
    try {
      envelope = parseEnvelope(JSON.parse(await readFile(path, 'utf8')));
    } catch {
      envelope = undefined;
    }
    if (envelope === undefined) {
      unreadable.push({ file, reason: 'not a DSSE envelope' });
      continue;
    }
    const evidence = classifyEnvelope(envelope, trusted, file);
    results.push(...evidence.results);
    halts.push(...evidence.halts);
    ignored.push(...evidence.ignored);
    unreadable.push(...evidence.unreadable);
  }
  return { results, halts, ignored, unreadable };
}

/** Pure: sort one envelope's signatures into kept statements and ignored signatures. */
export function classifyEnvelope(envelope: DsseEnvelope, trusted: ReadonlyMap<string, PublicKey>, file: string): Evidence {
  const results: SignedResult[] = [];
  const halts: SignedHalt[] = [];
  const ignored: IgnoredSignature[] = [];
  const signers: PublicKey[] = [];
  for (const check of checkEnvelopeSignatures(envelope, trusted)) {
    if (check.status === 'valid') {
      // The same key signing one envelope twice is still one signer.
      if (!signers.some((key) => key.keyId === check.key.keyId)) signers.push(check.key);
    } else if (check.status === 'invalid') {
      ignored.push({ file, keyid: check.keyid, reason: 'invalid', ...(check.key ? { name: check.key.name } : {}), detail: check.reason });
    } else {
      ignored.push({ file, keyid: check.keyid, reason: 'untrusted', detail: 'no trusted key made this signature' });
    }
  }
  if (signers.length === 0) return { results, halts, ignored, unreadable: [] };
  // Only now, with a trusted signature, is the payload worth reading.
  const fail = (reason: string): Evidence => ({ results, halts, ignored, unreadable: [{ file, reason }] });
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail(`payloadType is ${envelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  const payload = decodeBase64(envelope.payload);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8'));
  } catch {
    return fail('payload is not JSON');
  }
  const frame = parseStatementFrame(json);
  if (!frame.ok) return fail(frame.reason);
  const { statement } = frame;
  if (statement.predicateType === STAGE_RESULT_PREDICATE_TYPE) {
    const predicate = parseStageResultPredicate(statement.predicate);
    if (typeof predicate === 'string') return fail(predicate);
    // A stage key that its own manifest and inputs do not give: a statement stitched together
    // from different runs (e.g. replayed for another stage). Signed or not, it describes no run.
    if (stageKeyOf(predicate.manifestSha256, predicate.inputs) !== predicate.stageKey) {
      return fail(`stage key ${predicate.stageKey.slice(0, 16)}… is not the one its manifest and inputs give`);
    }
    for (const signer of signers) results.push({ signer, subject: statement.subject, predicate, file });
  } else if (statement.predicateType === HALT_PREDICATE_TYPE) {
    const predicate = parseHaltPredicate(statement);
    if (typeof predicate === 'string') return fail(predicate);
    for (const signer of signers) halts.push({ signer, predicate, file });
  } else {
    return fail(`unknown predicateType ${statement.predicateType}`);
  }
  return { results, halts, ignored, unreadable: [] };
}

async function listJsonFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listJsonFiles(path)));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path);
  }
  return found.sort(compareText);
}
