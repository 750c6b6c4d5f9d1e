// Loads a chain directory: chain.yaml, its seeds, and every stage.yaml below it, then checks what
// only the whole chain can tell: stage references resolve, hashes agree across stages, no cycles.
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import { sha256File } from '../digest.js';
import { ARCHES, isArch } from '../arch.js';
import { ManifestError } from './errors.js';
import { asList, asMap, asString, checkKeys, required } from './fields.js';
import { isInside, loadStage } from './stage.js';
import type { Chain, Seed, Stage } from './types.js';

export const CHAIN_KEYS = ['name', 'arch', 'description', 'seeds', 'sources', 'stages'];
export const SEED_KEYS = ['name', 'binary', 'source'];

export interface LoadOptions {
  /**
   * Whether a stage input must carry the hash its producer declares (the default). `kindling lock`
   * loads with this off: it is about to write the producers' hashes into their consumers.
   */
  readonly crossStageHashes?: boolean;
}

export async function loadChain(chainDir: string, options: LoadOptions = {}): Promise<Chain> {
  const dir = resolve(chainDir);
  const manifestPath = join(dir, 'chain.yaml');
  const file = relative(process.cwd(), manifestPath) || manifestPath;
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new ManifestError(file, '', 'cannot be read: a chain directory holds a chain.yaml');
  }
  let document: unknown;
  try {
    document = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw new ManifestError(file, '', `is not valid YAML: ${(error as Error).message}`);
  }
  const top = asMap(file, '', document);
  checkKeys(file, '', top, CHAIN_KEYS);
  const name = asString(file, 'name', required(file, '', top, 'name'));
  const arch = asString(file, 'arch', required(file, '', top, 'arch'));
  if (!isArch(arch)) throw new ManifestError(file, 'arch', `'${arch}' is not an architecture kindling knows (${ARCHES.join(', ')})`);
  const sourceRoots = await readSourceRoots(file, dir, top.sources);
  const seedsField = required(file, '', top, 'seeds');
  const seeds =
    typeof seedsField === 'string'
      ? await loadSeeds(file, resolve(dir, asString(file, 'seeds', seedsField)))
      : await loadNamedSeeds(file, dir, [dir, ...sourceRoots], asList(file, 'seeds', seedsField));

  const stageDirs: string[] = [];
  if (top.stages === undefined) stageDirs.push(...(await discoverStageDirs(file, dir)));
  else {
    for (const [i, s] of asList(file, 'stages', top.stages).entries()) {
      stageDirs.push(await listedStageDir(file, dir, `stages[${i}]`, asString(file, `stages[${i}]`, s)));
    }
  }
  const stages: Stage[] = [];
  for (const stageDir of stageDirs) stages.push(await loadStage(join(stageDir, 'stage.yaml'), dir, sourceRoots));

  checkReferences(stages, seeds, options.crossStageHashes ?? true);
  return { name, arch, dir, sourceRoots, seeds, stages: buildOrder(withProducerModes(stages)) };
}

/**
 * Every direct subdirectory holding a stage.yaml, in name order (NN- prefixes give the intended
 * order). A stage must never drop out of a chain silently: a stage.yaml that is a broken link or not
 * a regular file, or a manifest under another name (stage.yml), is an error naming it.
 */
async function discoverStageDirs(chainFile: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const stageDir = join(dir, entry.name);
    const names = await readdir(stageDir);
    if (names.includes('stage.yaml')) {
      await checkStageManifestFile(chainFile, join(stageDir, 'stage.yaml'));
      found.push(stageDir);
      continue;
    }
    const lookalike = names.find((name) => /^stage\.(ya?ml|json)$/i.test(name));
    if (lookalike !== undefined) {
      throw new ManifestError(
        relative(process.cwd(), join(stageDir, lookalike)),
        '',
        'kindling reads stages only from files named stage.yaml: rename it',
      );
    }
    // A directory without stage.yaml (shared sources, say) is not a stage.
  }
  return found;
}

async function checkStageManifestFile(chainFile: string, path: string): Promise<void> {
  const shown = relative(process.cwd(), path) || path;
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new ManifestError(
      shown,
      '',
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}), so the chain ${chainFile} would lose a stage`,
    );
  }
  if (!info.isFile()) throw new ManifestError(shown, '', 'is not a regular file');
}

/** A stage listed in chain.yaml's `stages` is a directory inside the chain directory. */
async function listedStageDir(file: string, dir: string, field: string, given: string): Promise<string> {
  const stageDir = join(dir, given);
  let real: string;
  try {
    real = await realpath(stageDir);
  } catch {
    throw new ManifestError(file, field, `'${given}' does not exist in the chain directory`);
  }
  if (!isInside(await realpath(dir), real))
    throw new ManifestError(file, field, `'${given}' resolves outside the chain directory (${real})`);
  await checkStageManifestFile(file, join(stageDir, 'stage.yaml'));
  return stageDir;
}

/**
 * `sources`: directories outside the chain directory that `file:` inputs and seeds may read (an
 * upstream source tree beside the chain, say). Each must exist; the escape checks apply inside it.
 */
async function readSourceRoots(file: string, chainDir: string, value: unknown): Promise<string[]> {
  if (value === undefined) return [];
  return Promise.all(
    asList(file, 'sources', value).map(async (entry, i) => {
      const path = resolve(chainDir, asString(file, `sources[${i}]`, entry));
      const info = await stat(path).catch(() => undefined);
      if (info?.isDirectory() !== true) throw new ManifestError(file, `sources[${i}]`, `'${String(entry)}' is not a directory`);
      return realpath(path);
    }),
  );
}

/**
 * Seeds named one by one, for chains whose seed files follow another project's names:
 * `{ name, binary, source }`, paths relative to the chain directory, inside it or a source root.
 */
async function loadNamedSeeds(
  file: string,
  chainDir: string,
  roots: readonly string[],
  entries: readonly unknown[],
): Promise<Map<string, Seed>> {
  const seeds = new Map<string, Seed>();
  for (const [i, entry] of entries.entries()) {
    const field = `seeds[${i}]`;
    const map = asMap(file, field, entry);
    checkKeys(file, field, map, SEED_KEYS);
    const name = asString(file, `${field}.name`, required(file, field, map, 'name'));
    if (seeds.has(name)) throw new ManifestError(file, `${field}.name`, `seed '${name}' is named twice`);
    const locate = async (key: 'binary' | 'source'): Promise<string> => {
      const given = asString(file, `${field}.${key}`, required(file, field, map, key));
      const real = await realpath(resolve(chainDir, given)).catch(() => undefined);
      if (real === undefined || !(await stat(real)).isFile()) throw new ManifestError(file, `${field}.${key}`, `'${given}' is not a file`);
      const allowed = await Promise.all(roots.map((root) => realpath(root)));
      if (!allowed.some((root) => isInside(root, real))) {
        throw new ManifestError(
          file,
          `${field}.${key}`,
          `'${given}' resolves outside the chain directory and its declared sources (${real})`,
        );
      }
      return real;
    };
    const path = await locate('binary');
    seeds.set(name, { name, path, sourcePath: await locate('source'), sha256: await sha256File(path) });
  }
  return seeds;
}

/** A seed is a binary `<name>` with its commented source `<name>.hex0` beside it. */
async function loadSeeds(file: string, seedsDir: string): Promise<Map<string, Seed>> {
  let entries: string[];
  try {
    entries = await readdir(seedsDir);
  } catch {
    throw new ManifestError(file, 'seeds', `directory '${seedsDir}' cannot be read`);
  }
  const seeds = new Map<string, Seed>();
  for (const entry of entries.sort()) {
    if (!entry.endsWith('.hex0')) continue;
    const name = entry.slice(0, -'.hex0'.length);
    const path = join(seedsDir, name);
    if (!entries.includes(name)) throw new ManifestError(file, 'seeds', `source ${entry} has no binary '${name}' beside it`);
    seeds.set(name, { name, path, sourcePath: join(seedsDir, entry), sha256: await sha256File(path) });
  }
  return seeds;
}

function checkReferences(stages: readonly Stage[], seeds: ReadonlyMap<string, Seed>, crossStageHashes: boolean): void {
  const byName = new Map<string, Stage>();
  for (const stage of stages) {
    const other = byName.get(stage.name);
    if (other !== undefined) {
      throw new ManifestError(stage.manifestPath, 'name', `stage '${stage.name}' is also defined in ${other.manifestPath}`);
    }
    byName.set(stage.name, stage);
  }
  for (const stage of stages) {
    stage.inputs.forEach((input, i) => {
      const field = `inputs[${i}]`;
      const origin = input.origin;
      if (origin.kind === 'seed' || origin.kind === 'seed-source') {
        if (!seeds.has(origin.seed)) {
          throw new ManifestError(
            stage.manifestPath,
            `${field}.${origin.kind}`,
            `no seed named '${origin.seed}' (have: ${[...seeds.keys()].join(', ') || 'none'})`,
          );
        }
      } else if (origin.kind === 'stage') {
        if (origin.stage === stage.name) {
          throw new ManifestError(stage.manifestPath, `${field}.stage`, 'a stage cannot take its own output as an input');
        }
        const producer = byName.get(origin.stage);
        if (producer === undefined) {
          throw new ManifestError(stage.manifestPath, `${field}.stage`, `no stage named '${origin.stage}' in this chain`);
        }
        const output = producer.outputs.find((o) => o.path === origin.output);
        if (output === undefined) {
          throw new ManifestError(stage.manifestPath, `${field}.output`, `stage '${origin.stage}' declares no output '${origin.output}'`);
        }
        if (crossStageHashes && output.sha256 !== input.sha256) {
          throw new ManifestError(
            stage.manifestPath,
            `${field}.sha256`,
            `is ${input.sha256} but stage '${origin.stage}' declares ${origin.output} as ${output.sha256}`,
          );
        }
      }
    });
  }
}

/** A stage input is executable exactly when the stage that produced it declared the output so. */
function withProducerModes(stages: readonly Stage[]): Stage[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  return stages.map((stage) => ({
    ...stage,
    inputs: stage.inputs.map((input) => {
      if (input.origin.kind !== 'stage') return input;
      const { stage: producer, output: path } = input.origin;
      const output = byName.get(producer)?.outputs.find((o) => o.path === path);
      return { ...input, executable: output?.executable ?? false };
    }),
  }));
}

/** Orders stages so each comes after the stages it takes inputs from; a cycle is named in full. */
function buildOrder(stages: readonly Stage[]): Stage[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const ordered: Stage[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (stage: Stage, path: string[]): void => {
    const seen = state.get(stage.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(stage.name)), stage.name].join(' → ');
      throw new ManifestError(stage.manifestPath, 'inputs', `stages depend on each other in a cycle: ${cycle}`);
    }
    state.set(stage.name, 'visiting');
    for (const dependency of stageDependencies(stage)) visit(byName.get(dependency)!, [...path, stage.name]);
    state.set(stage.name, 'done');
    ordered.push(stage);
  };
  for (const stage of stages) visit(stage, []);
  return ordered;
}

export function stageDependencies(stage: Stage): string[] {
  const names = new Set<string>();
  for (const input of stage.inputs) if (input.origin.kind === 'stage') names.add(input.origin.stage);
  return [...names];
}
