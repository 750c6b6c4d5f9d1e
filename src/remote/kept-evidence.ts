// The evidence rule: a result that disagrees is never deleted. When signers disagree about a stage
// run, the outputs they claimed that differ from the manifest are copied from the remote (checked
// against their names) into the store's evidence/ directory, beside a report naming the stage, the
// path, both hashes and who signed what. Nothing on the remote is ever deleted by kindling, so the
// same bytes stay there too. `kindling audit --store DIR` lists what is kept.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, type Sha256 } from '../digest.js';
import type { Claim } from '../attest/verify.js';
import { compareText, isObject } from '../attest/statement.js';
import type { Stage } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import type { RemoteClient } from './http.js';
import { casPath } from './layout.js';

export interface KeptDifference {
  readonly path: string;
  /** The hash the manifest declares. */
  readonly expected: Sha256;
  /** The hash these signers claimed; null when their result has no such output. */
  readonly claimed: Sha256 | null;
  readonly signers: readonly string[];
  /** Where the claimed bytes were kept, relative to the store; null when the remote did not have them. */
  readonly kept: string | null;
  readonly remoteUrl: string | null;
}

export interface EvidenceReport {
  readonly chain: string;
  readonly stage: string;
  readonly stageKey: Sha256;
  readonly remote: string;
  readonly foundAt: string;
  readonly differences: readonly KeptDifference[];
}

export function evidenceDir(store: Store): string {
  return join(store.root, 'evidence');
}

/** Keep every claim's differing outputs; returns the report written, or undefined when all agree with the manifest. */
export async function keepEvidence(
  store: Store,
  client: RemoteClient,
  chain: string,
  stage: Stage,
  stageKey: Sha256,
  claims: readonly Claim[],
): Promise<{ report: EvidenceReport; file: string } | undefined> {
  const differences: KeptDifference[] = [];
  for (const claim of claims) {
    const claimed = new Map(claim.outputs.map((subject) => [subject.name, subject.digest.sha256]));
    for (const output of stage.outputs) {
      const digest = claimed.get(output.path) ?? null;
      if (digest === output.sha256) continue;
      const kept = digest === null ? null : await keepObject(store, client, digest);
      differences.push({
        path: output.path,
        expected: output.sha256,
        claimed: digest,
        signers: claim.signers.map((signer) => signer.name),
        kept,
        remoteUrl: digest === null ? null : client.urlOf(casPath(digest)),
      });
    }
  }
  if (differences.length === 0) return undefined;
  const report: EvidenceReport = {
    chain,
    stage: stage.name,
    stageKey,
    remote: client.base.toString(),
    foundAt: new Date().toISOString(),
    differences,
  };
  const dir = evidenceDir(store);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${stage.name.replace(/[^A-Za-z0-9_-]/g, '_')}.${stageKey.slice(0, 16)}.json`);
  const temp = store.tempPath('evidence');
  await writeFile(temp, JSON.stringify(report, null, 2) + '\n');
  await rename(temp, file);
  return { report, file };
}

/** Copy one object from the remote into evidence/objects/, only if it hashes to its name. */
async function keepObject(store: Store, client: RemoteClient, sha256: Sha256): Promise<string | null> {
  const relative = join('evidence', 'objects', sha256);
  const target = join(store.root, relative);
  if ((await sha256File(target).catch(() => undefined)) === sha256) return relative;
  const temp = store.tempPath('evidence-object');
  try {
    if (!(await client.getToFile(casPath(sha256), temp))) return null;
  } catch {
    return null;
  }
  if ((await sha256File(temp)) !== sha256) {
    await rm(temp, { force: true });
    return null;
  }
  await mkdir(join(store.root, 'evidence', 'objects'), { recursive: true });
  await rename(temp, target);
  return relative;
}

/** Every evidence report kept in a store, by file name. */
export async function listEvidence(storeRoot: string): Promise<{ file: string; report: EvidenceReport }[]> {
  const dir = join(storeRoot, 'evidence');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.json')).sort(compareText);
  const found: { file: string; report: EvidenceReport }[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let value: unknown;
    try {
      value = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      value = undefined;
    }
    if (isObject(value) && Array.isArray(value.differences)) found.push({ file, report: value as unknown as EvidenceReport });
  }
  return found;
}
