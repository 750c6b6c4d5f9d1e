// The audit's result: everything the text, JSON and HTML reports show. Plain data, so the JSON
// report is this object as it is.
import type { Sha256 } from '../digest.js';
import type { ContentKind } from './content-kind.js';
import type { DdcResult } from './ddc.js';
import type { Finding } from './findings.js';
import type { HandwrittenCount } from './handwritten.js';
import type { SameAsReport } from './same-as.js';

/** Where an input comes from, in the words of the report. */
export type InputOriginKind = 'seed' | 'seed-source' | 'repository' | 'upstream' | 'stage';

export interface InputReport {
  readonly path: string;
  readonly sha256: Sha256;
  readonly origin: InputOriginKind;
  /** The seed's name, the repository file (relative to the chain directory), the URL, or "stage:output". */
  readonly from: string;
  readonly executable: boolean;
  /** Known for files on disk (seeds and repository files). */
  readonly size?: number;
  readonly content?: ContentKind;
  readonly lines?: number;
}

export interface OutputReport {
  readonly path: string;
  readonly sha256: Sha256;
  readonly executable: boolean;
  /** Known when a store holding the bytes was at hand (records' store, --store, or the rebuild). */
  readonly size?: number;
}

/** How a program a stage executes entered the stage root. Only seed, stage and built-here are allowed. */
export type ProgramOrigin = 'seed' | 'stage' | 'built-here' | 'file' | 'url' | 'seed-source' | 'not-an-input';

export interface ProgramReport {
  readonly program: string;
  /** "run.init" or "script:line". */
  readonly site: string;
  readonly origin: ProgramOrigin;
  readonly from?: string;
}

export interface StageReport {
  readonly name: string;
  readonly description: string;
  /** 1-based position in build order. */
  readonly index: number;
  /** stage.yaml, relative to the chain directory. */
  readonly manifest: string;
  readonly manifestSha256: Sha256;
  readonly stageKey: Sha256;
  readonly inputs: readonly InputReport[];
  readonly outputs: OutputReport[];
  readonly programs: readonly ProgramReport[];
  readonly script?: { readonly path: string; readonly language?: string };
  /** Lines of text the stage takes from the repository or a seed's source: what people wrote for it. */
  readonly sourceLines: number;
  /** Everything the stage rests on, through all the stages before it. */
  readonly roots: StageRoots;
}

/** The transitive origins of a stage: the only things not built by the chain that it depends on. */
export interface StageRoots {
  readonly seeds: readonly string[];
  /** Repository files (relative to the chain directory) of this stage and every stage it builds on. */
  readonly repositoryFiles: readonly string[];
  readonly upstream: readonly string[];
  /** The earlier stages it builds on, directly or not, in build order. */
  readonly stages: readonly string[];
}

export interface SeedReport {
  readonly name: string;
  readonly size: number;
  readonly sha256: Sha256;
  /** The same hash from @noble/hashes. */
  readonly sha256Noble: Sha256;
  /** The commented source, relative to the chain directory. */
  readonly source: string;
  readonly sourceLines: number;
  readonly sourceCheck: 'matches' | 'differs' | 'invalid';
}

export interface TrustedComponentReport {
  readonly name: string;
  readonly detail: string;
  /** Whether the detail comes from the run's records, the audit's rebuild, the auditing host, or is not known. */
  readonly from: 'records' | 'rebuild' | 'this host' | 'not known';
}

export type GraphNodeKind = 'seed' | 'source' | 'stage';

export interface GraphNode {
  readonly id: string;
  readonly kind: GraphNodeKind;
  readonly label: string;
  /** Row in a drawing from seeds (0) down to the last stage. */
  readonly layer: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The input paths this edge carries into the consumer. */
  readonly paths: readonly string[];
}

export interface GrowthRow {
  readonly label: string;
  /** Bytes of executable output (for the seeds row: the seeds); undefined when not known. */
  readonly programBytes?: number;
  readonly sourceLines: number;
}

export interface RebuildSummary {
  readonly sandbox: string;
  readonly store: string;
  /** Whether the temporary store was kept (it holds the rebuilt bytes of a difference). */
  readonly kept: boolean;
  readonly stagesVerified: number;
  readonly firstDifference?: { readonly stage: string; readonly path: string; readonly offset?: number };
}

export interface AuditReport {
  readonly chain?: { readonly name: string; readonly arch: string; readonly dir: string };
  readonly auditedAt: string;
  readonly auditor: { readonly kindling: string; readonly node: string };
  readonly trustedBase: readonly TrustedComponentReport[];
  readonly seeds: readonly SeedReport[];
  readonly stages: readonly StageReport[];
  readonly graph: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] };
  readonly growth: readonly GrowthRow[];
  readonly handwritten?: HandwrittenCount;
  readonly records?: { readonly dir: string; readonly read: number; readonly current: number };
  readonly rebuild?: RebuildSummary;
  /** Outputs declared `same-as` another chain's: both routes to one binary, compared. */
  readonly sameAs?: readonly SameAsReport[];
  /** Diverse double-compiling of the chain's TinyCC (--ddc); its verdict is its own, not in `ok`. */
  readonly ddc?: DdcResult;
  readonly findings: readonly Finding[];
  readonly counts: { readonly errors: number; readonly warnings: number; readonly notes: number };
  /** True when there is no error: every check that ran passed. */
  readonly ok: boolean;
}
