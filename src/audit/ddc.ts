// Diverse double-compiling (David A. Wheeler's answer to "trusting trust") for the chain's TinyCC.
// The chain builds tcc with cc and then with itself until the bytes stop changing. Here the same
// pinned sources take an independent route: a compiler from outside the chain (the host's gcc,
// say) builds tcc-0, and that tcc runs the stage's own last-generation lines of build.kaem in a
// directory laid out as the stage's root (same paths, so the same __FILE__ strings). If the
// chain's compilers hid anything in tcc, it would have to hide it from the independent compiler
// too: equal bytes are the evidence. Unequal bytes are kept, both sides, with the first that differs.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import { sha256File, type Sha256 } from '../digest.js';
import { KindlingError } from '../errors.js';
import type { Chain, Stage } from '../manifest/types.js';
import { ensureSources, type FetchOptions } from '../sources/ensure.js';
import type { Store } from '../store/store.js';
import { applyLinePatch } from './ddc-patch.js';
import { firstDifference, type Difference } from './first-difference.js';

/** The stage whose fixed point is checked, and the generation whose lines are replayed. */
export const DDC_STAGE = 'tcc';
const GENERATION = 'bin/tcc-3 ';
/** How build.kaem applies a line patch: `tmp/replace-line PATCH FILE`. */
const REPLACE_LINE = 'tmp/replace-line ';

export interface DdcFile {
  readonly path: string;
  readonly chainSha256: Sha256;
  readonly independentSha256: Sha256;
  /** Where the independent build's bytes first differ from the chain's (chain left, independent right). */
  readonly difference?: Difference;
}

export interface DdcResult {
  readonly stage: string;
  /** The independent compiler, as named. */
  readonly compiler: string;
  readonly ok: boolean;
  /** Every output the replayed generation writes, bin/tcc first. */
  readonly files: readonly DdcFile[];
  /** On a difference: the directory holding chain/<path> and independent/<path> for every file. */
  readonly kept?: string;
}

export interface DdcOptions {
  readonly chain: Chain;
  /** A store holding the chain's outputs up to the tcc stage (a bootstrap's store). */
  readonly store: Store;
  /** The independent C compiler: a name on PATH or a path. gcc's command line is assumed. */
  readonly compiler: string;
  /** Where TinyCC's tarball is fetched from when the store does not hold it. */
  readonly sources?: FetchOptions;
  readonly tempDir?: string;
}

function stageNamed(chain: Chain, name: string): Stage {
  const stage = chain.stages.find((s) => s.name === name);
  if (stage === undefined) throw new KindlingError('input', `ddc: chain ${chain.name} has no stage ${name}`);
  return stage;
}

/** A store object's path, after checking that its bytes still have the hash they are stored by. */
async function verifiedObject(store: Store, sha256: Sha256, what: string): Promise<string> {
  if (!(await store.has(sha256))) {
    throw new KindlingError(
      'input',
      `ddc: the store ${store.root} does not hold ${what} (sha256 ${sha256}); run kindling bootstrap into it first`,
    );
  }
  const path = store.objectPath(sha256);
  const actual = await sha256File(path);
  if (actual !== sha256)
    throw new KindlingError('input', `ddc: the store's ${what} has sha256 ${actual}, not ${sha256}: the store is damaged`);
  return path;
}

/** TinyCC's upstream tarball: the compressed file the chain's bzip2 stage decompresses. */
async function tarball(options: DdcOptions, stage: Stage): Promise<{ path: string; name: string }> {
  const archive = stage.inputs.find((i) => i.origin.kind === 'stage' && i.path.startsWith('src/tcc-') && i.path.endsWith('.tar'));
  if (archive === undefined || archive.origin.kind !== 'stage')
    throw new KindlingError('manifest', `ddc: ${stage.manifestPath}: no input src/tcc-*.tar from an earlier stage`);
  const producer = stageNamed(options.chain, archive.origin.stage);
  const compressed = producer.inputs.find(
    (i) => i.origin.kind === 'url' && i.path === `${archive.origin.kind === 'stage' ? archive.origin.output : ''}.bz2`,
  );
  if (compressed === undefined) throw new KindlingError('manifest', `ddc: ${producer.manifestPath}: no upstream input ${archive.path}.bz2`);
  if (!(await options.store.has(compressed.sha256))) {
    await ensureSources({ ...options.chain, stages: [{ ...producer, inputs: [compressed] }] }, options.store, options.sources ?? {});
  }
  return { path: await verifiedObject(options.store, compressed.sha256, compressed.path), name: basename(compressed.path) };
}

async function place(from: string, root: string, path: string): Promise<void> {
  const target = join(root, path);
  await mkdir(dirname(target), { recursive: true });
  await copyFile(from, target);
  await chmod(target, 0o644);
}

/** Runs a build step; `host` steps (the independent compiler) keep the environment, others get none, as in a stage. */
async function run(command: string, args: readonly string[], cwd: string, what: string, host = false): Promise<void> {
  const result = await execa(command, args, { cwd, reject: false, ...(host ? {} : { env: {}, extendEnv: false }), all: true });
  if (result.exitCode !== 0) {
    const said = (result.all ?? '').split('\n').find((l) => l.trim() !== '') ?? (result.failed ? String(result.shortMessage) : '');
    throw new KindlingError('failed', `ddc: ${what} failed (exit ${result.exitCode ?? 'none'}): ${said}`);
  }
}

/**
 * Lays out the stage's root in `root` from independent parts (TinyCC unpacked by the host's tar,
 * the stage's own files, cc's C library sources from the store), builds tcc-0 with `compiler`,
 * and replays the stage's last generation with it. Returns the outputs that generation writes.
 */
export async function buildIndependently(options: DdcOptions, root: string): Promise<string[]> {
  const stage = stageNamed(options.chain, DDC_STAGE);
  const source = await tarball(options, stage);
  await mkdir(join(root, 'tmp', 'tcc'), { recursive: true });
  for (const dir of ['obj', 'bin', join('lib', 'tcc')]) await mkdir(join(root, dir), { recursive: true });
  await run('tar', ['-xjf', source.path, '-C', join(root, 'tmp', 'tcc')], root, `unpacking ${source.name}`, true);
  for (const input of stage.inputs) {
    if (input.origin.kind === 'file') {
      const file = join(stage.dir, input.origin.file);
      if ((await sha256File(file)) !== input.sha256)
        throw new KindlingError('input', `ddc: ${file} does not have the sha256 ${stage.manifestPath} pins`);
      await place(file, root, input.path);
    } else if (input.origin.kind === 'stage' && input.path.startsWith('lib/cc/') && input.path !== 'lib/cc/cc.M0') {
      await place(await verifiedObject(options.store, input.sha256, `${input.origin.stage} ${input.origin.output}`), root, input.path);
    }
  }
  // The stage's line patches, each to the file its build.kaem applies it to.
  const kaem = (await readFile(join(root, 'build.kaem'), 'utf8')).split('\n');
  for (const line of kaem.filter((l) => l.startsWith(REPLACE_LINE))) {
    const [patchPath, targetPath] = line.slice(REPLACE_LINE.length).trim().split(/\s+/);
    if (patchPath === undefined || targetPath === undefined)
      throw new KindlingError('manifest', `ddc: ${join(stage.dir, 'build.kaem')}: '${line}' names no patch and file`);
    const [patch, target] = [join(root, patchPath), join(root, targetPath)];
    await writeFile(target, applyLinePatch(await readFile(patch, 'latin1'), await readFile(target, 'latin1'), patch), 'latin1');
  }
  const independent = join('tmp', 'tcc-independent');
  await run(
    options.compiler,
    ['-O0', '-w', '-I', 'src', '-o', independent, 'tmp/tcc/tcc.c', '-lm', '-lpthread'],
    root,
    `${options.compiler} compiling TinyCC`,
    true,
  );
  const script = kaem.filter((l) => l.startsWith(GENERATION));
  if (script.length === 0)
    throw new KindlingError('manifest', `ddc: ${join(stage.dir, 'build.kaem')}: no lines of generation 3 ("${GENERATION.trim()} ...")`);
  const written: string[] = [];
  for (const line of script) {
    const args = line
      .slice(GENERATION.length)
      .split(' ')
      .filter((a) => a !== '');
    await run(join(root, independent), args, root, `the independent tcc running "${line}"`);
    const output = args.indexOf('-ar') >= 0 ? args[args.indexOf('-ar') + 1] : args[args.indexOf('-o') + 1];
    if (output !== undefined && !output.startsWith('obj/')) written.push(output);
  }
  return written;
}

/** Builds TinyCC by the independent route and compares every output with the chain's. */
export async function diverseDoubleCompile(options: DdcOptions): Promise<DdcResult> {
  const stage = stageNamed(options.chain, DDC_STAGE);
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'kindling-ddc-'));
  const root = join(dir, 'independent');
  let result: DdcResult | undefined;
  try {
    const written = await buildIndependently(options, root);
    const files: DdcFile[] = [];
    for (const path of written.sort((a, b) => Number(b === 'bin/tcc') - Number(a === 'bin/tcc'))) {
      const declared = stage.outputs.find((o) => o.path === path);
      if (declared === undefined) continue;
      const chainFile = await verifiedObject(options.store, declared.sha256, `${stage.name} ${path}`);
      await place(chainFile, join(dir, 'chain'), path);
      const independentFile = join(root, path);
      const difference = await firstDifference(chainFile, independentFile);
      files.push({
        path,
        chainSha256: declared.sha256,
        independentSha256: await sha256File(independentFile),
        ...(difference === undefined ? {} : { difference }),
      });
    }
    if (!files.some((f) => f.path === 'bin/tcc'))
      throw new KindlingError('manifest', `ddc: the replayed generation writes no bin/tcc that ${stage.manifestPath} declares`);
    const ok = files.every((f) => f.difference === undefined);
    result = { stage: stage.name, compiler: options.compiler, ok, files, ...(ok ? {} : { kept: dir }) };
    return result;
  } finally {
    // Both sides are evidence of a difference: keep them then, and only then.
    if (result?.ok !== false) await rm(dir, { recursive: true, force: true });
  }
}
