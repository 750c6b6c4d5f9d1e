// A stage that waits for something that will never come (an input that is not there, a read from
// a console no one types on) shows only "running" until its timeout, which may be hours. The
// watchdog says so early, without stopping it: when the stage has printed nothing and its
// processes have used (almost) no CPU for a while, one note, repeated only after it wakes again.
import { readdir, readFile, stat } from 'node:fs/promises';

/** Quiet this long is worth a note (a stage that works prints or computes far more often). */
export const QUIET_NOTICE_MS = 60_000;
/** Below this share of one core the stage counts as idle: a VM's idle guest still ticks a little. */
const IDLE_CPU_SHARE = 0.05;

export interface WatchdogOptions {
  readonly logFile: string;
  readonly quietMs: number;
  readonly timeoutMs: number;
  readonly onQuiet: (message: string) => void;
  /** How often to look (default: a quarter of quietMs, at most 5 s). */
  readonly intervalMs?: number;
}

export interface Watchdog {
  /** The sandbox's process: its CPU and its descendants' count. */
  readonly watch: (pid: number) => void;
  readonly stop: () => void;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime, in clock ticks, of `root` and every process below it (as /proc shows them now). */
async function treeCpuTicks(root: number): Promise<number> {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'latin1').catch(() => undefined);
    if (text === undefined) continue;
    // Fields after the command name (which is in parentheses and may hold spaces).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(name), Number(fields[1]));
    ticks.set(Number(name), Number(fields[11]) + Number(fields[12]));
  }
  let total = 0;
  for (const [pid, used] of ticks) {
    for (let p: number | undefined = pid, depth = 0; p !== undefined && p > 1 && depth < 64; p = parents.get(p), depth += 1) {
      if (p === root) {
        total += used;
        break;
      }
    }
  }
  return total;
}

export function startWatchdog(options: WatchdogOptions): Watchdog {
  const interval = options.intervalMs ?? Math.min(5_000, Math.max(100, Math.floor(options.quietMs / 4)));
  const started = Date.now();
  let pid: number | undefined;
  let lastSize = -1;
  let lastTicks = 0;
  let quietSince = Date.now();
  let idleTicks = 0;
  let said = false;
  let busy = false;

  const look = async (): Promise<void> => {
    if (pid === undefined || busy) return;
    busy = true;
    try {
      const size = await stat(options.logFile).then(
        (s) => s.size,
        () => 0,
      );
      const ticks = await treeCpuTicks(pid);
      const now = Date.now();
      const printed = size !== lastSize;
      lastSize = size;
      const used = Math.max(0, ticks - lastTicks);
      lastTicks = ticks;
      idleTicks += used;
      const quietFor = now - quietSince;
      const allowed = (quietFor / 1000) * CLOCK_TICKS_PER_SECOND * IDLE_CPU_SHARE;
      if (printed || idleTicks > allowed + 1) {
        quietSince = now;
        idleTicks = 0;
        said = false;
        return;
      }
      if (!said && quietFor >= options.quietMs) {
        said = true;
        const left = Math.max(0, Math.round((options.timeoutMs - (now - started)) / 1000));
        options.onQuiet(
          `no output and no CPU for ${Math.round(quietFor / 1000)} s: still running, but it may be waiting for something that is not there (an input it was not given?); its timeout is in ${left} s`,
        );
      }
    } finally {
      busy = false;
    }
  };

  const timer = setInterval(() => void look(), interval);
  timer.unref();
  return {
    watch: (spawned) => {
      pid = spawned;
      quietSince = Date.now();
    },
    stop: () => clearInterval(timer),
  };
}
