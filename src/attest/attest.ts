// Sign statements: one stage-result statement per provenance record, or a halt/release statement.
// Each is written as its own DSSE envelope file, named so that a directory listing reads well and
// two signers never overwrite each other.
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256File } from '../digest.js';
import type { ProvenanceRecord } from '../run/record.js';
import { parseProvenanceRecord } from '../run/record-schema.js';
import { signEnvelope, IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from './dsse.js';
import { haltStatement, type HaltAction, type HaltScope } from './halt.js';
import type { SigningKey } from './keys.js';
import { compareText, stageResultStatement, type Statement } from './statement.js';
import { KindlingError } from '../errors.js';
import { objectFile } from '../store/object-file.js';

export class RecordError extends KindlingError {
  override readonly name = 'RecordError';

  constructor(message: string) {
    super('input', message);
  }
}

export interface WrittenAttestation {
  readonly path: string;
  readonly envelope: DsseEnvelope;
}

/** The exact payload bytes: compact JSON, as signed. */
export function statementPayload(statement: Statement<unknown>): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(statement), 'utf8'));
}

export function signStatement(statement: Statement<unknown>, key: SigningKey): DsseEnvelope {
  return signEnvelope(IN_TOTO_PAYLOAD_TYPE, statementPayload(statement), [key]);
}

/** `recordsDir` is a directory of records, or a store, whose records are in its stages/ directory. */
export async function attestRecords(recordsDir: string, key: SigningKey, outDir: string): Promise<WrittenAttestation[]> {
  const names = (await readdir(recordsDir)).filter((name) => name.endsWith('.json')).sort(compareText);
  if (names.length === 0 && (await readdir(recordsDir)).includes('stages')) return attestRecords(join(recordsDir, 'stages'), key, outDir);
  // Read and check every record before writing anything, so a bad record leaves no partial output.
  const records = [];
  for (const name of names) {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(join(recordsDir, name), 'utf8'));
    } catch {
      throw new RecordError(`${join(recordsDir, name)}: not JSON`);
    }
    const parsed = parseProvenanceRecord(value);
    if (!parsed.ok) throw new RecordError(`${join(recordsDir, name)}: not a provenance record: ${parsed.problem}`);
    if (parsed.record.exitCode !== 0) {
      throw new RecordError(`${join(recordsDir, name)}: records a run that exited with status ${parsed.record.exitCode}; not signing`);
    }
    // A result taken from a remote store was not rebuilt here: signing it would fake a rebuild.
    if (parsed.record.pulledFrom === undefined) records.push({ file: join(recordsDir, name), record: parsed.record });
  }
  if (records.length === 0) throw new RecordError(`${recordsDir}: no provenance records (*.json) of runs made here found`);
  // A signature says "I hold these outputs": each one is re-hashed in the store beside the records.
  const objectsDir = join(dirname(recordsDir), 'objects');
  for (const { file, record } of records) await checkOutputsHeld(file, record, objectsDir);
  await mkdir(outDir, { recursive: true });
  const written: WrittenAttestation[] = [];
  for (const { record } of records) {
    const envelope = signStatement(stageResultStatement(record), key);
    const file = `${safe(record.chain)}.${safe(record.stage)}.${record.stageKey.slice(0, 16)}.${key.publicKey.keyId.slice(0, 16)}.dsse.json`;
    written.push({ path: await writeEnvelope(join(outDir, file), envelope), envelope });
  }
  return written;
}

export async function attestHalt(
  action: HaltAction,
  scope: HaltScope,
  reason: string,
  key: SigningKey,
  outDir: string,
  issuedAt: Date = new Date(),
): Promise<WrittenAttestation> {
  if (reason.trim() === '') throw new RecordError('a halt or release needs a reason');
  const statement = haltStatement({ action, ...scope, reason, issuedAt: issuedAt.toISOString() });
  const envelope = signStatement(statement, key);
  await mkdir(outDir, { recursive: true });
  const where = scope.stage === undefined ? safe(scope.chain) : `${safe(scope.chain)}.${safe(scope.stage)}`;
  const stamp = statement.predicate.issuedAt.replace(/[:.]/g, '-');
  const file = `${action}.${where}.${key.publicKey.keyId.slice(0, 16)}.${stamp}.dsse.json`;
  return { path: await writeEnvelope(join(outDir, file), envelope), envelope };
}

async function checkOutputsHeld(file: string, record: ProvenanceRecord, objectsDir: string): Promise<void> {
  for (const output of record.outputs) {
    const path = objectFile(objectsDir, output.sha256);
    let held;
    try {
      held = (await stat(path)).isFile() ? await sha256File(path) : 'not a regular file';
    } catch {
      throw new RecordError(`${file}: output ${output.path} (sha256 ${output.sha256}) is not in the store ${objectsDir}; not signing`);
    }
    if (held !== output.sha256) {
      throw new RecordError(
        `${file}: output ${output.path}: the store holds sha256 ${held} under ${output.sha256}; not signing (kindling store verify --repair)`,
      );
    }
  }
}

async function writeEnvelope(path: string, envelope: DsseEnvelope): Promise<string> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(envelope, null, 2) + '\n');
  await rename(temp, path);
  return path;
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
