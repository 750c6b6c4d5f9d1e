// The template manifest: what a template holds and where every byte of it came from. Everything
// in it but `trustedBase` follows from the chain and the declaration alone, so two honest builds
// agree on it exactly; the trusted base says what each build had to trust besides the chain.
import type { Sha256 } from '../digest.js';
import type { Chain, InputOrigin } from '../manifest/types.js';
import type { ProvenanceRecord } from '../run/record.js';
import type { TrustedBase, TrustedComponent } from '../sandbox/sandbox.js';
import { formatMode, type TemplateDeclaration } from './declaration.js';
import type { TemplateNode } from './tree.js';

export const TEMPLATE_MANIFEST_TYPE = 'https://kindling.dev/template/v1';

export interface ManifestFile {
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  /** Octal, four digits: "0755". */
  readonly mode: string;
  readonly size?: number;
  readonly sha256?: Sha256;
  /** The stage that built the file, the run's identity, and the output's path in that stage. */
  readonly stage?: string;
  readonly stageKey?: Sha256;
  readonly output?: string;
  /** A symbolic link's target, as declared. */
  readonly target?: string;
}

export interface Artifact {
  /** File name inside the output directory. */
  readonly file: string;
  readonly size: number;
  readonly sha256: Sha256;
}

/** Where one stage input came from, as the chain declares it. */
export type InputSource =
  | { readonly seed: string }
  | { readonly seedSource: string }
  | { readonly stage: string; readonly output: string }
  | { readonly file: string }
  | { readonly tree: string }
  | { readonly url: string };

export interface StageProvenance {
  readonly stage: string;
  readonly stageKey: Sha256;
  readonly manifestSha256: Sha256;
  readonly inputs: readonly { readonly path: string; readonly sha256: Sha256; readonly executable: boolean; readonly from: InputSource }[];
  readonly outputs: readonly { readonly path: string; readonly sha256: Sha256 }[];
}

export interface Provenance {
  /** The only binaries the chain did not build: hand-checkable seeds, each beside its commented source. */
  readonly seeds: readonly { readonly name: string; readonly sha256: Sha256 }[];
  /** Every stage the template's files depend on, in build order. */
  readonly stages: readonly StageProvenance[];
  /**
   * Executable inputs that are neither seeds nor built by a stage of the chain. Empty for a chain
   * that builds everything from its seeds; anything here is a binary the chain takes on trust.
   */
  readonly unbuiltExecutables: readonly {
    readonly stage: string;
    readonly path: string;
    readonly sha256: Sha256;
    readonly from: InputSource;
  }[];
  /** True when every file of the template was built by a stage and no binary but the seeds entered the chain. */
  readonly builtFromSeeds: boolean;
}

export interface TemplateManifest {
  readonly _type: typeof TEMPLATE_MANIFEST_TYPE;
  readonly template: string;
  readonly description: string;
  readonly chain: string;
  readonly arch: string;
  readonly declarationSha256: Sha256;
  readonly files: readonly ManifestFile[];
  readonly archive: Artifact;
  readonly image: Artifact & { readonly filesystem: string };
  readonly provenance: Provenance;
  /**
   * What the build trusted besides the chain: each sandbox backend its stage records name (with
   * the stages run under it) and the tool that made the image.
   */
  readonly trustedBase: {
    readonly stages: readonly (TrustedBase & { readonly stages: readonly string[] })[];
    readonly imageTool: TrustedComponent;
    /** The program that laid out the archive and the image. */
    readonly maker: { readonly name: 'kindling'; readonly version: string; readonly node: string };
  };
}

function sourceOf(origin: InputOrigin): InputSource {
  switch (origin.kind) {
    case 'seed':
      return { seed: origin.seed };
    case 'seed-source':
      return { seedSource: origin.seed };
    case 'stage':
      return { stage: origin.stage, output: origin.output };
    case 'file':
      return { file: origin.file };
    case 'tree':
      return { tree: origin.tree };
    case 'url':
      return { url: origin.urls[0]! };
  }
}

export function provenanceOf(chain: Chain, records: ReadonlyMap<string, ProvenanceRecord>): Provenance {
  const stages = chain.stages.filter((s) => records.has(s.name));
  const usedSeeds = new Set<string>();
  const unbuilt: Provenance['unbuiltExecutables'][number][] = [];
  const stageProvenance = stages.map((stage): StageProvenance => {
    const record = records.get(stage.name)!;
    for (const input of stage.inputs) {
      if (input.origin.kind === 'seed') usedSeeds.add(input.origin.seed);
      else if (input.executable && input.origin.kind !== 'stage') {
        unbuilt.push({ stage: stage.name, path: input.path, sha256: input.sha256, from: sourceOf(input.origin) });
      }
    }
    return {
      stage: stage.name,
      stageKey: record.stageKey,
      manifestSha256: stage.manifestSha256,
      inputs: stage.inputs.map((i) => ({ path: i.path, sha256: i.sha256, executable: i.executable, from: sourceOf(i.origin) })),
      outputs: record.outputs.map((o) => ({ path: o.path, sha256: o.sha256 })),
    };
  });
  const seeds = [...usedSeeds].sort().map((name) => ({ name, sha256: chain.seeds.get(name)!.sha256 }));
  return { seeds, stages: stageProvenance, unbuiltExecutables: unbuilt, builtFromSeeds: unbuilt.length === 0 };
}

export function manifestFiles(
  nodes: readonly TemplateNode[],
  sizes: ReadonlyMap<string, number>,
  records: ReadonlyMap<string, ProvenanceRecord>,
): ManifestFile[] {
  return nodes.map((node): ManifestFile =>
    node.kind === 'directory'
      ? { path: node.path, type: 'directory', mode: formatMode(node.mode) }
      : node.kind === 'symlink'
        ? { path: node.path, type: 'symlink', mode: formatMode(node.mode), target: node.target }
        : {
            path: node.path,
            type: 'file',
            mode: formatMode(node.mode),
            size: sizes.get(node.path) ?? 0,
            sha256: node.sha256,
            stage: node.stage,
            stageKey: records.get(node.stage)!.stageKey,
            output: node.output,
          },
  );
}

/** Groups the records' trusted bases: one entry per distinct backend identity, naming its stages. */
export function trustedBasesOf(chain: Chain, records: ReadonlyMap<string, ProvenanceRecord>): TemplateManifest['trustedBase']['stages'] {
  const groups = new Map<string, TrustedBase & { stages: string[] }>();
  for (const stage of chain.stages) {
    const record = records.get(stage.name);
    if (record === undefined) continue;
    const key = JSON.stringify(record.trustedBase);
    const group = groups.get(key) ?? { ...record.trustedBase, stages: [] };
    group.stages.push(stage.name);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export function manifestOf(
  declaration: TemplateDeclaration,
  chain: Chain,
  parts: Omit<TemplateManifest, '_type' | 'template' | 'description' | 'chain' | 'arch' | 'declarationSha256'>,
): TemplateManifest {
  return {
    _type: TEMPLATE_MANIFEST_TYPE,
    template: declaration.name,
    description: declaration.description,
    chain: chain.name,
    arch: chain.arch,
    declarationSha256: declaration.declarationSha256,
    ...parts,
  };
}

/** The part of a manifest two honest builds must agree on: all but what each build trusted. */
export function reproducibleContent(manifest: TemplateManifest): Omit<TemplateManifest, 'trustedBase'> {
  return Object.fromEntries(Object.entries(manifest).filter(([key]) => key !== 'trustedBase')) as Omit<TemplateManifest, 'trustedBase'>;
}
