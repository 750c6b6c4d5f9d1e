// What the audit can find, as values. Each kind has a `reason`; describeFinding turns one into a
// line a person can act on, and its exhaustive switch means a new kind cannot go unrendered.
import type { Sha256 } from '../digest.js';
import type { Difference } from './first-difference.js';
import { describeDifference } from './first-difference.js';
import { describeSourceDifference } from '../seeds/source-check.js';
import { assertNever } from '../errors.js';

/** error: the chain is not proven; warning: not checked, or worth a look; note: for the reader. */
export type Severity = 'error' | 'warning' | 'note';

/** Where a program was named: a script line, or the stage's `run.init`. */
export interface ProgramSite {
  readonly script?: string;
  readonly line?: number;
}

export type Finding =
  | { readonly reason: 'manifest-invalid'; readonly message: string }
  | { readonly reason: 'origin-unresolved'; readonly stage: string; readonly path: string; readonly detail: string }
  | {
      readonly reason: 'file-hash-mismatch';
      readonly stage: string;
      readonly path: string;
      readonly file: string;
      readonly expected: Sha256;
      readonly actual: Sha256;
    }
  | { readonly reason: 'hash-implementations-disagree'; readonly file: string; readonly openssl: Sha256; readonly noble: Sha256 }
  | ({ readonly reason: 'program-not-input'; readonly stage: string; readonly program: string } & ProgramSite)
  | ({
      readonly reason: 'program-from-outside';
      readonly stage: string;
      readonly program: string;
      readonly origin: 'file' | 'url' | 'seed-source';
      readonly source: string;
    } & ProgramSite)
  | {
      readonly reason: 'binary-from-outside';
      readonly stage: string;
      readonly path: string;
      readonly source: string;
      readonly kind: 'elf' | 'binary';
    }
  | { readonly reason: 'script-not-checked'; readonly stage: string; readonly script: string; readonly why: string }
  | { readonly reason: 'seed-source-mismatch'; readonly seed: string; readonly source: string; readonly difference: Difference }
  | { readonly reason: 'seed-source-invalid'; readonly seed: string; readonly message: string }
  | { readonly reason: 'same-bytes-from-several'; readonly sha256: Sha256; readonly producers: readonly string[] }
  | { readonly reason: 'record-unreadable'; readonly file: string; readonly message: string }
  | { readonly reason: 'record-unknown-stage'; readonly file: string; readonly stage: string }
  | { readonly reason: 'record-other-chain'; readonly file: string; readonly chain: string }
  | { readonly reason: 'record-stale'; readonly file: string; readonly stage: string }
  | {
      readonly reason: 'record-mismatch';
      readonly file: string;
      readonly stage: string;
      readonly what: string;
      readonly manifest: string;
      readonly record: string;
    }
  | { readonly reason: 'record-missing'; readonly stage: string }
  | { readonly reason: 'rebuild-failed'; readonly stage: string; readonly message: string }
  | {
      readonly reason: 'rebuild-mismatch';
      readonly stage: string;
      readonly path: string;
      /** What the rebuilt file was compared with. */
      readonly against: 'manifest' | 'record';
      readonly expected: Sha256;
      readonly actual: Sha256;
      /** Reference first, rebuilt second; absent when no copy of the expected bytes was at hand. */
      readonly difference?: Difference;
      readonly rebuiltFile?: string;
    }
  | { readonly reason: 'rebuild-not-compared'; readonly stages: readonly string[] }
  | {
      readonly reason: 'same-as-unresolved';
      readonly stage: string;
      readonly path: string;
      readonly other: string;
      /** The manifest and the field of the declaration that names what cannot be found. */
      readonly file: string;
      readonly field: string;
      readonly detail: string;
    }
  | {
      /** A record of the other route's run that disagrees with that chain's manifest. */
      readonly reason: 'same-as-record-rejected';
      readonly stage: string;
      readonly path: string;
      readonly other: string;
      readonly otherChain: string;
      readonly detail: string;
    }
  | {
      /** Records were given, but none of the other route's run: it is compared by its manifest alone. */
      readonly reason: 'same-as-unrecorded';
      readonly stage: string;
      readonly path: string;
      readonly other: string;
      readonly otherChain: string;
    }
  | {
      readonly reason: 'same-as-differs';
      readonly stage: string;
      readonly path: string;
      /** The other route as the manifest names it: "stage b0 (bin/b0) of chain ../../aarch64". */
      readonly other: string;
      readonly otherChain: string;
      /** Which evidence differs: the two manifests' hashes, the two runs' records, or the stored bytes. */
      readonly evidence: 'manifests' | 'records' | 'stored bytes';
      readonly sha256: Sha256;
      readonly otherSha256: Sha256;
      /** This route's bytes first, the other's second. */
      readonly difference?: Difference;
    };

export function severityOf(finding: Finding): Severity {
  switch (finding.reason) {
    case 'script-not-checked':
    case 'record-stale':
    case 'record-other-chain':
    case 'rebuild-not-compared':
    case 'same-as-unrecorded':
      return 'warning';
    case 'same-bytes-from-several':
      return 'note';
    default:
      return 'error';
  }
}

/** The stage a finding is about, when it is about one. */
export function stageOf(finding: Finding): string | undefined {
  return 'stage' in finding ? finding.stage : undefined;
}

function site(finding: ProgramSite): string {
  return finding.script === undefined ? 'run.init' : `${finding.script}:${finding.line ?? '?'}`;
}

export function describeFinding(finding: Finding): string {
  switch (finding.reason) {
    case 'manifest-invalid':
      return `the chain does not load: ${finding.message}`;
    case 'origin-unresolved':
      return `stage ${finding.stage}: input ${finding.path} does not trace to its origin: ${finding.detail}`;
    case 'file-hash-mismatch':
      return `stage ${finding.stage}: input ${finding.path} (${finding.file}) has sha256 ${finding.actual}, the manifest says ${finding.expected}`;
    case 'hash-implementations-disagree':
      return `${finding.file}: node:crypto says ${finding.openssl}, @noble/hashes says ${finding.noble}`;
    case 'program-not-input':
      return `stage ${finding.stage}, ${site(finding)}: runs ${finding.program}, which is not an input of the stage (an undeclared binary)`;
    case 'program-from-outside': {
      const what =
        finding.origin === 'url'
          ? 'an upstream download'
          : finding.origin === 'file'
            ? 'a file from the repository'
            : "a seed's source text";
      return `stage ${finding.stage}, ${site(finding)}: runs ${finding.program}, which is ${what} (${finding.source}), not a seed or an earlier stage's output: a binary from outside the chain`;
    }
    case 'binary-from-outside':
      return `stage ${finding.stage}: input ${finding.path} from ${finding.source} is ${finding.kind === 'elf' ? 'an ELF executable' : 'binary, not text'}: a binary from outside the chain`;
    case 'script-not-checked':
      return `stage ${finding.stage}: the commands of ${finding.script} were not checked: ${finding.why}`;
    case 'seed-source-mismatch':
      return `seed ${finding.seed}: ${finding.source} does not assemble to the seed's bytes, ${describeSourceDifference(finding.difference)}`;
    case 'seed-source-invalid':
      return `seed ${finding.seed}: its source does not assemble: ${finding.message}`;
    case 'same-bytes-from-several': {
      const fixedPoint =
        finding.producers[0]?.startsWith('seed ') === true ? ': a fixed point, the chain rebuilds the seed byte for byte' : '';
      return `the same bytes (sha256 ${finding.sha256.slice(0, 16)}…) come from ${finding.producers.join(' and ')}${fixedPoint}`;
    }
    case 'record-unreadable':
      return `record ${finding.file} cannot be read: ${finding.message}`;
    case 'record-unknown-stage':
      return `record ${finding.file} is for stage '${finding.stage}', which the chain does not have`;
    case 'record-other-chain':
      return `record ${finding.file} is for chain '${finding.chain}' (ignored: a store may serve several chains)`;
    case 'record-stale':
      return `record ${finding.file} is for another version of stage ${finding.stage}'s manifest (ignored)`;
    case 'record-mismatch':
      return `record ${finding.file} of stage ${finding.stage}: ${finding.what} is ${finding.record} in the record but ${finding.manifest} by the manifest`;
    case 'record-missing':
      return `stage ${finding.stage} has no record for its current manifest`;
    case 'rebuild-failed':
      return `rebuild: stage ${finding.stage} failed: ${finding.message}`;
    case 'rebuild-mismatch': {
      const base = `rebuild: first difference at stage ${finding.stage}, file ${finding.path}: rebuilt sha256 ${finding.actual}, the ${finding.against} says ${finding.expected}`;
      const where =
        finding.difference === undefined
          ? 'no copy of the expected bytes to compare byte by byte'
          : `first differing byte ${describeDifference(finding.difference, 'expected', 'rebuilt')}`;
      return `${base}; ${where}${finding.rebuiltFile === undefined ? '' : ` (rebuilt file kept at ${finding.rebuiltFile})`}`;
    }
    case 'rebuild-not-compared':
      return `rebuild: not compared because an earlier stage differs or failed: ${finding.stages.join(', ')}`;
    case 'same-as-unresolved':
      return `${finding.file}: ${finding.field}: stage ${finding.stage}: output ${finding.path} is declared the same as ${finding.other}: ${finding.detail}`;
    case 'same-as-record-rejected':
      return `stage ${finding.stage}: output ${finding.path}: the record of the other route, ${finding.other} (chain ${finding.otherChain}), disagrees with that chain's manifest: ${finding.detail}`;
    case 'same-as-unrecorded':
      return `stage ${finding.stage}: output ${finding.path} is compared with ${finding.other} by the manifests' hashes alone: no store given holds a record of chain ${finding.otherChain}'s run (give that chain's store with --same-as-records)`;
    case 'same-as-differs': {
      const where =
        finding.difference === undefined ? '' : `; first differing byte ${describeDifference(finding.difference, 'here', 'there')}`;
      return `stage ${finding.stage}: output ${finding.path} must be the same bytes as ${finding.other} (chain ${finding.otherChain}), but the ${finding.evidence} differ: sha256 ${finding.sha256} here, ${finding.otherSha256} there${where}`;
    }
    default:
      return assertNever(finding);
  }
}
