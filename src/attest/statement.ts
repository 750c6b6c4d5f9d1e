// The in-toto Statement v1 a rebuilder signs for one stage run: the subjects are the stage's outputs,
// the predicate is everything that identifies the run (chain, stage, manifest, stage key, inputs)
// and what it ran on (backend and trusted base), plus timings.
import { isSha256, type Sha256 } from '../digest.js';
import { parseProvenanceRecord } from '../run/record-schema.js';
import { type ProvenanceRecord, type RecordedFile } from '../run/record.js';
import type { TrustedBase } from '../sandbox/sandbox.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const STAGE_RESULT_PREDICATE_TYPE = 'https://kindling.dev/attestation/stage-result/v1';

export interface Subject {
  readonly name: string;
  readonly digest: { readonly sha256: Sha256 };
}

export interface StageResultPredicate {
  readonly chain: string;
  readonly stage: string;
  readonly manifestSha256: Sha256;
  readonly stageKey: Sha256;
  readonly inputs: readonly RecordedFile[];
  readonly backend: string;
  readonly trustedBase: TrustedBase;
  readonly exitCode: number;
  readonly timings: { readonly startedAt: string; readonly durationMs: number };
  readonly orchestrator: ProvenanceRecord['orchestrator'];
}

export interface Statement<P> {
  readonly _type: typeof STATEMENT_TYPE;
  readonly subject: readonly Subject[];
  readonly predicateType: string;
  readonly predicate: P;
}

export type StageResultStatement = Statement<StageResultPredicate> & { readonly predicateType: typeof STAGE_RESULT_PREDICATE_TYPE };

export function stageResultStatement(record: ProvenanceRecord): StageResultStatement {
  return {
    _type: STATEMENT_TYPE,
    // Subjects are a set; sorted by name so that equal results give equal payloads.
    subject: [...record.outputs]
      .sort((a, b) => compareText(a.path, b.path))
      .map((file) => ({ name: file.path, digest: { sha256: file.sha256 } })),
    predicateType: STAGE_RESULT_PREDICATE_TYPE,
    predicate: {
      chain: record.chain,
      stage: record.stage,
      manifestSha256: record.manifestSha256,
      stageKey: record.stageKey,
      inputs: record.inputs.map((file) => ({ path: file.path, sha256: file.sha256 })),
      backend: record.trustedBase.backend,
      trustedBase: record.trustedBase,
      exitCode: record.exitCode,
      timings: { startedAt: record.startedAt, durationMs: record.durationMs },
      orchestrator: record.orchestrator,
    },
  };
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The fields shared by every statement, checked; the predicate is left to its own parser. */
export function parseStatementFrame(value: unknown): { ok: true; statement: Statement<unknown> } | { ok: false; reason: string } {
  if (!isObject(value)) return { ok: false, reason: 'statement is not a JSON object' };
  if (value._type !== STATEMENT_TYPE) return { ok: false, reason: `_type is not ${STATEMENT_TYPE}` };
  if (typeof value.predicateType !== 'string') return { ok: false, reason: 'predicateType is missing' };
  if (!Array.isArray(value.subject) || value.subject.length === 0) return { ok: false, reason: 'subject must be a non-empty list' };
  const names = new Set<string>();
  const subject: Subject[] = [];
  for (const entry of value.subject as unknown[]) {
    if (!isObject(entry) || typeof entry.name !== 'string' || !isObject(entry.digest) || !isSha256(entry.digest.sha256)) {
      return { ok: false, reason: 'each subject needs a name and a sha256 digest' };
    }
    if (names.has(entry.name)) return { ok: false, reason: `subject ${entry.name} is listed twice` };
    names.add(entry.name);
    subject.push({ name: entry.name, digest: { sha256: entry.digest.sha256 } });
  }
  return { ok: true, statement: { _type: STATEMENT_TYPE, subject, predicateType: value.predicateType, predicate: value.predicate } };
}

export function parseStageResultPredicate(value: unknown): StageResultPredicate | string {
  if (!isObject(value)) return 'predicate is not an object';
  const { chain, stage, manifestSha256, stageKey, inputs, backend, trustedBase, exitCode, timings, orchestrator } = value;
  if (typeof chain !== 'string' || chain === '') return 'predicate.chain is missing';
  if (typeof stage !== 'string' || stage === '') return 'predicate.stage is missing';
  if (!isSha256(manifestSha256)) return 'predicate.manifestSha256 is not a sha256';
  if (!isSha256(stageKey)) return 'predicate.stageKey is not a sha256';
  const files = parseFiles(inputs);
  if (files === undefined) return 'predicate.inputs must be a list of {path, sha256}';
  if (typeof backend !== 'string') return 'predicate.backend is missing';
  if (!isObject(trustedBase) || typeof trustedBase.backend !== 'string' || !Array.isArray(trustedBase.components))
    return 'predicate.trustedBase is malformed';
  if (trustedBase.backend !== backend) return 'predicate.backend differs from predicate.trustedBase.backend';
  if (typeof exitCode !== 'number') return 'predicate.exitCode is missing';
  if (!isObject(timings) || typeof timings.startedAt !== 'string' || typeof timings.durationMs !== 'number')
    return 'predicate.timings is malformed';
  return {
    chain,
    stage,
    manifestSha256,
    stageKey,
    inputs: files,
    backend,
    trustedBase: trustedBase as unknown as TrustedBase,
    exitCode,
    timings: { startedAt: timings.startedAt, durationMs: timings.durationMs },
    orchestrator: orchestrator as ProvenanceRecord['orchestrator'],
  };
}

/** Check a provenance record read from disk: its text as the reason when it is not one. */
export function parseRecord(value: unknown): ProvenanceRecord | string {
  const parsed = parseProvenanceRecord(value);
  return parsed.ok ? parsed.record : parsed.problem;
}

function parseFiles(value: unknown): RecordedFile[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const files: RecordedFile[] = [];
  for (const entry of value as unknown[]) {
    if (!isObject(entry) || typeof entry.path !== 'string' || !isSha256(entry.sha256)) return undefined;
    files.push({ path: entry.path, sha256: entry.sha256 });
  }
  return files;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
