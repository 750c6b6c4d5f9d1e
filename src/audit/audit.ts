// `kindling audit`: proves a chain without running it, and optionally checks a run's records and
// rebuilds it from nothing. Each check lives in its own module; this one runs them in order and
// gathers one report.
import { open, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Sha256 } from '../digest.js';
import { loadChain } from '../manifest/chain.js';
import { ManifestError } from '../manifest/errors.js';
import type { Chain } from '../manifest/types.js';
import type { ChainEvent } from '../run/bootstrap.js';
import type { ProvenanceRecord } from '../run/record.js';
import { stageKey } from '../run/stage-key.js';
import type { Sandbox, TrustedBase } from '../sandbox/sandbox.js';
import { KINDLING_VERSION } from '../version.js';
import { contentKind } from './content-kind.js';
import { FileFactsCache } from './file-facts.js';
import { severityOf, type Finding } from './findings.js';
import { originGraph } from './graph.js';
import { growthRows, withSizes } from './growth.js';
import { countChainHandwritten } from './handwritten.js';
import { referenceHex0, type Hex0Assembler } from '../seeds/source-check.js';
import { checkPrograms } from './programs.js';
import { checkRecords } from './records.js';
import { rebuild } from './rebuild.js';
import type { FetchOptions } from '../sources/ensure.js';
import { stageRoots } from './roots.js';
import type { AuditReport, RebuildSummary, SeedReport, StageReport } from './report.js';
import { checkSameAs } from './same-as.js';
import { checkSeeds } from './seeds.js';
import { traceInputs } from './trace-inputs.js';
import { trustedBase } from './trusted-base.js';
import { objectFile } from '../store/object-file.js';

export interface AuditOptions {
  readonly chainDir: string;
  /** A run's records: a store root or its `stages/` directory. */
  readonly records?: string;
  /** A store whose objects give the sizes (and bytes) of stage outputs. */
  readonly store?: string;
  /**
   * Stores (or their stages/ directories) holding other chains' records, for the outputs declared
   * `same-as` another chain's; the records' store is looked in too (a store may serve several chains).
   */
  readonly sameAsRecords?: readonly string[];
  /** Rebuild the chain from an empty temporary store in this sandbox and compare. */
  readonly rebuild?: {
    readonly sandbox: Sandbox;
    readonly tempDir?: string;
    readonly onEvent?: (event: ChainEvent) => void;
    readonly sources?: FetchOptions;
    readonly signal?: AbortSignal;
  };
  /** The hex0 assembler for the seed check; by default the project's own (src/formats/hex0.ts). */
  readonly hex0?: Hex0Assembler;
  /** The time the report states (ISO 8601); now by default. A fixed time makes a report reproducible. */
  readonly auditedAt?: string;
}

export async function audit(options: AuditOptions): Promise<AuditReport> {
  const auditedAt = options.auditedAt ?? new Date().toISOString();
  const auditor = { kindling: KINDLING_VERSION, node: process.version };
  let chain: Chain;
  try {
    chain = await loadChain(options.chainDir);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    const findings: Finding[] = [{ reason: 'manifest-invalid', message: error.message }];
    return finish({
      auditedAt,
      auditor,
      trustedBase: await trustedBase([]),
      seeds: [],
      stages: [],
      findings,
      graph: { nodes: [], edges: [] },
      growth: [],
    });
  }

  const facts = new FileFactsCache();
  const findings: Finding[] = [];
  const hex0 = options.hex0 ?? referenceHex0;
  const seedCheck = await checkSeeds(chain, facts, hex0);
  findings.push(...seedCheck.findings);

  const partial: Omit<StageReport, 'roots'>[] = [];
  for (const [index, stage] of chain.stages.entries()) {
    const traced = await traceInputs(chain, stage, facts);
    const programs = await checkPrograms(chain, stage);
    findings.push(...traced.findings, ...programs.findings);
    // The manifest is a repository file too: its hash is the stage's identity in every record.
    const manifest = await facts.facts(stage.manifestPath);
    if (manifest.hash.openssl !== stage.manifestSha256) {
      findings.push({
        reason: 'file-hash-mismatch',
        stage: stage.name,
        path: 'stage.yaml',
        file: relative(chain.dir, stage.manifestPath),
        expected: stage.manifestSha256,
        actual: manifest.hash.openssl,
      });
    }
    const sourceLines = traced.inputs
      .filter((i) => (i.origin === 'repository' || i.origin === 'seed-source') && i.content === 'text')
      .reduce((n, i) => n + (i.lines ?? 0), 0);
    partial.push({
      name: stage.name,
      description: stage.description,
      index: index + 1,
      manifest: relative(chain.dir, stage.manifestPath),
      manifestSha256: stage.manifestSha256,
      stageKey: stageKey(stage),
      inputs: traced.inputs,
      outputs: stage.outputs.map((o) => ({ path: o.path, sha256: o.sha256, executable: o.executable })),
      programs: programs.programs,
      ...(programs.script === undefined ? {} : { script: programs.script }),
      sourceLines,
    });
  }
  const roots = stageRoots(partial);
  const stages: StageReport[] = partial.map((s) => ({ ...s, roots: roots.get(s.name)! }));
  findings.push(...sameBytes(stages, seedCheck.seeds));
  for (const [path, known] of await facts.entries()) {
    if (!known.hash.agree)
      findings.push({ reason: 'hash-implementations-disagree', file: path, openssl: known.hash.openssl, noble: known.hash.noble });
  }

  let records: ProvenanceRecord[] = [];
  let recordsSummary: AuditReport['records'];
  const objectDirs: string[] = [];
  if (options.store !== undefined) objectDirs.push(join(options.store, 'objects'));
  let current: ReadonlyMap<string, ProvenanceRecord> | undefined;
  if (options.records !== undefined) {
    const checked = await checkRecords(chain, options.records);
    findings.push(...checked.findings);
    current = checked.current;
    records = [...checked.current.values()];
    if (checked.objectsDir !== undefined) objectDirs.push(checked.objectsDir);
    recordsSummary = { dir: checked.dir, read: checked.read, current: checked.current.size };
  }

  findings.push(...(await checkUpstreamObjects(chain, objectDirs)));
  const sameAs = await checkSameAs(chain, {
    ...(current === undefined ? {} : { records: current }),
    ...(options.records === undefined ? {} : { recordsDir: options.records }),
    sameAsRecords: options.sameAsRecords ?? [],
    objectDirs,
  });
  findings.push(...sameAs.findings);
  const sizes = await objectSizes(stages, objectDirs);
  let rebuildSummary: RebuildSummary | undefined;
  let rebuildBase: TrustedBase | undefined;
  if (options.rebuild !== undefined) {
    const rebuilt = await rebuild({
      chain,
      sandbox: options.rebuild.sandbox,
      ...(current === undefined ? {} : { records: current }),
      referenceObjects: objectDirs,
      ...(options.rebuild.tempDir === undefined ? {} : { tempDir: options.rebuild.tempDir }),
      ...(options.rebuild.onEvent === undefined ? {} : { onEvent: options.rebuild.onEvent }),
      ...(options.rebuild.sources === undefined ? {} : { sources: options.rebuild.sources }),
      ...(options.rebuild.signal === undefined ? {} : { signal: options.rebuild.signal }),
    });
    findings.push(...rebuilt.findings);
    for (const [sha, size] of rebuilt.sizes) if (!sizes.has(sha)) sizes.set(sha, size);
    rebuildSummary = rebuilt.summary;
    rebuildBase = rebuilt.trustedBase;
  }
  withSizes(stages, sizes);

  const seedsDir = chain.seeds.size > 0 ? dirname([...chain.seeds.values()][0]!.path) : undefined;
  const handwritten = await countChainHandwritten(chain, seedsDir);
  return finish({
    chain: { name: chain.name, arch: chain.arch, dir: chain.dir },
    auditedAt,
    auditor,
    trustedBase: await trustedBase(records, rebuildBase),
    seeds: seedCheck.seeds,
    stages,
    graph: originGraph(chain, stages),
    growth: growthRows(seedCheck.seeds, stages),
    handwritten,
    ...(recordsSummary === undefined ? {} : { records: recordsSummary }),
    ...(rebuildSummary === undefined ? {} : { rebuild: rebuildSummary }),
    ...(sameAs.reports.length === 0 ? {} : { sameAs: sameAs.reports }),
    findings,
  });
}

function finish(report: Omit<AuditReport, 'counts' | 'ok'>): AuditReport {
  const count = (severity: string): number => report.findings.filter((f) => severityOf(f) === severity).length;
  const counts = { errors: count('error'), warnings: count('warning'), notes: count('note') };
  return { ...report, counts, ok: counts.errors === 0 };
}

/**
 * Upstream downloads are sources: archives and text. Their bytes are not in the repository, so
 * they are looked at only when a store holding them was given; an executable among them is a
 * binary from outside the chain.
 */
async function checkUpstreamObjects(chain: Chain, objectDirs: readonly string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const stage of chain.stages) {
    for (const input of stage.inputs) {
      if (input.origin.kind !== 'url') continue;
      for (const dir of objectDirs) {
        const head = await readHead(objectFile(dir, input.sha256), 4);
        if (head === undefined) continue;
        if (contentKind(head) === 'elf') {
          findings.push({
            reason: 'binary-from-outside',
            stage: stage.name,
            path: input.path,
            source: input.origin.urls[0] ?? '',
            kind: 'elf',
          });
        }
        break;
      }
    }
  }
  return findings;
}

async function readHead(path: string, length: number): Promise<Uint8Array | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * What counts as an output collision. Outputs are named by stage and path, and a later stage takes
 * one by naming both, so two stages may well declare the same path; within one stage the loader
 * refuses duplicate or overlapping paths, so one root cannot hold two files at one path. What is
 * left worth a reader's attention is the same bytes coming out of more than one place: a stage
 * that rebuilds a seed (a fixed point), or two stages making the same file. A note, not an error.
 */
function sameBytes(stages: readonly StageReport[], seeds: readonly SeedReport[]): Finding[] {
  const producers = new Map<Sha256, string[]>();
  const add = (sha: Sha256, who: string): void => {
    const list = producers.get(sha) ?? [];
    if (!list.includes(who)) list.push(who);
    producers.set(sha, list);
  };
  for (const stage of stages) for (const output of stage.outputs) add(output.sha256, `stage ${stage.name} (${output.path})`);
  const findings: Finding[] = [];
  for (const [sha, list] of producers) {
    const seed = seeds.find((s) => s.sha256 === sha);
    const all = seed === undefined ? list : [`seed ${seed.name}`, ...list];
    if (all.length > 1) findings.push({ reason: 'same-bytes-from-several', sha256: sha, producers: all });
  }
  return findings;
}

async function objectSizes(stages: readonly StageReport[], objectDirs: readonly string[]): Promise<Map<Sha256, number>> {
  const sizes = new Map<Sha256, number>();
  for (const stage of stages) {
    for (const output of stage.outputs) {
      for (const dir of objectDirs) {
        try {
          sizes.set(output.sha256, (await stat(objectFile(dir, output.sha256))).size);
          break;
        } catch {
          // not in this store
        }
      }
    }
  }
  return sizes;
}
