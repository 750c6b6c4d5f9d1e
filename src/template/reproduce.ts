// Reproducing a template: build it again from nothing but the chain's seeds and sources, in an
// empty store of its own (no verified result, no binary from an earlier run can be reused), and
// compare the result with an earlier build.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chain } from '../manifest/types.js';
import type { ChainEvent } from '../run/bootstrap.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { Store } from '../store/store.js';
import { buildTemplate, stagesFor, type BuildTemplateResult } from './build.js';
import { compareBuilds, type TemplateComparison } from './compare.js';
import type { TemplateDeclaration } from './declaration.js';
import type { FetchOptions } from '../sources/ensure.js';

export interface ReproduceOptions {
  readonly chain: Chain;
  readonly template: TemplateDeclaration;
  readonly sandbox: Sandbox;
  /** Directory holding the earlier build (NAME.tar, NAME.ext2, NAME.manifest.json). */
  readonly against: string;
  /**
   * A store to take upstream sources (url inputs) from, each checked against its sha256. Only
   * sources are taken: no stage output, no record.
   */
  readonly sourcesFrom?: Store;
  /** Where upstream sources not in sourcesFrom come from (distfiles, mirrors, the manifests' URLs). */
  readonly sources?: FetchOptions;
  /** Where the temporary store and the new build are made (default: the system's temporary directory). */
  readonly workDir?: string;
  readonly jobs?: number;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: ChainEvent) => void;
}

export type ReproduceResult =
  | {
      readonly ok: true;
      readonly comparison: TemplateComparison;
      /** The new build, kept when it differs so it can be inspected; removed when identical. */
      readonly outDir?: string;
      readonly build: Extract<BuildTemplateResult, { ok: true }>;
    }
  | { readonly ok: false; readonly build: Extract<BuildTemplateResult, { ok: false }>; readonly workDir: string };

export async function reproduceTemplate(options: ReproduceOptions): Promise<ReproduceResult> {
  const { chain, template } = options;
  const work = await mkdtemp(join(options.workDir ?? tmpdir(), `kindling-reproduce-${template.name}-`));
  const outDir = join(work, 'out');
  // What stays afterwards: everything when the build failed or stopped with an error (the failed
  // stage's root is in the store), only the new build when it differs, nothing when it is identical.
  let keep: 'all' | 'build' | 'nothing' = 'all';
  try {
    const store = await Store.open(join(work, 'store'));
    if (options.sourcesFrom !== undefined) await copySources(chain, template, options.sourcesFrom, store);
    const build = await buildTemplate({
      chain,
      template,
      store,
      sandbox: options.sandbox,
      outDir,
      ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
      ...(options.sources === undefined ? {} : { sources: options.sources }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    });
    if (!build.ok) {
      keep = 'all';
      return { ok: false, build, workDir: work };
    }
    const comparison = await compareBuilds(options.against, outDir, template.name);
    keep = comparison.identical ? 'nothing' : 'build';
    return { ok: true, comparison, build, ...(comparison.identical ? {} : { outDir }) };
  } finally {
    if (keep === 'build') await rm(join(work, 'store'), { recursive: true, force: true });
    if (keep === 'nothing') await rm(work, { recursive: true, force: true });
  }
}

async function copySources(chain: Chain, template: TemplateDeclaration, from: Store, to: Store): Promise<void> {
  for (const stage of stagesFor(chain, template)) {
    for (const input of stage.inputs) {
      if (input.origin.kind !== 'url' || !(await from.has(input.sha256))) continue;
      // Hashed again on the way in: the new store takes nothing on the old one's word.
      await to.importFile(from.objectPath(input.sha256), input.sha256);
    }
  }
}
