// A world for attestation tests: rebuilders with generated keys, provenance records written as a
// store's stages/ directory would hold them, and a trust directory.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Bytes } from '../../src/digest.js';
import { stageKeyOf } from '../../src/attest/expected-chain.js';
import { generateKeyFiles, loadSigningKey } from '../../src/attest/key-files.js';
import type { SigningKey } from '../../src/attest/keys.js';
import { RECORD_TYPE, type ProvenanceRecord } from '../../src/run/record.js';

export interface Rebuilder {
  readonly name: string;
  readonly keyFile: string;
  readonly publicFile: string;
  readonly key: SigningKey;
}

const created: string[] = [];

export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `kindling-${label}-`));
  created.push(dir);
  return dir;
}

/** Remove every directory tempDir made (call from afterAll). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function makeRebuilders(dir: string, names: readonly string[]): Promise<Rebuilder[]> {
  await mkdir(join(dir, 'keys'), { recursive: true });
  const rebuilders: Rebuilder[] = [];
  for (const name of names) {
    const files = await generateKeyFiles(join(dir, 'keys', name), name);
    rebuilders.push({ name, keyFile: files.privatePath, publicFile: files.publicPath, key: await loadSigningKey(files.privatePath) });
  }
  return rebuilders;
}

/** A trust directory holding the public keys of the given rebuilders only. */
export async function trustDir(dir: string, rebuilders: readonly Rebuilder[]): Promise<string> {
  const trust = join(dir, `trust-${rebuilders.map((r) => r.name).join('-')}`);
  await mkdir(trust, { recursive: true });
  for (const rebuilder of rebuilders) await copyFile(rebuilder.publicFile, join(trust, `${rebuilder.name}.pub`));
  return trust;
}

export interface StageSpec {
  readonly stage: string;
  /** Output path → file content; the content is hashed for the record. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly chain?: string;
  readonly manifest?: string;
  readonly startedAt?: string;
}

export function manifestText(stage: string): string {
  return `name: ${stage}\ndescription: test stage ${stage}\n`;
}

/** The bytes behind every output hash record() made, so writeRecords can store them as a store would. */
const contents = new Map<string, string>();

export function record(spec: StageSpec): ProvenanceRecord {
  for (const content of Object.values(spec.outputs)) contents.set(sha256Bytes(content), content);
  const manifestSha256 = sha256Bytes(spec.manifest ?? manifestText(spec.stage));
  const inputs = [{ path: `src/${spec.stage}.hex0`, sha256: sha256Bytes(`source of ${spec.stage}`) }];
  const stageKey = stageKeyOf(manifestSha256, inputs);
  return {
    _type: RECORD_TYPE,
    chain: spec.chain ?? 'amd64',
    stage: spec.stage,
    manifestSha256,
    stageKey,
    inputs,
    outputs: Object.entries(spec.outputs).map(([path, content]) => ({ path, sha256: sha256Bytes(content) })),
    trustedBase: { backend: 'bwrap', components: [{ name: 'bubblewrap', version: '0.8.0' }] },
    exitCode: 0,
    startedAt: spec.startedAt ?? '2026-11-25T10:00:00.000Z',
    durationMs: 12,
    orchestrator: { name: 'kindling', version: '0.1.0', node: 'v20.20.2' },
  };
}

/** Write records as a store does, <dir>/<stageKey>.json, with their outputs in <dir>/../objects. */
export async function writeRecords(dir: string, records: readonly ProvenanceRecord[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const entry of records) {
    await writeFile(join(dir, `${entry.stageKey}.json`), JSON.stringify(entry, null, 2) + '\n');
    for (const output of entry.outputs) {
      const content = contents.get(output.sha256);
      if (content === undefined) continue;
      await mkdir(join(dir, '..', 'objects', output.sha256.slice(0, 2)), { recursive: true });
      await writeFile(join(dir, '..', 'objects', output.sha256.slice(0, 2), output.sha256), content);
    }
  }
  return dir;
}
