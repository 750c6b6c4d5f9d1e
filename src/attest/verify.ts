// Decide, stage by stage, whether independent rebuilders agree. A stage run is identified by chain,
// stage name and stage key; it is accepted when at least `threshold` distinct trusted keys signed
// statements making the same claim about it (same outputs, same manifest and inputs), and no
// `threshold` trusted signers halted it.
import { createHash } from 'node:crypto';
import type { Sha256 } from '../digest.js';
import type { RecordedFile } from '../run/record.js';
import type { Evidence, IgnoredSignature, SignedResult, UnreadableFile } from './evidence.js';
import type { ExpectedChain } from './expected-chain.js';
import { haltsWithinChain } from './check-halts.js';
import { evaluateHalts, type ActiveHalt } from './halt.js';
import { compareText, type Subject } from './statement.js';

export interface Signer {
  readonly keyId: string;
  readonly name: string;
}

/** One thing rebuilders said about a stage run, and who said it. */
export interface Claim {
  readonly outputs: readonly Subject[];
  readonly manifestSha256: Sha256;
  readonly inputs: readonly RecordedFile[];
  readonly signers: readonly Signer[];
  /** The isolation backends the signers ran it on: agreement across backends is the stronger kind. */
  readonly backends: readonly string[];
}

export type StageStatus = 'agreed' | 'disagreed' | 'insufficient' | 'halted';

export interface FirstDifference {
  /** The first output path (in name order) whose digest differs between the two largest claims. */
  readonly path?: string;
  /** Digest per claim index; null when that claim has no such output. */
  readonly digests?: readonly (string | null)[];
  /** Set when the outputs agree but the claims differ in manifest or inputs. */
  readonly note?: string;
}

export interface StageVerdict {
  readonly chain: string;
  readonly stage: string;
  /** Absent for a chain stage that no trusted signer spoke about. */
  readonly stageKey?: Sha256;
  readonly status: StageStatus;
  readonly accepted: boolean;
  /** Largest first. */
  readonly claims: readonly Claim[];
  /** Trusted signers who signed two different claims about this run: counted for none. */
  readonly equivocators: readonly Signer[];
  readonly halts: readonly ActiveHalt[];
  readonly firstDifference?: FirstDifference;
}

/** A validly signed result that does not fit the expected chain (another manifest, or no such stage). */
export interface MisplacedResult {
  readonly file: string;
  readonly signer: Signer;
  readonly chain: string;
  readonly stage: string;
  readonly reason: string;
}

export interface VerifyReport {
  readonly threshold: number;
  readonly accepted: boolean;
  readonly stages: readonly StageVerdict[];
  /** The first stage, in order, where trusted rebuilders part ways. */
  readonly firstDivergence?: {
    readonly chain: string;
    readonly stage: string;
    readonly stageKey?: Sha256;
    readonly difference?: FirstDifference;
  };
  readonly misplaced: readonly MisplacedResult[];
  readonly ignoredSignatures: readonly IgnoredSignature[];
  readonly unreadable: readonly UnreadableFile[];
  readonly halts: readonly ActiveHalt[];
  readonly haltsBelowThreshold: readonly ActiveHalt[];
}

export function verifyEvidence(evidence: Evidence, threshold: number, expected?: ExpectedChain): VerifyReport {
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError('the threshold must be a whole number of at least 1');
  const misplaced: MisplacedResult[] = [];
  const groups = new Map<string, SignedResult[]>();
  for (const result of evidence.results) {
    const { chain, stage, stageKey } = result.predicate;
    // A statement that its run failed is no claim about outputs: it never counts as agreement.
    const reason =
      result.predicate.exitCode !== 0
        ? `statement reports a failed run (exit status ${result.predicate.exitCode}); not counted`
        : expected === undefined
          ? undefined
          : misfit(result, expected);
    if (reason !== undefined) {
      misplaced.push({ file: result.file, signer: signerOf(result), chain, stage, reason });
      continue;
    }
    const id = `${chain}\u0000${stage}\u0000${stageKey}`;
    const group = groups.get(id) ?? [];
    group.push(result);
    groups.set(id, group);
  }

  const ordered = orderGroups([...groups.values()], expected);
  const stages: StageVerdict[] = ordered.map((entry) =>
    entry.results === undefined
      ? emptyVerdict(entry.chain, entry.stage, evidence, threshold)
      : judgeStage(entry.results, evidence, threshold),
  );

  const divergent = stages.find((verdict) => verdict.claims.length > 1 || verdict.equivocators.length > 0);
  const allHalts = collectHalts(evidence, threshold, stages, expected);
  return {
    threshold,
    accepted: stages.length > 0 && stages.every((verdict) => verdict.accepted),
    stages,
    ...(divergent === undefined
      ? {}
      : {
          firstDivergence: {
            chain: divergent.chain,
            stage: divergent.stage,
            ...(divergent.stageKey ? { stageKey: divergent.stageKey } : {}),
            ...(divergent.firstDifference ? { difference: divergent.firstDifference } : {}),
          },
        }),
    misplaced,
    ignoredSignatures: evidence.ignored,
    unreadable: evidence.unreadable,
    halts: allHalts.halts,
    haltsBelowThreshold: allHalts.belowThreshold,
  };
}

function misfit(result: SignedResult, expected: ExpectedChain): string | undefined {
  const { chain, stage, manifestSha256 } = result.predicate;
  if (chain !== expected.name) return `statement is about chain ${chain}, not ${expected.name}`;
  const known = expected.stages.find((candidate) => candidate.name === stage);
  if (known === undefined) return `chain ${expected.name} has no stage ${stage}`;
  if (known.manifestSha256 !== manifestSha256) {
    return `statement names manifest ${manifestSha256.slice(0, 16)}…, but ${stage}'s stage.yaml hashes to ${known.manifestSha256.slice(0, 16)}…`;
  }
  if (known.stageKey !== undefined && known.stageKey !== result.predicate.stageKey) {
    return `statement names stage key ${result.predicate.stageKey.slice(0, 16)}…, but ${stage}'s inputs give ${known.stageKey.slice(0, 16)}…`;
  }
  return undefined;
}

type OrderedEntry = { chain: string; stage: string; results?: SignedResult[] };

/** Chain order when a chain is given, else the order in which the runs started (record order). */
function orderGroups(groups: SignedResult[][], expected?: ExpectedChain): OrderedEntry[] {
  const byStart = (a: SignedResult[], b: SignedResult[]): number =>
    compareText(earliestStart(a), earliestStart(b)) ||
    compareText(a[0]?.predicate.stage ?? '', b[0]?.predicate.stage ?? '') ||
    compareText(a[0]?.predicate.stageKey ?? '', b[0]?.predicate.stageKey ?? '');
  if (expected === undefined) {
    return groups
      .sort(byStart)
      .map((results) => ({ chain: results[0]?.predicate.chain ?? '', stage: results[0]?.predicate.stage ?? '', results }));
  }
  const entries: OrderedEntry[] = [];
  for (const stage of expected.stages) {
    const matching = groups.filter((group) => group[0]?.predicate.stage === stage.name).sort(byStart);
    if (matching.length === 0) entries.push({ chain: expected.name, stage: stage.name });
    for (const results of matching) entries.push({ chain: expected.name, stage: stage.name, results });
  }
  return entries;
}

function earliestStart(results: readonly SignedResult[]): string {
  return results.map((result) => result.predicate.timings.startedAt).sort(compareText)[0] ?? '';
}

function judgeStage(results: readonly SignedResult[], evidence: Evidence, threshold: number): StageVerdict {
  const first = results[0];
  if (first === undefined) throw new Error('a stage group is never empty');
  const { chain, stage, stageKey } = first.predicate;

  // Each signer's distinct claims; a signer with more than one is an equivocator.
  const claimsBySigner = new Map<string, Map<string, SignedResult>>();
  for (const result of results) {
    const bySigner = claimsBySigner.get(result.signer.keyId) ?? new Map<string, SignedResult>();
    bySigner.set(claimId(result), result);
    claimsBySigner.set(result.signer.keyId, bySigner);
  }
  const equivocators: Signer[] = [];
  const claims = new Map<string, { result: SignedResult; signers: Signer[]; backends: Set<string> }>();
  for (const bySigner of claimsBySigner.values()) {
    const own = [...bySigner.entries()];
    const [only] = own;
    if (only === undefined) continue;
    if (own.length > 1) {
      equivocators.push(signerOf(only[1]));
      continue;
    }
    const [id, result] = only;
    const claim = claims.get(id) ?? { result, signers: [], backends: new Set<string>() };
    claim.signers.push(signerOf(result));
    claim.backends.add(result.predicate.backend);
    claims.set(id, claim);
  }
  const sortedClaims: Claim[] = [...claims.values()]
    .map(({ result, signers, backends }) => ({
      outputs: sortedSubjects(result.subject),
      manifestSha256: result.predicate.manifestSha256,
      inputs: result.predicate.inputs,
      signers: signers.sort((a, b) => compareText(a.name, b.name) || compareText(a.keyId, b.keyId)),
      backends: [...backends].sort(compareText),
    }))
    .sort((a, b) => b.signers.length - a.signers.length || compareText(a.signers[0]?.name ?? '', b.signers[0]?.name ?? ''));

  const haltVerdict = evaluateHalts(evidence.halts, threshold, { chain, stage });
  const agreed = (sortedClaims[0]?.signers.length ?? 0) >= threshold;
  const status: StageStatus = haltVerdict.halted
    ? 'halted'
    : agreed
      ? 'agreed'
      : sortedClaims.length > 1 || equivocators.length > 0
        ? 'disagreed'
        : 'insufficient';
  const difference = sortedClaims.length > 1 ? firstDifference(sortedClaims) : undefined;
  return {
    chain,
    stage,
    stageKey,
    status,
    accepted: status === 'agreed',
    claims: sortedClaims,
    equivocators,
    halts: haltVerdict.halts,
    ...(difference ? { firstDifference: difference } : {}),
  };
}

function emptyVerdict(chain: string, stage: string, evidence: Evidence, threshold: number): StageVerdict {
  const haltVerdict = evaluateHalts(evidence.halts, threshold, { chain, stage });
  return {
    chain,
    stage,
    status: haltVerdict.halted ? 'halted' : 'insufficient',
    accepted: false,
    claims: [],
    equivocators: [],
    halts: haltVerdict.halts,
  };
}

function firstDifference(claims: readonly Claim[]): FirstDifference {
  const [a, b] = claims;
  if (a === undefined || b === undefined) return {};
  const paths = [...new Set([...a.outputs, ...b.outputs].map((subject) => subject.name))].sort(compareText);
  const digestIn = (claim: Claim, path: string): string | null =>
    claim.outputs.find((subject) => subject.name === path)?.digest.sha256 ?? null;
  for (const path of paths) {
    if (digestIn(a, path) !== digestIn(b, path)) return { path, digests: claims.map((claim) => digestIn(claim, path)) };
  }
  return { note: 'outputs are equal; the claims differ in manifest or inputs' };
}

/** Halts are reported even for chains or stages that no result mentions. */
function collectHalts(
  evidence: Evidence,
  threshold: number,
  stages: readonly StageVerdict[],
  expected?: ExpectedChain,
): { halts: ActiveHalt[]; belowThreshold: ActiveHalt[] } {
  const chains = new Set([...evidence.halts.map((halt) => halt.predicate.chain), ...stages.map((verdict) => verdict.chain)]);
  const halts: ActiveHalt[] = [];
  const belowThreshold: ActiveHalt[] = [];
  for (const chain of [...chains].sort(compareText)) {
    if (expected !== undefined && chain !== expected.name) continue;
    const verdict = haltsWithinChain(evidence.halts, threshold, chain);
    halts.push(...verdict.halts);
    belowThreshold.push(...verdict.belowThreshold);
  }
  return { halts, belowThreshold };
}

function claimId(result: SignedResult): string {
  const hash = createHash('sha256');
  hash.update(`manifest ${result.predicate.manifestSha256}\n`);
  for (const input of [...result.predicate.inputs].sort((a, b) => compareText(a.path, b.path)))
    hash.update(`input ${JSON.stringify(input.path)} ${input.sha256}\n`);
  for (const subject of sortedSubjects(result.subject)) hash.update(`output ${JSON.stringify(subject.name)} ${subject.digest.sha256}\n`);
  return hash.digest('hex');
}

function sortedSubjects(subjects: readonly Subject[]): Subject[] {
  return [...subjects].sort((a, b) => compareText(a.name, b.name));
}

function signerOf(result: SignedResult): Signer {
  return { keyId: result.signer.keyId, name: result.signer.name };
}
