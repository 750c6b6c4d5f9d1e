// Two routes to one binary. A stage output may declare `same-as`: an output of a stage of another
// chain that must be the same bytes (the aarch64 b0 assembled by the amd64 chain's tools, and the
// one the aarch64 chain builds from its own seeds). The audit loads the other chain and compares
// the two outputs three ways, as far as it has the evidence: the hashes the two manifests declare
// (each chain's runs are verified against them), the hashes in each route's record of a run, and
// the bytes each route's store holds, hashed here and compared byte by byte.
import { readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { sha256File, type Sha256 } from '../digest.js';
import { loadChain } from '../manifest/chain.js';
import { ManifestError } from '../manifest/errors.js';
import type { Chain, SameAs, Stage, StageOutput } from '../manifest/types.js';
import type { ProvenanceRecord } from '../run/record.js';
import { describeFinding, type Finding } from './findings.js';
import { firstDifference, type Difference } from './first-difference.js';
import { checkRecords, locateRecords } from './records.js';
import { pathExists } from '../path-exists.js';
import { findObjectFile } from '../store/object-file.js';

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
  /** Where this chain's records were read from (a store may hold the other chain's runs too). */
  readonly recordsDir?: string;
  /** Stores (or their stages/ directories) given for the other chains' records (--same-as-records). */
  readonly sameAsRecords: readonly string[];
  /** Stores' objects directories that may hold this chain's bytes. */
  readonly objectDirs: readonly string[];
}

/**
 * The other chain's record of the stage and the objects beside it: from the first of the given
 * stores that holds a record of that stage. Its bytes are looked for in that store alone, since
 * another store may hold this route's copy of the same hash. A record of the stage's current
 * manifest that disagrees with it is not evidence, and is said (`rejected`), not passed over.
 */
async function otherEvidence(
  other: Chain,
  stage: string,
  dirs: readonly string[],
): Promise<{ record?: ProvenanceRecord; objectDirs: string[]; rejected: string[] }> {
  const rejected: string[] = [];
  for (const dir of dirs) {
    const checked = await checkRecords(other, dir);
    const record = checked.current.get(stage);
    if (record !== undefined) return { record, objectDirs: checked.objectsDir === undefined ? [] : [checked.objectsDir], rejected };
    for (const finding of checked.findings) {
      if (finding.reason === 'record-mismatch' && finding.stage === stage) rejected.push(`in ${checked.dir}, ${describeFinding(finding)}`);
    }
  }
  return { objectDirs: [], rejected };
}

/** A stage output of a chain: one side of a pair. */
interface Side {
  readonly chain: Chain;
  readonly stage: Stage;
  readonly output: StageOutput;
}

/**
 * The chains in the directories beside this chain's (stages/amd64 for stages/aarch64). One that
 * does not load, or a directory that cannot be read, is left to its own audit: this chain's
 * report is not about it.
 */
async function chainsBeside(chain: Chain, load: (dir: string) => Promise<Chain>): Promise<Chain[]> {
  const parent = dirname(chain.dir);
  const chains: Chain[] = [];
  let entries;
  try {
    entries = await readdir(parent, { withFileTypes: true });
  } catch {
    return chains;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(parent, entry.name);
    if (!entry.isDirectory() || dir === chain.dir || !(await pathExists(join(dir, 'chain.yaml')))) continue;
    try {
      chains.push(await load(dir));
    } catch {
      // Not this chain's finding.
    }
  }
  return chains;
}

/** A store given for the other routes that cannot be read would leave them unchecked without a word. */
async function unreadableStores(dirs: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const dir of dirs) {
    const { recordsDir } = await locateRecords(dir);
    try {
      await readdir(recordsDir);
    } catch {
      findings.push({ reason: 'record-unreadable', file: recordsDir, message: 'no such directory (--same-as-records)' });
    }
  }
  return findings;
}

export async function checkSameAs(chain: Chain, options: SameAsOptions): Promise<{ reports: SameAsReport[]; findings: Finding[] }> {
  const reports: SameAsReport[] = [];
  const findings: Finding[] = await unreadableStores(options.sameAsRecords);
  const otherRecords = [...(options.recordsDir === undefined ? [] : [options.recordsDir]), ...options.sameAsRecords];
  // Each other chain loaded once, whether a declaration here names it or it declares a pair itself.
  const loaded = new Map<string, Promise<Chain>>();
  const load = (dir: string): Promise<Chain> => {
    if (!loaded.has(dir)) loaded.set(dir, loadChain(dir));
    return loaded.get(dir)!;
  };
  /** Compares this chain's output with another chain's (named `otherName` in findings). */
  const comparePair = async (mine: Side, theirs: Side, otherName: string): Promise<void> => {
    const evidence = await otherEvidence(theirs.chain, theirs.stage.name, otherRecords);
    const at = { stage: mine.stage.name, path: mine.output.path, other: otherName, otherChain: theirs.chain.name };
    for (const detail of evidence.rejected) findings.push({ reason: 'same-as-record-rejected', ...at, detail });
    if (evidence.record === undefined && evidence.rejected.length === 0 && otherRecords.length > 0) {
      findings.push({ reason: 'same-as-unrecorded', ...at });
    }
    const compared = await compare(
      await route(mine.chain, mine.stage, mine.output, options.records?.get(mine.stage.name), options.objectDirs),
      await route(theirs.chain, theirs.stage, theirs.output, evidence.record, evidence.objectDirs),
    );
    reports.push(compared.report);
    findings.push(
      ...compared.differences.map((d): Finding => ({
        reason: 'same-as-differs',
        ...at,
        evidence: d.evidence,
        sha256: d.mine,
        otherSha256: d.theirs,
        ...(d.evidence === 'stored bytes' && compared.report.difference !== undefined ? { difference: compared.report.difference } : {}),
      })),
    );
  };
  for (const stage of chain.stages) {
    for (const output of stage.outputs) {
      if (output.sameAs === undefined) continue;
      const same = output.sameAs;
      const unresolved = (key: string, detail: string): void => {
        findings.push({
          reason: 'same-as-unresolved',
          stage: stage.name,
          path: output.path,
          other: describeOther(same),
          file: relative(process.cwd(), stage.manifestPath) || stage.manifestPath,
          field: key === '' ? same.field : `${same.field}.${key}`,
          detail,
        });
      };
      let other: Chain;
      try {
        other = await load(same.chainDir);
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        unresolved('chain', `the chain does not load: ${error.message}`);
        continue;
      }
      const otherStage = other.stages.find((s) => s.name === same.stage);
      const otherOutput = otherStage?.outputs.find((o) => o.path === same.output);
      if (otherStage === undefined) {
        unresolved('stage', `chain ${other.name} has no stage '${same.stage}'`);
        continue;
      }
      if (otherOutput === undefined) {
        unresolved('output', `stage ${same.stage} of chain ${other.name} declares no output '${same.output}'`);
        continue;
      }
      // One side of a pair declares it, and the other route is a plain output: so each pair is
      // compared once, and no declarations can go round in a cycle.
      if (otherOutput.sameAs !== undefined) {
        unresolved('', `that output declares same-as itself (${describeOther(otherOutput.sameAs)}); only one of two routes declares it`);
        continue;
      }
      await comparePair({ chain, stage, output }, { chain: other, stage: otherStage, output: otherOutput }, describeOther(same));
    }
  }
  // The same pairs seen from the other side: a chain beside this one that declares one of its
  // outputs same-as one of this chain's. Each chain's audit then says that its binary was reached
  // by two routes; only the declaring chain's audit reports a declaration it cannot resolve.
  for (const declaring of await chainsBeside(chain, load)) {
    for (const stage of declaring.stages) {
      for (const output of stage.outputs) {
        const same = output.sameAs;
        if (same === undefined || same.chainDir !== chain.dir) continue;
        const mine = chain.stages.find((s) => s.name === same.stage);
        const mineOutput = mine?.outputs.find((o) => o.path === same.output);
        if (mine === undefined || mineOutput === undefined || mineOutput.sameAs !== undefined) continue;
        const other = `stage ${stage.name} (${output.path}) of chain ${relative(mine.dir, declaring.dir)}`;
        await comparePair({ chain, stage: mine, output: mineOutput }, { chain: declaring, stage, output }, other);
      }
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
  const file = recorded === undefined ? undefined : await findObjectFile(objectDirs, recorded);
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
