// Reading how a VM stage ended from its serial console. The guest init (guest/amd64/init.hex0)
// runs the stage, syncs, and restarts the machine with the stage's wait status as the restart
// command: the kernel then prints `reboot: Restarting system with command 'XXXX'`, XXXX being the
// wait status in hex. Any `Kernel panic` line means the machine crashed instead, except where
// there is no guest init yet and the stage's init is PID 1: its exit makes the kernel panic with
// `Attempted to kill init! exitcode=0x0000XX00`, which carries the wait status too.

export type ConsoleVerdict =
  /** The stage's init exited (or was killed): exitCode follows the shell convention, 128 + signal for a kill. */
  | { readonly kind: 'init-exited'; readonly exitCode: number; readonly waitStatus: number }
  /** The kernel panicked, e.g. it could not mount the disk or start the guest init. */
  | { readonly kind: 'kernel-panic'; readonly message: string }
  /** Neither line: the machine stopped before the stage ended. */
  | { readonly kind: 'no-verdict' };

const ENDINGS = /Kernel panic - not syncing: ([^\r\n]*)|reboot: Restarting system with command '([0-9a-f]{4})'/g;
const INIT_EXIT = /^Attempted to kill init! exitcode=0x([0-9a-fA-F]{1,8})/;

export interface VerdictOptions {
  /** The stage's init was PID 1 (no guest init): its exit's panic is its status, not a crash. */
  readonly initExitPanics?: boolean;
}

export function decodeWaitStatus(status: number): number {
  const signal = status & 0x7f;
  return signal === 0 ? (status >> 8) & 0xff : 128 + signal;
}

/**
 * Only the last such line counts: the stage writes to the same console and could print a line
 * that looks like the kernel's, but the guest init has stopped every process of the stage and
 * drained the console before the kernel prints the real one.
 */
export function readConsoleVerdict(consoleText: string, options: VerdictOptions = {}): ConsoleVerdict {
  let last: RegExpMatchArray | undefined;
  for (const match of consoleText.matchAll(ENDINGS)) last = match;
  if (last === undefined) return { kind: 'no-verdict' };
  const [, panic, status] = last;
  if (status !== undefined) {
    const waitStatus = Number.parseInt(status, 16);
    return { kind: 'init-exited', exitCode: decodeWaitStatus(waitStatus), waitStatus };
  }
  const message = (panic ?? '').trim();
  const exit = options.initExitPanics === true ? INIT_EXIT.exec(message) : null;
  if (exit?.[1] !== undefined) {
    const waitStatus = Number.parseInt(exit[1], 16);
    return { kind: 'init-exited', exitCode: decodeWaitStatus(waitStatus), waitStatus };
  }
  return { kind: 'kernel-panic', message };
}
