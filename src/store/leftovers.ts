// What killed runs leave in a store: work directories of stages that were running (a SIGKILL gives
// no chance to clean up) and temporary files of imports and downloads. Only what is provably stale
// is removed: a work directory whose owner file names a process that is gone from this host, a
// temporary file whose name carries such a pid. Work directories kept on purpose (a failed or
// interrupted stage, for inspection) have no owner file and are never touched; nor are partial
// downloads, which a later fetch resumes.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownerState, readOwner } from './owner.js';

/** The file in a stage's work directory that names the run using it; removed when the run ends. */
export const WORK_OWNER_FILE = 'owner.json';

export interface Leftovers {
  /** Work directories removed, each with the pid that left it. */
  readonly workDirs: readonly { readonly path: string; readonly pid: number }[];
  readonly tempFiles: readonly string[];
}

/** Temporary files are named `<label>.<pid>.<12 hex digits>` (Store.tempPath). */
const TEMP_NAME = /\.(\d+)\.[0-9a-f]{12}$/;

/** Without an owner file only the pid is known: any live process of that pid keeps the file. */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export async function removeLeftovers(storeRoot: string): Promise<Leftovers> {
  const workDirs: { path: string; pid: number }[] = [];
  const tempFiles: string[] = [];
  const workRoot = join(storeRoot, 'work');
  for (const name of await readdir(workRoot).catch(() => [] as string[])) {
    const path = join(workRoot, name);
    const owner = await readOwner(join(path, WORK_OWNER_FILE));
    if (owner === undefined || ownerState(owner) !== 'gone') continue;
    await rm(path, { recursive: true, force: true });
    workDirs.push({ path, pid: owner.pid });
  }
  const tmpRoot = join(storeRoot, 'tmp');
  for (const name of await readdir(tmpRoot).catch(() => [] as string[])) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || !processGone(Number(pid))) continue;
    await rm(join(tmpRoot, name), { recursive: true, force: true });
    tempFiles.push(join(tmpRoot, name));
  }
  return { workDirs, tempFiles };
}

/** One line for the user, or undefined when nothing was left. */
export function describeLeftovers(leftovers: Leftovers): string | undefined {
  const parts: string[] = [];
  if (leftovers.workDirs.length > 0) {
    const pids = [...new Set(leftovers.workDirs.map((w) => w.pid))].join(', ');
    parts.push(
      `${leftovers.workDirs.length} work director${leftovers.workDirs.length === 1 ? 'y' : 'ies'} of killed runs (pid ${pids}, no longer running)`,
    );
  }
  if (leftovers.tempFiles.length > 0)
    parts.push(`${leftovers.tempFiles.length} temporary file${leftovers.tempFiles.length === 1 ? '' : 's'} of killed runs`);
  return parts.length === 0 ? undefined : `removed ${parts.join(' and ')} from the store`;
}
