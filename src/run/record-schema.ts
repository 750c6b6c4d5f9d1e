// Reading a provenance record from disk as hostile input: every field is checked for its type, the
// record for its own consistency (its stage key is the one its manifest hash and inputs give), and,
// for a stage of the chain, for agreement with that stage's manifest. A record that fails any check
// is not a verified result: the stage runs again, and status, audit and attest say why.
import { isSha256 } from '../digest.js';
import type { Stage } from '../manifest/types.js';
import { RECORD_TYPE, type ProvenanceRecord, type RecordedFile } from './record.js';
import { stageKey, stageKeyOf } from './stage-key.js';

export type ParsedRecord = { readonly ok: true; readonly record: ProvenanceRecord } | { readonly ok: false; readonly problem: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function files(value: unknown, field: string): RecordedFile[] | string {
  if (!Array.isArray(value)) return `${field} must be a list of {path, sha256}`;
  const list: RecordedFile[] = [];
  for (const entry of value as unknown[]) {
    if (!isObject(entry) || typeof entry.path !== 'string' || entry.path === '' || !isSha256(entry.sha256)) {
      return `${field} must be a list of {path, sha256}`;
    }
    list.push({ path: entry.path, sha256: entry.sha256 });
  }
  if (new Set(list.map((file) => file.path)).size !== list.length) return `${field}: a path is listed twice`;
  return list;
}

function trustedBaseProblem(value: unknown): string | undefined {
  if (!isObject(value) || typeof value.backend !== 'string' || value.backend === '' || !Array.isArray(value.components)) {
    return 'trustedBase must be {backend, components}';
  }
  for (const component of value.components as unknown[]) {
    if (!isObject(component) || typeof component.name !== 'string' || component.name === '')
      return 'trustedBase.components: each needs a name';
    for (const key of ['version', 'path'] as const) {
      if (component[key] !== undefined && typeof component[key] !== 'string') return `trustedBase.components: ${key} must be a string`;
    }
    if (component.sha256 !== undefined && !isSha256(component.sha256)) return 'trustedBase.components: sha256 must be a sha256';
  }
  return undefined;
}

/** The whole shape of a record, and its stage key recomputed from its own manifest hash and inputs. */
export function parseProvenanceRecord(value: unknown): ParsedRecord {
  const fail = (problem: string): ParsedRecord => ({ ok: false, problem });
  if (!isObject(value)) return fail('not a JSON object');
  if (value._type !== RECORD_TYPE) return fail(`_type is not ${RECORD_TYPE}`);
  const { chain, stage, manifestSha256, stageKey: key, trustedBase, exitCode, startedAt, durationMs, logSha256, orchestrator } = value;
  if (typeof chain !== 'string' || chain === '') return fail('chain is missing');
  if (typeof stage !== 'string' || stage === '') return fail('stage is missing');
  if (!isSha256(manifestSha256)) return fail('manifestSha256 is not a sha256');
  if (!isSha256(key)) return fail('stageKey is not a sha256');
  const inputs = files(value.inputs, 'inputs');
  if (typeof inputs === 'string') return fail(inputs);
  const outputs = files(value.outputs, 'outputs');
  if (typeof outputs === 'string') return fail(outputs);
  if (outputs.length === 0) return fail('outputs must be a non-empty list of {path, sha256}');
  const base = trustedBaseProblem(trustedBase);
  if (base !== undefined) return fail(base);
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode)) return fail('exitCode must be a whole number');
  if (typeof startedAt !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(startedAt) || Number.isNaN(Date.parse(startedAt))) {
    return fail('startedAt must be an ISO 8601 time');
  }
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0)
    return fail('durationMs must be a number of milliseconds');
  if (logSha256 !== undefined && !isSha256(logSha256)) return fail('logSha256 is not a sha256');
  if (
    !isObject(orchestrator) ||
    orchestrator.name !== 'kindling' ||
    typeof orchestrator.version !== 'string' ||
    typeof orchestrator.node !== 'string'
  ) {
    return fail('orchestrator must be {name: kindling, version, node}');
  }
  const pulled = value.pulledFrom;
  if (pulled !== undefined) {
    if (
      !isObject(pulled) ||
      typeof pulled.remote !== 'string' ||
      typeof pulled.threshold !== 'number' ||
      typeof pulled.pulledAt !== 'string' ||
      !Array.isArray(pulled.signers) ||
      !(pulled.signers as unknown[]).every((s) => isObject(s) && typeof s.name === 'string' && typeof s.keyId === 'string')
    ) {
      return fail('pulledFrom must be {remote, threshold, signers, pulledAt}');
    }
  }
  if (stageKeyOf(manifestSha256, inputs) !== key) return fail('stageKey is not the one its manifest hash and inputs give');
  return { ok: true, record: value as unknown as ProvenanceRecord };
}

/**
 * Where a well-formed record disagrees with the stage it claims to be a verified run of: another
 * stage or manifest, other input or output hashes, or a run that did not exit 0. Empty when it fits.
 */
export function recordDisagreements(record: ProvenanceRecord, stage: Stage): string[] {
  const problems: string[] = [];
  if (record.stage !== stage.name) problems.push(`it is about stage ${record.stage}`);
  if (record.manifestSha256 !== stage.manifestSha256) problems.push('it names another manifest');
  if (record.stageKey !== stageKey(stage)) problems.push("its stage key is not the stage's");
  const compare = (what: string, declared: readonly RecordedFile[], recorded: readonly RecordedFile[]): void => {
    const byPath = new Map(recorded.map((file) => [file.path, file.sha256]));
    for (const file of declared) {
      const sha = byPath.get(file.path);
      if (sha === undefined) problems.push(`${what} ${file.path} is not in it`);
      else if (sha !== file.sha256) problems.push(`${what} ${file.path} has sha256 ${sha} in it, the manifest says ${file.sha256}`);
      byPath.delete(file.path);
    }
    for (const path of byPath.keys()) problems.push(`it lists ${what} ${path}, which the manifest does not declare`);
  };
  compare('input', stage.inputs, record.inputs);
  compare('output', stage.outputs, record.outputs);
  if (record.exitCode !== 0) problems.push(`it records a run that exited with status ${record.exitCode}`);
  return problems;
}
