// The stage root: a host directory that holds exactly a stage's declared inputs before the run,
// and is inspected after it. Inspection never follows symbolic links: a stage could plant one
// pointing at a host file to pass off that file's bytes as its output.
import { chmod, copyFile, lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256Bytes, sha256File, type Sha256 } from '../digest.js';
import { treeDigest, type TreeFile } from '../tree-digest.js';
import type { Stage } from '../manifest/types.js';
import type { StageFailure } from './failure.js';

/** A verified host file to place at a stage-root path. */
export interface PlacedInput {
  readonly path: string;
  readonly hostPath: string;
  readonly sha256: Sha256;
  readonly executable: boolean;
  /** For a tree input: its files, placed below `path` (hostPath is then the tree's directory). */
  readonly files?: readonly TreeFile[];
}

export async function populateRoot(stage: Stage, root: string, inputs: readonly PlacedInput[]): Promise<void> {
  await mkdir(root, { recursive: true });
  for (const input of inputs) {
    if (input.files !== undefined) {
      await mkdir(join(root, input.path), { recursive: true });
      for (const file of input.files) {
        await placeFile(join(input.hostPath, file.path), join(root, input.path, file.path), file.executable);
      }
      continue;
    }
    await placeFile(input.hostPath, join(root, input.path), input.executable);
  }
  for (const output of stage.outputs) await mkdir(dirname(join(root, output.path)), { recursive: true });
  for (const dir of stage.scratch) await mkdir(join(root, dir), { recursive: true });
}

async function placeFile(hostPath: string, target: string, executable: boolean): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await copyFile(hostPath, target);
  // Modes are set from the manifest (or the tree's listing), not copied, so the host's umask or
  // git's modes cannot change a run.
  await chmod(target, executable ? 0o755 : 0o644);
}

interface FoundEntry {
  readonly path: string;
  readonly kind: 'file' | 'symbolic link' | 'device, socket or pipe';
  readonly executable: boolean;
}

async function walk(root: string, prefix = ''): Promise<FoundEntry[]> {
  const found: FoundEntry[] = [];
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    const info = await lstat(join(root, path));
    if (info.isDirectory()) found.push(...(await walk(root, path)));
    else if (info.isFile()) found.push({ path, kind: 'file', executable: (info.mode & 0o111) !== 0 });
    else if (info.isSymbolicLink()) found.push({ path, kind: 'symbolic link', executable: false });
    else found.push({ path, kind: 'device, socket or pipe', executable: false });
  }
  return found;
}

/**
 * The digest of a tree input as the run left it, taking its entries out of `entries` (they are
 * accounted for). Anything but a regular file in it makes the digest differ.
 */
async function treeAfterRun(root: string, top: string, entries: Map<string, FoundEntry>): Promise<Sha256> {
  const files: TreeFile[] = [];
  let foreign = false;
  for (const [path, entry] of [...entries]) {
    if (!path.startsWith(`${top}/`)) continue;
    entries.delete(path);
    if (entry.kind !== 'file') foreign = true;
    else files.push({ path: path.slice(top.length + 1), sha256: await sha256File(join(root, path)), executable: entry.executable });
  }
  const digest = treeDigest(files);
  // A link or device in the tree: report a digest no listing of files can have.
  return foreign ? sha256Bytes(`not a tree: ${digest}`) : digest;
}

export type RootInspection =
  | { readonly ok: true; readonly outputs: readonly { path: string; sha256: Sha256 }[] }
  | { readonly ok: false; readonly failures: readonly StageFailure[] };

/** Checks the root after a run: inputs untouched, every output present and right, nothing else written. */
export async function inspectRoot(stage: Stage, root: string): Promise<RootInspection> {
  const entries = new Map((await walk(root)).map((e) => [e.path, e]));
  const failures: StageFailure[] = [];
  for (const input of stage.inputs) {
    if (input.origin.kind === 'tree') {
      const actual = await treeAfterRun(root, input.path, entries);
      if (actual !== input.sha256) failures.push({ reason: 'input-modified', path: input.path, expected: input.sha256, actual });
      continue;
    }
    const entry = entries.get(input.path);
    entries.delete(input.path);
    if (entry === undefined || entry.kind !== 'file') {
      failures.push({ reason: 'input-modified', path: input.path, expected: input.sha256, actual: 'deleted' });
      continue;
    }
    const actual = await sha256File(join(root, input.path));
    if (actual !== input.sha256) failures.push({ reason: 'input-modified', path: input.path, expected: input.sha256, actual });
  }
  const outputs: { path: string; sha256: Sha256 }[] = [];
  for (const output of stage.outputs) {
    const entry = entries.get(output.path);
    entries.delete(output.path);
    if (entry === undefined) {
      failures.push({ reason: 'output-missing', path: output.path });
    } else if (entry.kind !== 'file') {
      failures.push({ reason: 'output-not-regular', path: output.path, kind: entry.kind });
    } else {
      const actual = await sha256File(join(root, output.path));
      if (actual !== output.sha256) failures.push({ reason: 'output-mismatch', path: output.path, expected: output.sha256, actual });
      else if (output.executable && !entry.executable) failures.push({ reason: 'output-not-executable', path: output.path });
      outputs.push({ path: output.path, sha256: actual });
    }
  }
  const undeclared = [...entries.keys()].filter((path) => !stage.scratch.some((dir) => path.startsWith(dir + '/')));
  if (undeclared.length > 0) failures.push({ reason: 'undeclared-file', paths: undeclared });
  return failures.length === 0 ? { ok: true, outputs } : { ok: false, failures };
}
