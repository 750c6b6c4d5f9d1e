// Take verified results from a remote instead of building them. A stage's result is taken only
// when at least `threshold` trusted signers' statements about this very run agree, their claim is
// exactly the manifest's outputs, and every object re-hashes to its name on arrival. Anything else
// is a warning and the stage is left for a local build: a remote that serves wrong bytes costs
// time, never trust. A halt published there by enough trusted signers stops the pull.
import type { Sha256 } from '../digest.js';
import { describeHalt, type ActiveHalt } from '../attest/halt.js';
import type { PublicKey } from '../attest/keys.js';
import { verifyEvidence, type Claim, type StageVerdict } from '../attest/verify.js';
import type { Chain, Stage } from '../manifest/types.js';
import { cachedResult } from '../run/run-stage.js';
import type { ProvenanceRecord } from '../run/record.js';
import { stageKey } from '../run/stage-key.js';
import type { Store } from '../store/store.js';
import { fetchCandidate, type Candidate } from './candidate.js';
import { RemoteError, type RemoteClient } from './http.js';
import { keepEvidence } from './kept-evidence.js';
import { casPath } from './layout.js';
import { fetchRemoteHalts } from './remote-halts.js';
import { KindlingError } from '../errors.js';

export interface PullOptions {
  readonly chain: Chain;
  /** The stages to pull, in build order (all of the chain, or those up to --until). */
  readonly stages: readonly Stage[];
  readonly store: Store;
  readonly client: RemoteClient;
  readonly trusted: ReadonlyMap<string, PublicKey>;
  readonly threshold: number;
  readonly onWarning?: (message: string) => void;
}

export type StagePull =
  | { readonly stage: string; readonly status: 'present' }
  | { readonly stage: string; readonly status: 'pulled'; readonly signers: readonly string[] }
  | { readonly stage: string; readonly status: 'not-pulled'; readonly reason: string };

export interface Disagreement {
  readonly stage: string;
  readonly stageKey: Sha256;
  readonly path: string;
  readonly expected: Sha256;
  readonly claimed: Sha256 | null;
  readonly signers: readonly string[];
  /** The evidence report in the store. */
  readonly evidenceFile: string;
}

export interface PullReport {
  readonly remote: string;
  readonly stages: readonly StagePull[];
  readonly disagreements: readonly Disagreement[];
  readonly bytesDown: number;
  readonly requests: number;
}

export class RemoteHaltedError extends KindlingError {
  override readonly name = 'RemoteHaltedError';
  readonly halts: readonly ActiveHalt[];

  constructor(remote: string, halts: readonly ActiveHalt[]) {
    super('failed', `refusing to use ${remote}: halted by trusted signers:\n  ${halts.map(describeHalt).join('\n  ')}`);
    this.halts = halts;
  }
}

export async function pullResults(options: PullOptions): Promise<PullReport> {
  const { chain, stages, store, client, trusted, threshold } = options;
  const warn = options.onWarning ?? (() => undefined);
  if (trusted.size === 0) throw new RemoteError('no trusted keys: a remote result counts only on the word of trusted signers');

  const halts = await fetchRemoteHalts(client, chain.name, trusted, threshold);
  for (const message of halts.ignored) warn(message);
  const names = new Set(stages.map((stage) => stage.name));
  const relevant = halts.verdict.halts.filter((halt) => halt.scope.stage === undefined || names.has(halt.scope.stage));
  if (relevant.length > 0) throw new RemoteHaltedError(client.base.toString(), relevant);

  const results: StagePull[] = [];
  const disagreements: Disagreement[] = [];
  for (const stage of stages) {
    if ((await cachedResult(stage, store)) !== undefined) {
      results.push({ stage: stage.name, status: 'present' });
      continue;
    }
    try {
      results.push(await pullStage(stage, options, warn, disagreements));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      warn(`${stage.name}: not taken from the remote (${reason}); it will be built here`);
      results.push({ stage: stage.name, status: 'not-pulled', reason });
    }
  }
  return {
    remote: client.base.toString(),
    stages: results,
    disagreements,
    bytesDown: client.counts.bytesDown,
    requests: client.counts.requests,
  };
}

async function pullStage(
  stage: Stage,
  options: PullOptions,
  warn: (message: string) => void,
  disagreements: Disagreement[],
): Promise<StagePull> {
  const { chain, store, client, trusted, threshold } = options;
  const key = stageKey(stage);
  const candidates: Candidate[] = [];
  const lookups = await Promise.all([...trusted.values()].map((signer) => fetchCandidate(client, chain.name, stage, key, signer)));
  for (const lookup of lookups) {
    if (lookup.found === 'candidate') candidates.push(lookup.candidate);
    else if (lookup.found === 'refused') warn(`${stage.name}: ${lookup.signer}'s result on the remote is refused: ${lookup.reason}`);
  }
  const notPulled = (reason: string): StagePull => {
    warn(`${stage.name}: not taken from the remote (${reason}); it will be built here`);
    return { stage: stage.name, status: 'not-pulled', reason };
  };
  if (candidates.length === 0) return notPulled('no result from a trusted signer');

  const report = verifyEvidence(
    { results: candidates.map((candidate) => candidate.signed), halts: [], ignored: [], unreadable: [] },
    threshold,
    { name: chain.name, stages: [{ name: stage.name, manifestSha256: stage.manifestSha256, stageKey: key }] },
  );
  for (const misplaced of report.misplaced) warn(`${stage.name}: ${misplaced.signer.name}'s statement is refused: ${misplaced.reason}`);
  const verdict: StageVerdict | undefined = report.stages.find((entry) => entry.claims.length > 0);
  if (verdict === undefined) return notPulled('no statement about this manifest and these inputs');

  // Any claim that is not exactly the manifest's outputs is kept as evidence, agreed or not.
  const kept = await keepEvidence(store, client, chain.name, stage, key, verdict.claims);
  if (kept !== undefined) {
    for (const difference of kept.report.differences) {
      disagreements.push({
        stage: stage.name,
        stageKey: key,
        path: difference.path,
        expected: difference.expected,
        claimed: difference.claimed,
        signers: difference.signers,
        evidenceFile: kept.file,
      });
      warn(
        `${stage.name}: ${difference.signers.join(', ')} claim ${difference.path} is ${difference.claimed ?? '(missing)'}, ` +
          `but the manifest says ${difference.expected}; evidence kept in ${kept.file}`,
      );
    }
  }
  for (const equivocator of verdict.equivocators)
    warn(`${stage.name}: ${equivocator.name} signed two different results for this run; counted for neither`);
  if (!verdict.accepted) {
    const best = verdict.claims[0]?.signers.length ?? 0;
    return notPulled(`${verdict.status}: ${best} of the ${threshold} trusted signers needed agree`);
  }
  const agreed = verdict.claims[0]!;
  const mismatch = claimMismatch(stage, agreed);
  if (mismatch !== undefined) return notPulled(`the agreed result differs from the manifest: ${mismatch}`);

  // Every object is re-hashed as it lands; one that is missing or wrong stops this stage's pull.
  const agreeing = new Set(agreed.signers.map((signer) => signer.keyId));
  const chosen = candidates
    .filter((candidate) => agreeing.has(candidate.signed.signer.keyId))
    .sort((a, b) => (a.signed.signer.name < b.signed.signer.name ? -1 : 1))[0]!;
  const objects = [
    ...stage.outputs.map((output) => output.sha256),
    ...(chosen.record.logSha256 === undefined ? [] : [chosen.record.logSha256]),
  ];
  for (const sha256 of new Set(objects)) await fetchObject(store, client, sha256);

  const record: ProvenanceRecord = {
    ...chosen.record,
    pulledFrom: {
      remote: client.base.toString(),
      threshold,
      signers: agreed.signers.map((signer) => ({ name: signer.name, keyId: signer.keyId })),
      pulledAt: new Date().toISOString(),
    },
  };
  await store.writeRecord(record);
  return { stage: stage.name, status: 'pulled', signers: agreed.signers.map((signer) => signer.name) };
}

function claimMismatch(stage: Stage, claim: Claim): string | undefined {
  if (claim.outputs.length !== stage.outputs.length)
    return `${claim.outputs.length} outputs, the manifest declares ${stage.outputs.length}`;
  for (const output of stage.outputs) {
    const digest = claim.outputs.find((subject) => subject.name === output.path)?.digest.sha256;
    if (digest !== output.sha256) return `${output.path} is ${digest ?? 'missing'}, the manifest says ${output.sha256}`;
  }
  return undefined;
}

async function fetchObject(store: Store, client: RemoteClient, sha256: Sha256): Promise<void> {
  if (await store.has(sha256)) return;
  const temp = store.tempPath('pull');
  if (!(await client.getToFile(casPath(sha256), temp)))
    throw new RemoteError(`${client.urlOf(casPath(sha256))} is missing from the remote`);
  const adopted = await store.adoptTemp(temp, sha256);
  if (!adopted.ok)
    throw new RemoteError(
      `${client.urlOf(casPath(sha256))} holds bytes hashing to ${adopted.actual}, not its name: the object was replaced`,
    );
}
