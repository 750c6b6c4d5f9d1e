// Who made a lock or a work directory, written down so that a later run can tell a holder that is
// still working from one that was killed. A pid alone is not proof: pids are reused, so the
// process's start time (from /proc) and the host are kept with it, and only a process that is
// provably gone on this very host makes what it left stale.
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface Owner {
  readonly pid: number;
  /** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), when known. */
  readonly start?: string;
  readonly host: string;
  /** What the process was doing, for the message: `kindling bootstrap --chain …`. */
  readonly command: string;
}

/** A process's start time, or undefined when it is not running (or /proc cannot say). */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

export function currentOwner(): Owner {
  const start = processStart(process.pid);
  return {
    pid: process.pid,
    ...(start === undefined ? {} : { start }),
    host: hostname(),
    command: ['kindling', ...process.argv.slice(2)].join(' '),
  };
}

export async function writeOwner(path: string): Promise<void> {
  await writeFile(path, JSON.stringify(currentOwner()) + '\n');
}

export async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const value = JSON.parse(await readFile(path, 'utf8')) as Partial<Owner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return undefined;
    return {
      pid: value.pid,
      ...(typeof value.start === 'string' ? { start: value.start } : {}),
      host: value.host,
      command: typeof value.command === 'string' ? value.command : 'an unknown command',
    };
  } catch {
    return undefined;
  }
}

/**
 * 'gone' only when provably so: same host, and no process with that pid, or one that started at
 * another time (the pid was reused). Anything else is 'alive' or, on another host, 'unknown'.
 */
export function ownerState(owner: Owner): 'alive' | 'gone' | 'unknown' {
  if (owner.host !== hostname()) return 'unknown';
  const start = processStart(owner.pid);
  if (start === undefined) {
    try {
      process.kill(owner.pid, 0);
      return 'alive';
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
    }
  }
  return owner.start === undefined || owner.start === start ? 'alive' : 'gone';
}

/** "pid 123 (kindling bootstrap …)" */
export function describeOwner(owner: Owner): string {
  return `pid ${owner.pid}${owner.host === hostname() ? '' : ` on ${owner.host}`} (${owner.command})`;
}
