// Reads and validates one stage.yaml. Everything that can be checked from the file alone is
// checked here; checks across stages (references, cycles) are in chain.ts.
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { sha256Bytes } from '../digest.js';
import { ManifestError } from './errors.js';
import { asList, asMap, asSha256, asString, checkKeys, required, type YamlMap } from './fields.js';
import { checkStageRootPath, pathsOverlap } from './paths.js';
import type { InputOrigin, SameAs, Stage, StageInput, StageOutput, StageRun } from './types.js';

export const STAGE_KEYS = ['name', 'description', 'inputs', 'run', 'outputs', 'scratch'];
export const INPUT_KEYS = [
  'path',
  'sha256',
  'seed',
  'seed-source',
  'stage',
  'output',
  'file',
  'tree',
  'url',
  'mirrors',
  'size',
  'executable',
];
const ORIGIN_KEYS = ['seed', 'seed-source', 'stage', 'file', 'tree', 'url'];
export const RUN_KEYS = ['init', 'script', 'args', 'timeout'];
export const OUTPUT_KEYS = ['path', 'sha256', 'executable', 'same-as'];
export const SAME_AS_KEYS = ['chain', 'stage', 'output'];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * Loads `manifestPath`. `file:` inputs may come from inside `chainDir` or inside one of the
 * chain's declared source roots (chain.yaml's `sources`), and nowhere else.
 */
export async function loadStage(manifestPath: string, chainDir: string, sourceRoots: readonly string[] = []): Promise<Stage> {
  const file = relative(process.cwd(), manifestPath) || manifestPath;
  let bytes: Buffer;
  try {
    bytes = await readFile(manifestPath);
  } catch (error) {
    throw new ManifestError(file, '', `cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let document: unknown;
  try {
    document = yaml.load(bytes.toString('utf8'), { filename: file, schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw new ManifestError(file, '', `is not valid YAML: ${(error as Error).message}`);
  }
  const top = asMap(file, '', document);
  checkKeys(file, '', top, STAGE_KEYS);
  const name = asString(file, 'name', required(file, '', top, 'name'));
  if (!NAME_PATTERN.test(name)) throw new ManifestError(file, 'name', `'${name}' must be letters, digits, . _ + -`);
  const description = top.description === undefined ? '' : asString(file, 'description', top.description);
  const dir = dirname(manifestPath);

  const inputs = asList(file, 'inputs', required(file, '', top, 'inputs')).map((value, i) => readInput(file, `inputs[${i}]`, value));
  for (const input of inputs) {
    if (input.origin.kind === 'file' || input.origin.kind === 'tree') await checkFileOrigin(file, dir, [chainDir, ...sourceRoots], input);
  }
  const outputs = asList(file, 'outputs', required(file, '', top, 'outputs')).map((value, i) =>
    readOutput(file, `outputs[${i}]`, value, dirname(manifestPath), chainDir),
  );
  if (outputs.length === 0) throw new ManifestError(file, 'outputs', 'a stage must declare at least one output');
  const scratch =
    top.scratch === undefined ? [] : asList(file, 'scratch', top.scratch).map((p, i) => checkStageRootPath(file, `scratch[${i}]`, p));
  checkNoOverlaps(file, inputs, outputs, scratch);
  const run = readRun(file, asMap(file, 'run', required(file, '', top, 'run')), inputs);

  return {
    name,
    description,
    dir,
    manifestPath,
    manifestSha256: sha256Bytes(bytes),
    inputs,
    run,
    outputs,
    scratch,
  };
}

function readInput(file: string, field: string, value: unknown): StageInput {
  const map = asMap(file, field, value);
  checkKeys(file, field, map, INPUT_KEYS);
  const path = checkStageRootPath(file, `${field}.path`, required(file, field, map, 'path'));
  const sha256 = asSha256(file, `${field}.sha256`, map.sha256);
  const present = ORIGIN_KEYS.filter((key) => key in map);
  if (present.length !== 1) {
    throw new ManifestError(
      file,
      field,
      present.length === 0
        ? `has no origin: give one of ${ORIGIN_KEYS.join(', ')}`
        : `has several origins (${present.join(', ')}); give exactly one`,
    );
  }
  if ('output' in map && !('stage' in map)) throw new ManifestError(file, `${field}.output`, 'only applies to stage inputs');
  if ('mirrors' in map && !('url' in map)) throw new ManifestError(file, `${field}.mirrors`, 'only applies to url inputs');
  if ('size' in map && !('url' in map)) throw new ManifestError(file, `${field}.size`, 'only applies to url inputs');
  const origin = readOrigin(file, field, map, path);
  if (map.executable !== undefined && typeof map.executable !== 'boolean') {
    throw new ManifestError(file, `${field}.executable`, 'must be true or false');
  }
  if (map.executable !== undefined && (origin.kind === 'seed' || origin.kind === 'stage')) {
    throw new ManifestError(file, `${field}.executable`, 'is decided by the seed or the producing stage, not here');
  }
  if (map.executable !== undefined && origin.kind === 'tree') {
    throw new ManifestError(file, `${field}.executable`, "is decided by each file's mode in the tree, not here");
  }
  return { path, sha256, origin, executable: origin.kind === 'seed' || map.executable === true };
}

function readOrigin(file: string, field: string, map: YamlMap, path: string): InputOrigin {
  if ('seed' in map) return { kind: 'seed', seed: asString(file, `${field}.seed`, map.seed) };
  if ('seed-source' in map) return { kind: 'seed-source', seed: asString(file, `${field}.seed-source`, map['seed-source']) };
  if ('stage' in map) {
    const output = map.output === undefined ? path : checkStageRootPath(file, `${field}.output`, map.output);
    return { kind: 'stage', stage: asString(file, `${field}.stage`, map.stage), output };
  }
  if ('file' in map) return { kind: 'file', file: asString(file, `${field}.file`, map.file) };
  if ('tree' in map) return { kind: 'tree', tree: asString(file, `${field}.tree`, map.tree) };
  const urls = [asString(file, `${field}.url`, map.url)];
  if (map.mirrors !== undefined) {
    asList(file, `${field}.mirrors`, map.mirrors).forEach((m, i) => urls.push(asString(file, `${field}.mirrors[${i}]`, m)));
  }
  urls.forEach((url, i) => {
    if (!/^https?:\/\//.test(url)) {
      throw new ManifestError(file, i === 0 ? `${field}.url` : `${field}.mirrors[${i - 1}]`, `'${url}' is not an http(s) URL`);
    }
  });
  if (map.size === undefined) return { kind: 'url', urls };
  const size = map.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new ManifestError(file, `${field}.size`, 'must be the length of the source in bytes (a whole number)');
  }
  return { kind: 'url', urls, size };
}

/**
 * A `file:` (or `tree:`) input is relative to the stage's directory and must stay inside the chain directory or
 * a declared source root, also after following symbolic links: a link in the repository must not
 * smuggle in a host file.
 */
async function checkFileOrigin(file: string, stageDir: string, allowedRoots: readonly string[], input: StageInput): Promise<void> {
  const origin = input.origin;
  if (origin.kind !== 'file' && origin.kind !== 'tree') return;
  const field = `inputs[path=${input.path}].${origin.kind}`;
  const given = origin.kind === 'file' ? origin.file : origin.tree;
  if (isAbsolute(given)) throw new ManifestError(file, field, `'${given}' is absolute; give a path relative to the stage`);
  let real: string;
  try {
    real = await realpath(resolve(stageDir, given));
  } catch {
    throw new ManifestError(file, field, `'${given}' does not exist beside the manifest`);
  }
  const info = await stat(real);
  if (origin.kind === 'file' && !info.isFile()) throw new ManifestError(file, field, `'${given}' is not a regular file`);
  if (origin.kind === 'tree' && !info.isDirectory()) throw new ManifestError(file, field, `'${given}' is not a directory`);
  for (const root of allowedRoots) {
    if (isInside(await realpath(root), real)) return;
  }
  const where = allowedRoots.length > 1 ? "the chain directory or its declared sources (chain.yaml's sources)" : 'the chain directory';
  throw new ManifestError(file, field, `'${given}' resolves outside ${where} (${real})`);
}

/** Whether `path` lies strictly below `root` (both already real paths). */
export function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside !== '' && inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

function readOutput(file: string, field: string, value: unknown, stageDir: string, chainDir: string): StageOutput {
  const map = asMap(file, field, value);
  checkKeys(file, field, map, OUTPUT_KEYS);
  const path = checkStageRootPath(file, `${field}.path`, required(file, field, map, 'path'));
  const sha256 = asSha256(file, `${field}.sha256`, map.sha256);
  if (map.executable !== undefined && typeof map.executable !== 'boolean') {
    throw new ManifestError(file, `${field}.executable`, 'must be true or false');
  }
  const output = { path, sha256, executable: map.executable === true };
  return map['same-as'] === undefined
    ? output
    : { ...output, sameAs: readSameAs(file, `${field}.same-as`, map['same-as'], stageDir, chainDir) };
}

/**
 * `same-as`: the output must be the same bytes as an output of a stage of another chain (two
 * routes to one binary). Only its form is checked here; the audit loads the other chain and
 * compares (src/audit/same-as.ts), so a chain still loads and runs without the other.
 */
function readSameAs(file: string, field: string, value: unknown, stageDir: string, chainDir: string): SameAs {
  const map = asMap(file, field, value);
  checkKeys(file, field, map, SAME_AS_KEYS);
  const chain = asString(file, `${field}.chain`, required(file, field, map, 'chain'));
  if (isAbsolute(chain)) throw new ManifestError(file, `${field}.chain`, `'${chain}' is absolute; give a path relative to the stage`);
  // The other route is another chain beside this one (stages/aarch64 for stages/amd64): this
  // chain itself would compare an output with itself, and a path out of the directory that holds
  // the chains names no chain of this tree.
  const otherDir = resolve(stageDir, chain);
  if (otherDir === chainDir || isInside(chainDir, otherDir)) {
    throw new ManifestError(file, `${field}.chain`, `'${chain}' is this stage's own chain; same-as names another chain`);
  }
  const chains = dirname(chainDir);
  if (!isInside(chains, otherDir)) {
    throw new ManifestError(file, `${field}.chain`, `'${chain}' resolves outside ${chains}; same-as names a chain beside this one`);
  }
  const stage = asString(file, `${field}.stage`, required(file, field, map, 'stage'));
  if (!NAME_PATTERN.test(stage))
    throw new ManifestError(file, `${field}.stage`, `'${stage}' is not a stage name (letters, digits, . _ + -)`);
  const output = checkStageRootPath(file, `${field}.output`, required(file, field, map, 'output'));
  return { chain, chainDir: otherDir, stage, output, field };
}

function readRun(file: string, map: YamlMap, inputs: readonly StageInput[]): StageRun {
  checkKeys(file, 'run', map, RUN_KEYS);
  const init = checkStageRootPath(file, 'run.init', required(file, 'run', map, 'init'));
  const declared = (path: string, field: string): void => {
    if (!inputs.some((input) => input.path === path)) {
      throw new ManifestError(file, field, `'${path}' is not one of the stage's inputs`);
    }
  };
  declared(init, 'run.init');
  if ('script' in map && 'args' in map) throw new ManifestError(file, 'run', 'give either script or args, not both');
  let args: string[] = [];
  if ('script' in map) {
    const script = checkStageRootPath(file, 'run.script', map.script);
    declared(script, 'run.script');
    args = [script];
  } else if ('args' in map) {
    args = asList(file, 'run.args', map.args).map((a, i) => asString(file, `run.args[${i}]`, a));
  }
  const timeout = required(file, 'run', map, 'timeout');
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT_SECONDS) {
    throw new ManifestError(file, 'run.timeout', `must be a whole number of seconds between 1 and ${MAX_TIMEOUT_SECONDS}`);
  }
  return { init, args, timeoutSeconds: timeout };
}

function checkNoOverlaps(file: string, inputs: readonly StageInput[], outputs: readonly StageOutput[], scratch: readonly string[]): void {
  const claimed: { path: string; field: string }[] = [];
  const claim = (path: string, field: string): void => {
    const clash = claimed.find((c) => pathsOverlap(c.path, path));
    if (clash !== undefined) {
      const what = clash.path === path ? 'duplicates' : 'overlaps';
      throw new ManifestError(file, field, `'${path}' ${what} '${clash.path}' (${clash.field})`);
    }
    claimed.push({ path, field });
  };
  inputs.forEach((input, i) => claim(input.path, `inputs[${i}].path`));
  outputs.forEach((output, i) => claim(output.path, `outputs[${i}].path`));
  scratch.forEach((dir, i) => claim(dir, `scratch[${i}]`));
}
