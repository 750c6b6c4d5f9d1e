// `kindling trace`: what a stage really reads, found by running it once under bubblewrap with
// strace watching its processes. The stage root holds its declared inputs as they are now (their
// hashes are not checked: trace is for writing a manifest, and nothing it runs is stored); what
// the stage opened, ran, wrote and looked for in vain is then set against the manifest, and the
// files it read are written out as input lines with their hashes, ready for stage.yaml.
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { archProfile } from '../arch.js';
import { sha256File, type Sha256 } from '../digest.js';
import { KindlingError } from '../errors.js';
import type { Chain, Stage, StageInput } from '../manifest/types.js';
import { populateRoot, type PlacedInput } from '../run/stage-root.js';
import { isolatedCommand } from '../sandbox/bwrap.js';
import { requireTool } from '../sandbox/tool-identity.js';
import type { Store } from '../store/store.js';
import { hashTree, TreeError } from '../tree-digest.js';
import { readStraceLog, TRACED_CALLS } from './strace-log.js';

export interface TracedFile {
  /** Path in the stage root. */
  readonly path: string;
  /** The declared input it belongs to (its path), when it is one or lies in one (a tree). */
  readonly input?: string;
  /** For a file read from a `file:` or `tree:` input: where it is, relative to the stage directory. */
  readonly file?: string;
  readonly sha256?: Sha256;
  readonly executable?: boolean;
}

export interface TraceReport {
  readonly stage: string;
  readonly exitCode: number | undefined;
  readonly log: string;
  readonly read: readonly TracedFile[];
  /** Declared inputs not one byte of which was read (a tree: none of its files). */
  readonly unread: readonly string[];
  /** Paths the stage looked for and did not find: the likely missing inputs. */
  readonly missing: readonly { readonly path: string; readonly how: string }[];
  /** What the stage wrote, each as the manifest sees it. */
  readonly written: readonly { readonly path: string; readonly as: 'output' | 'scratch' | 'undeclared' }[];
}

export interface TraceOptions {
  readonly chain: Chain;
  readonly stage: Stage;
  readonly store: Store;
  /** Kill the stage after this long (default: the manifest's timeout). */
  readonly timeoutMs?: number;
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

/** The input as it is on disk now (or in the store, for earlier stages' outputs and downloads). */
async function placeAsItIs(chain: Chain, stage: Stage, store: Store, input: StageInput): Promise<PlacedInput> {
  const origin = input.origin;
  const missing = (where: string): never => {
    throw new KindlingError('failed', `stage ${stage.name}: input ${input.path} cannot be placed: ${where}`);
  };
  switch (origin.kind) {
    case 'tree': {
      const dir = join(stage.dir, origin.tree);
      try {
        const tree = await hashTree(dir);
        return { path: input.path, hostPath: dir, sha256: tree.sha256, executable: false, files: tree.files };
      } catch (error) {
        if (error instanceof TreeError) missing(error.message);
        throw error;
      }
      break;
    }
    case 'stage':
    case 'url': {
      const path = store.objectPath(input.sha256);
      if (!(await store.has(input.sha256))) {
        missing(
          origin.kind === 'stage'
            ? `stage ${origin.stage} has not produced it yet (run \`kindling lock --until ${origin.stage}\` first)`
            : 'not fetched yet (kindling fetch)',
        );
      }
      return { path: input.path, hostPath: path, sha256: input.sha256, executable: input.executable };
    }
    default: {
      const path =
        origin.kind === 'file'
          ? join(stage.dir, origin.file)
          : origin.kind === 'seed'
            ? chain.seeds.get(origin.seed)!.path
            : chain.seeds.get(origin.seed)!.sourcePath;
      const info = await lstat(path).catch(() => undefined);
      if (info?.isFile() !== true) missing(`${path} is not a file`);
      return { path: input.path, hostPath: path, sha256: await sha256File(path), executable: input.executable };
    }
  }
}

export async function traceStage(options: TraceOptions): Promise<TraceReport> {
  const { chain, stage, store } = options;
  if (archProfile(chain.arch).nodeArch !== process.arch) {
    throw new KindlingError(
      'usage',
      `trace runs stages natively: chain '${chain.name}' is for ${chain.arch}, this machine is ${process.arch}`,
    );
  }
  const [strace, bwrap] = await Promise.all([requireTool('strace', 'strace'), requireTool('bwrap', 'bubblewrap')]);
  const placed = await Promise.all(stage.inputs.map((input) => placeAsItIs(chain, stage, store, input)));

  const work = await mkdtemp(join(tmpdir(), 'kindling-trace-'));
  try {
    const root = join(work, 'root');
    await populateRoot(stage, root, placed);
    const straceLog = join(work, 'strace.log');
    const log = join(work, 'stage.log');
    await writeFile(log, '');
    const init = `/${stage.run.init}`;
    const result = await execa(
      strace,
      [
        '-f',
        '-qq',
        '--pidns-translation',
        '-s',
        '4096',
        '-o',
        straceLog,
        '-e',
        `trace=${TRACED_CALLS.join(',')}`,
        bwrap,
        ...isolatedCommand(root, init, stage.run.args),
      ],
      {
        stdin: 'ignore',
        stdout: { file: log, append: true },
        stderr: { file: log, append: true },
        env: {},
        extendEnv: false,
        reject: false,
        timeout: options.timeoutMs ?? stage.run.timeoutSeconds * 1000,
        forceKillAfterDelay: 2_000,
      },
    );
    const access = readStraceLog(await readFile(straceLog, 'utf8').catch(() => ''), init);
    const toRoot = (path: string): string => path.replace(/^\/+/, '');

    const read: TracedFile[] = [];
    const touched = new Set<string>();
    for (const path of [...access.read].map(toRoot).sort()) {
      const input = placed.find((p) => inside(path, p.path));
      if (input === undefined) continue;
      touched.add(input.path);
      const declared = stage.inputs.find((i) => i.path === input.path)!;
      if (input.files !== undefined) {
        const file = input.files.find((f) => join(input.path, f.path) === path);
        // A directory of the tree opened for listing is no file of it.
        if (file === undefined) continue;
        const tree = declared.origin.kind === 'tree' ? declared.origin.tree : '';
        read.push({ path, input: input.path, file: join(tree, file.path), sha256: file.sha256, executable: file.executable });
        continue;
      }
      read.push({
        path,
        input: input.path,
        ...(declared.origin.kind === 'file' ? { file: declared.origin.file } : {}),
        sha256: input.sha256,
        executable: input.executable,
      });
    }
    const written = [...access.written]
      .map(toRoot)
      .filter((path) => path !== '' && !stage.outputs.some((o) => inside(o.path, path) && o.path !== path) && !stage.scratch.includes(path))
      .sort()
      .map((path) => ({
        path,
        as: stage.outputs.some((o) => o.path === path)
          ? ('output' as const)
          : stage.scratch.some((dir) => inside(path, dir))
            ? ('scratch' as const)
            : ('undeclared' as const),
      }));
    return {
      stage: stage.name,
      exitCode: result.exitCode,
      log: (await readFile(log, 'utf8')).slice(-2_000),
      read,
      unread: stage.inputs.filter((i) => !touched.has(i.path)).map((i) => i.path),
      missing: [...access.missing]
        .map(([path, how]) => ({ path: toRoot(path), how }))
        .filter((m) => !m.path.startsWith('proc/') && !m.path.startsWith('dev/')),
      written,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Input lines for what the stage read from files beside it or from a tree: one `file:` input each,
 * with its hash, for a manifest that names exactly what the stage needs.
 */
export function inputLines(report: TraceReport): string[] {
  return report.read
    .filter((f) => f.file !== undefined)
    .map(
      (f) => `  - { path: ${f.path}, file: ${f.file!}, sha256: "${f.sha256 ?? ''}"${f.executable === true ? ', executable: true' : ''} }`,
    );
}
