// Building a template: run (or find verified in the store) the stages whose outputs it holds, then
// write its archive, image and manifest from those outputs alone. Every file's bytes are re-hashed
// on the way out of the store, so a changed store object cannot slip into a template.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Bytes, sha256File, type Sha256 } from '../digest.js';
import type { Chain, Stage } from '../manifest/types.js';
import { selectStages, type BootstrapResult, type ChainEvent } from '../run/bootstrap.js';
import { runChain } from '../run/run-chain.js';
import type { ProvenanceRecord } from '../run/record.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import type { FetchOptions } from '../sources/ensure.js';
import type { Store } from '../store/store.js';
import { writeArchive } from './archive.js';
import type { TemplateDeclaration } from './declaration.js';
import { IMAGE_FILESYSTEM, imageToolComponent, writeImage } from './image.js';
import { manifestFiles, manifestOf, provenanceOf, trustedBasesOf, type TemplateManifest } from './manifest.js';
import { templateTree } from './tree.js';
import { KINDLING_VERSION } from '../version.js';

export interface TemplateOutputFiles {
  readonly archive: string;
  readonly image: string;
  readonly manifest: string;
}

export function outputFiles(outDir: string, name: string): TemplateOutputFiles {
  return { archive: join(outDir, `${name}.tar`), image: join(outDir, `${name}.ext2`), manifest: join(outDir, `${name}.manifest.json`) };
}

export interface BuildTemplateOptions {
  readonly chain: Chain;
  readonly template: TemplateDeclaration;
  readonly store: Store;
  readonly sandbox: Sandbox;
  /** Directory that receives NAME.tar, NAME.ext2 and NAME.manifest.json. */
  readonly outDir: string;
  readonly jobs?: number;
  /** Where upstream sources the stages need come from, as for any run. */
  readonly sources?: FetchOptions;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ChainEvent) => void;
}

export type BuildTemplateResult =
  | { readonly ok: true; readonly manifest: TemplateManifest; readonly files: TemplateOutputFiles; readonly stages: BootstrapResult }
  | { readonly ok: false; readonly reason: 'stages-failed'; readonly stages: BootstrapResult }
  | {
      readonly ok: false;
      readonly reason: 'store-object-changed';
      readonly path: string;
      readonly expected: Sha256;
      readonly actual: Sha256;
    };

/** The stages a template needs: those producing its files and everything they depend on, in build order. */
export function stagesFor(chain: Chain, template: TemplateDeclaration): Stage[] {
  const wanted = new Set<string>();
  for (const entry of template.entries) for (const stage of selectStages(chain, entry.stage)) wanted.add(stage.name);
  return chain.stages.filter((s) => wanted.has(s.name));
}

export async function buildTemplate(options: BuildTemplateOptions): Promise<BuildTemplateResult> {
  const { chain, template, store, outDir } = options;
  // The chain cut down to what the template needs, run as any chain is, reusing verified results.
  const needed: Chain = { ...chain, stages: stagesFor(chain, template) };
  const stages = await runChain({
    chain: needed,
    store,
    sandbox: options.sandbox,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    ...(options.sources === undefined ? {} : { sources: options.sources }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
  });
  if (!stages.ok) return { ok: false, reason: 'stages-failed', stages };
  const records = new Map<string, ProvenanceRecord>();
  for (const [name, outcome] of stages.outcomes) if (outcome.status === 'verified') records.set(name, outcome.record);

  const nodes = templateTree(template);
  const contents = new Map<string, Buffer>();
  const sizes = new Map<string, number>();
  for (const node of nodes) {
    if (node.kind !== 'file') continue;
    const bytes = await readFile(store.objectPath(node.sha256));
    const actual = sha256Bytes(bytes);
    if (actual !== node.sha256) return { ok: false, reason: 'store-object-changed', path: node.path, expected: node.sha256, actual };
    contents.set(node.path, bytes);
    sizes.set(node.path, bytes.length);
  }

  await mkdir(outDir, { recursive: true });
  const files = outputFiles(outDir, template.name);
  // Each file is written beside its final name and renamed into place, so an interrupted build
  // never leaves a half-written archive under the name of a finished one.
  const partial = (path: string): string => `${path}.partial-${process.pid}`;
  try {
    await writeArchive(nodes, contents, partial(files.archive));
    await writeImage(nodes, contents, partial(files.image), join(outDir, `.work-${process.pid}`));
    const manifest = manifestOf(template, chain, {
      files: manifestFiles(nodes, sizes, records),
      archive: await artifact(partial(files.archive), `${template.name}.tar`),
      image: { ...(await artifact(partial(files.image), `${template.name}.ext2`)), filesystem: IMAGE_FILESYSTEM },
      provenance: provenanceOf(needed, records),
      trustedBase: {
        stages: trustedBasesOf(needed, records),
        imageTool: await imageToolComponent(),
        maker: { name: 'kindling', version: KINDLING_VERSION, node: process.version },
      },
    });
    await writeFile(partial(files.manifest), JSON.stringify(manifest, null, 2) + '\n');
    for (const path of [files.archive, files.image, files.manifest]) await rename(partial(path), path);
    return { ok: true, manifest, files, stages };
  } finally {
    for (const path of [files.archive, files.image, files.manifest]) await rm(partial(path), { force: true });
    await rm(join(outDir, `.work-${process.pid}`), { recursive: true, force: true });
  }
}

async function artifact(path: string, file: string): Promise<{ file: string; size: number; sha256: Sha256 }> {
  // Size before hash: when two builds differ in size, that is the first thing a comparison names.
  return { file, size: (await stat(path)).size, sha256: await sha256File(path) };
}
