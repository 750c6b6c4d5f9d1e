// Reading how a VM stage ended from its serial console. The stage's init is the machine's only
// program; when it exits the kernel panics with `Attempted to kill init! exitcode=0x0000XX00`,
// where the number is the wait status of init, so XX is the stage's exit status.

export type ConsoleVerdict =
  /** init exited (or was killed): exitCode follows the shell convention, 128 + signal for a kill. */
  | { readonly kind: 'init-exited'; readonly exitCode: number; readonly waitStatus: number }
  /** The kernel panicked for another reason, e.g. it could not mount the disk or start init. */
  | { readonly kind: 'kernel-panic'; readonly message: string }
  /** No panic line at all: the machine stopped before the stage ended. */
  | { readonly kind: 'no-verdict' };

const PANIC = /Kernel panic - not syncing: ([^\r\n]*)/g;
const INIT_EXIT = /^Attempted to kill init! exitcode=0x([0-9a-fA-F]{1,8})/;

export function decodeWaitStatus(status: number): number {
  const signal = status & 0x7f;
  return signal === 0 ? (status >> 8) & 0xff : 128 + signal;
}

/**
 * Only the last panic line counts: the stage writes to the same console and could print a line
 * that looks like the kernel's, but nothing of the stage runs after the real panic.
 */
export function readConsoleVerdict(consoleText: string): ConsoleVerdict {
  let last: string | undefined;
  for (const match of consoleText.matchAll(PANIC)) last = match[1];
  if (last === undefined) return { kind: 'no-verdict' };
  const message = last.trim();
  const exit = INIT_EXIT.exec(message);
  if (exit?.[1] === undefined) return { kind: 'kernel-panic', message };
  const waitStatus = Number.parseInt(exit[1], 16);
  return { kind: 'init-exited', exitCode: decodeWaitStatus(waitStatus), waitStatus };
}
