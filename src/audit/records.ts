// Checks a run's provenance records against the manifests. A record names the manifest it ran by
// its hash; a record for the current manifest must agree with it in every input and output hash
// and in the stage key. Records for older manifests are set aside; a stage with no record for its
// current manifest is missing.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Chain, Stage } from '../manifest/types.js';
import { RECORD_TYPE, type ProvenanceRecord, type RecordedFile } from '../run/record.js';
import { stageKey } from '../run/stage-key.js';
import type { Finding } from './findings.js';

export interface RecordsCheck {
  readonly dir: string;
  /** The store's objects directory next to the records, when there is one: the recorded bytes. */
  readonly objectsDir?: string;
  readonly read: number;
  /** For each stage, its record for the current manifest. */
  readonly current: ReadonlyMap<string, ProvenanceRecord>;
  readonly findings: Finding[];
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** A store root or its `stages/` directory: where the records are, and the objects beside them. */
export async function locateRecords(dir: string): Promise<{ recordsDir: string; objectsDir?: string }> {
  if (await isDirectory(join(dir, 'stages'))) {
    return { recordsDir: join(dir, 'stages'), ...((await isDirectory(join(dir, 'objects'))) ? { objectsDir: join(dir, 'objects') } : {}) };
  }
  const objects = join(dirname(dir), 'objects');
  return { recordsDir: dir, ...((await isDirectory(objects)) ? { objectsDir: objects } : {}) };
}

/** The stage key a record's own manifest hash and inputs give, by the runner's own rule. */
function keyOfRecord(record: ProvenanceRecord): string {
  // stageKey reads only the manifest hash and the inputs' paths and hashes, which a record holds.
  return stageKey({ manifestSha256: record.manifestSha256, inputs: record.inputs } as unknown as Stage);
}

function compareFiles(
  what: 'input' | 'output',
  declared: readonly RecordedFile[],
  recorded: readonly RecordedFile[],
  report: (what: string, manifest: string, record: string) => void,
): void {
  const inRecord = new Map(recorded.map((f) => [f.path, f.sha256]));
  for (const file of declared) {
    const sha = inRecord.get(file.path);
    if (sha === undefined) report(`${what} ${file.path}`, file.sha256, 'absent');
    else if (sha !== file.sha256) report(`${what} ${file.path}`, file.sha256, sha);
    inRecord.delete(file.path);
  }
  for (const [path, sha] of inRecord) report(`${what} ${path}`, 'absent', sha);
}

function isRecordShape(value: unknown): value is ProvenanceRecord {
  const r = value as Partial<ProvenanceRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    r._type === RECORD_TYPE &&
    typeof r.stage === 'string' &&
    typeof r.manifestSha256 === 'string' &&
    typeof r.stageKey === 'string' &&
    Array.isArray(r.inputs) &&
    Array.isArray(r.outputs)
  );
}

export async function checkRecords(chain: Chain, dir: string): Promise<RecordsCheck> {
  const { recordsDir, objectsDir } = await locateRecords(dir);
  const findings: Finding[] = [];
  const current = new Map<string, ProvenanceRecord>();
  let names: string[];
  try {
    names = (await readdir(recordsDir)).filter((n) => n.endsWith('.json')).sort();
  } catch {
    findings.push({ reason: 'record-unreadable', file: recordsDir, message: 'the directory cannot be read' });
    names = [];
  }
  const stages = new Map(chain.stages.map((s) => [s.name, s]));
  const withCurrentManifest = new Set<string>();

  for (const name of names) {
    let record: unknown;
    try {
      record = JSON.parse(await readFile(join(recordsDir, name), 'utf8'));
    } catch (error) {
      findings.push({ reason: 'record-unreadable', file: name, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (!isRecordShape(record)) {
      findings.push({ reason: 'record-unreadable', file: name, message: `not a provenance record (${RECORD_TYPE})` });
      continue;
    }
    if (record.chain !== chain.name) {
      findings.push({ reason: 'record-other-chain', file: name, chain: String(record.chain) });
      continue;
    }
    const stage = stages.get(record.stage);
    if (stage === undefined) {
      findings.push({ reason: 'record-unknown-stage', file: name, stage: record.stage });
      continue;
    }
    const mismatch = (what: string, manifest: string, recorded: string): void => {
      findings.push({ reason: 'record-mismatch', file: name, stage: stage.name, what, manifest, record: recorded });
    };
    // A record must be consistent in itself, whatever manifest it belongs to.
    const recomputed = keyOfRecord(record);
    if (recomputed !== record.stageKey)
      mismatch("stage key (recomputed from the record's own manifest hash and inputs)", recomputed, record.stageKey);
    if (basename(name, '.json') !== record.stageKey) mismatch('file name', `${record.stageKey}.json`, name);
    if (record.manifestSha256 !== stage.manifestSha256) {
      findings.push({ reason: 'record-stale', file: name, stage: stage.name });
      continue;
    }
    withCurrentManifest.add(stage.name);
    const before = findings.length;
    const key = stageKey(stage);
    if (record.stageKey !== key) mismatch('stage key', key, record.stageKey);
    compareFiles('input', stage.inputs, record.inputs, mismatch);
    compareFiles('output', stage.outputs, record.outputs, mismatch);
    if (findings.length === before && !current.has(stage.name)) current.set(stage.name, record);
  }
  for (const stage of chain.stages) {
    if (!withCurrentManifest.has(stage.name)) findings.push({ reason: 'record-missing', stage: stage.name });
  }
  return { dir: recordsDir, ...(objectsDir === undefined ? {} : { objectsDir }), read: names.length, current, findings };
}
