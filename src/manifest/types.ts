// The shape of a chain once loaded and validated. The YAML on disk is checked against these
// shapes by manifest/load.ts; everything downstream works only with these validated values.
import type { Arch } from '../arch.js';
import type { Sha256 } from '../digest.js';

/** Where an input's bytes come from. Exactly one origin per input. */
export type InputOrigin =
  | { readonly kind: 'seed'; readonly seed: string }
  | { readonly kind: 'seed-source'; readonly seed: string }
  | { readonly kind: 'stage'; readonly stage: string; readonly output: string }
  | { readonly kind: 'file'; readonly file: string }
  /** A directory beside the manifest, pinned by its tree digest (src/tree-digest.ts). */
  | { readonly kind: 'tree'; readonly tree: string }
  /** `size`, when the manifest gives it, is the source's length in bytes: a download may not be larger. */
  | { readonly kind: 'url'; readonly urls: readonly string[]; readonly size?: number };

export interface StageInput {
  /** Relative path inside the stage root, already checked to stay inside it. */
  readonly path: string;
  readonly sha256: Sha256;
  readonly origin: InputOrigin;
  /**
   * Whether the file is placed with an execute bit. Seeds are executable, a stage output is as its
   * producer declared it, and a file or upstream source only when the manifest says so.
   */
  readonly executable: boolean;
}

export interface StageOutput {
  readonly path: string;
  readonly sha256: Sha256;
  readonly executable: boolean;
  /** Another chain's output that must be the same bytes (`same-as`): a second route to one binary. */
  readonly sameAs?: SameAs;
}

export interface SameAs {
  /** The other chain's directory as the manifest gives it, relative to the stage's directory. */
  readonly chain: string;
  /** The same, absolute. */
  readonly chainDir: string;
  readonly stage: string;
  readonly output: string;
  /** Where the manifest declares it ("outputs[0].same-as"), for the audit's findings. */
  readonly field: string;
}

export interface StageRun {
  /** The program run as the stage's init (PID 1 in a VM): a path inside the stage root. */
  readonly init: string;
  /** Arguments given to init; a script path for kaem. */
  readonly args: readonly string[];
  readonly timeoutSeconds: number;
}

export interface Stage {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the directory that holds stage.yaml; `file:` inputs are relative to it. */
  readonly dir: string;
  /** Absolute path of stage.yaml itself, for error messages. */
  readonly manifestPath: string;
  /** sha256 of the manifest's bytes: part of the stage's identity. */
  readonly manifestSha256: Sha256;
  readonly inputs: readonly StageInput[];
  readonly run: StageRun;
  readonly outputs: readonly StageOutput[];
  /** Directories inside the root where the stage may leave files that are not outputs. */
  readonly scratch: readonly string[];
}

export interface Seed {
  readonly name: string;
  /** Absolute path of the seed binary. */
  readonly path: string;
  /** Absolute path of its commented hex0 source. */
  readonly sourcePath: string;
  readonly sha256: Sha256;
}

export interface Chain {
  readonly name: string;
  /** Real paths of directories outside the chain directory that `file:` and `tree:` inputs may read. */
  readonly sourceRoots: readonly string[];
  readonly arch: Arch;
  /** Absolute path of the chain directory (holding chain.yaml). */
  readonly dir: string;
  readonly seeds: ReadonlyMap<string, Seed>;
  /** Stages in a valid build order: every stage after those it depends on. */
  readonly stages: readonly Stage[];
}
