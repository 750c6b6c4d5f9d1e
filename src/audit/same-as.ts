// Two routes to one binary. A stage output may declare `same-as`: an output of a stage of another
// chain that must be the same bytes (the aarch64 b0 assembled by the amd64 chain's tools, and the
// one the aarch64 chain builds from its own seeds). The audit loads the other chain and compares
// the two outputs three ways, as far as it has the evidence: the hashes the two manifests declare
// (each chain's runs are verified against them), the hashes in each route's record of a run, and
// the bytes each route's store holds, hashed here and compared byte by byte.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, type Sha256 } from '../digest.js';
import { loadChain } from '../manifest/chain.js';
import { ManifestError } from '../manifest/errors.js';
import type { Chain, SameAs, Stage, StageOutput } from '../manifest/types.js';
import type { ProvenanceRecord } from '../run/record.js';
import type { Finding } from './findings.js';
import { firstDifference, type Difference } from './first-difference.js';
import { checkRecords } from './records.js';

/** One route: a chain's stage output, with what each kind of evidence says its bytes are. */
export interface RouteReport {
  readonly chain: string;
  readonly arch: string;
  readonly stage: string;
  readonly path: string;
  /** What the stage's manifest declares (every verified run of the stage produced it). */
  readonly declared: Sha256;
  /** What the route's record of a run says, when records were given and hold one. */
  readonly recorded?: Sha256;
  /** The sha256 of the bytes in the route's store, hashed by the audit, when the store holds them. */
  readonly stored?: Sha256;
}

export interface SameAsReport {
  /** This chain's route first, then the other chain's. */
  readonly routes: readonly [RouteReport, RouteReport];
  /** Whether every piece of evidence at hand gives the two routes the same bytes. */
  readonly equal: boolean;
  /** Where the stored bytes first differ (the first route's file on the left). */
  readonly difference?: Difference;
}

export interface SameAsOptions {
  /** This chain's records, by stage, when a run's records were given. */
  readonly records?: ReadonlyMap<string, ProvenanceRecord>;
  /** Stores (or their stages/ directories) to look for the other chains' records in. */
  readonly otherRecords: readonly string[];
  /** Stores' objects directories that may hold this chain's bytes. */
  readonly objectDirs: readonly string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function storedFile(dirs: readonly string[], sha256: Sha256): Promise<string | undefined> {
  for (const dir of dirs) {
    const path = join(dir, sha256.slice(0, 2), sha256);
    if (await exists(path)) return path;
  }
  return undefined;
}

/**
 * The other chain's record of the stage and the objects beside it: from the first of the given
 * stores that holds a record of that stage. Its bytes are looked for in that store alone, since
 * another store may hold this route's copy of the same hash.
 */
async function otherEvidence(
  other: Chain,
  stage: string,
  dirs: readonly string[],
): Promise<{ record?: ProvenanceRecord; objectDirs: string[] }> {
  for (const dir of dirs) {
    const checked = await checkRecords(other, dir);
    const record = checked.current.get(stage);
    if (record !== undefined) return { record, objectDirs: checked.objectsDir === undefined ? [] : [checked.objectsDir] };
  }
  return { objectDirs: [] };
}

export async function checkSameAs(chain: Chain, options: SameAsOptions): Promise<{ reports: SameAsReport[]; findings: Finding[] }> {
  const reports: SameAsReport[] = [];
  const findings: Finding[] = [];
  const loaded = new Map<string, Promise<Chain>>();
  for (const stage of chain.stages) {
    for (const output of stage.outputs) {
      if (output.sameAs === undefined) continue;
      const same = output.sameAs;
      const unresolved = (detail: string): void => {
        findings.push({ reason: 'same-as-unresolved', stage: stage.name, path: output.path, other: describeOther(same), detail });
      };
      let other: Chain;
      try {
        if (!loaded.has(same.chainDir)) loaded.set(same.chainDir, loadChain(same.chainDir));
        other = await loaded.get(same.chainDir)!;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        unresolved(`the chain does not load: ${error.message}`);
        continue;
      }
      const otherStage = other.stages.find((s) => s.name === same.stage);
      const otherOutput = otherStage?.outputs.find((o) => o.path === same.output);
      if (otherStage === undefined || otherOutput === undefined) {
        unresolved(
          otherStage === undefined
            ? `chain ${other.name} has no stage '${same.stage}'`
            : `stage ${same.stage} of chain ${other.name} declares no output '${same.output}'`,
        );
        continue;
      }
      const evidence = await otherEvidence(other, otherStage.name, options.otherRecords);
      const compared = await compare(
        await route(chain, stage, output, options.records?.get(stage.name), options.objectDirs),
        await route(other, otherStage, otherOutput, evidence.record, evidence.objectDirs),
      );
      reports.push(compared.report);
      findings.push(
        ...compared.differences.map((d): Finding => ({
          reason: 'same-as-differs',
          stage: stage.name,
          path: output.path,
          other: describeOther(same),
          otherChain: other.name,
          evidence: d.evidence,
          sha256: d.mine,
          otherSha256: d.theirs,
          ...(d.evidence === 'stored bytes' && compared.report.difference !== undefined ? { difference: compared.report.difference } : {}),
        })),
      );
    }
  }
  return { reports, findings };
}

/** How a finding names the other route: "stage b0 (bin/b0) of chain ../../aarch64". */
function describeOther(same: SameAs): string {
  return `stage ${same.stage} (${same.output}) of chain ${same.chain}`;
}

interface Route {
  readonly report: RouteReport;
  /** The stored file, when the store holds the declared bytes. */
  readonly file?: string;
}

async function route(
  chain: Chain,
  stage: Stage,
  output: StageOutput,
  record: ProvenanceRecord | undefined,
  objectDirs: readonly string[],
): Promise<Route> {
  const recorded = record?.outputs.find((o) => o.path === output.path)?.sha256;
  // The bytes the recorded run left, hashed here again: a store is only as good as its bytes.
  // Without a record of this route the store's copy of that hash proves nothing about the route
  // (in a store both chains share, it may be the other route's).
  const file = recorded === undefined ? undefined : await storedFile(objectDirs, recorded);
  const stored = file === undefined ? undefined : await sha256File(file);
  return {
    report: {
      chain: chain.name,
      arch: chain.arch,
      stage: stage.name,
      path: output.path,
      declared: output.sha256,
      ...(recorded === undefined ? {} : { recorded }),
      ...(stored === undefined ? {} : { stored }),
    },
    ...(file === undefined ? {} : { file }),
  };
}

type Evidence = 'manifests' | 'records' | 'stored bytes';

async function compare(
  mine: Route,
  theirs: Route,
): Promise<{ report: SameAsReport; differences: { evidence: Evidence; mine: Sha256; theirs: Sha256 }[] }> {
  const differences: { evidence: Evidence; mine: Sha256; theirs: Sha256 }[] = [];
  const check = (evidence: Evidence, a: Sha256 | undefined, b: Sha256 | undefined): void => {
    if (a !== undefined && b !== undefined && a !== b) differences.push({ evidence, mine: a, theirs: b });
  };
  check('manifests', mine.report.declared, theirs.report.declared);
  check('records', mine.report.recorded, theirs.report.recorded);
  check('stored bytes', mine.report.stored, theirs.report.stored);
  const difference =
    mine.file !== undefined && theirs.file !== undefined && mine.report.stored !== theirs.report.stored
      ? await firstDifference(mine.file, theirs.file)
      : undefined;
  return {
    report: {
      routes: [mine.report, theirs.report],
      equal: differences.length === 0,
      ...(difference === undefined ? {} : { difference }),
    },
    differences,
  };
}
