// The one table from a failure to what the user sees: an exit status and, where it helps, a hint of
// what to do. Commands only throw KindlingErrors (or let the library's through); main.ts reports
// them here. The README's table of exit statuses is this one.
import { CommanderError } from 'commander';
import { InterruptedError, KindlingError, messageOf, type FailureKind } from '../errors.js';

interface Outcome {
  readonly status: number;
  readonly hint?: string;
}

const BY_KIND: Readonly<Record<FailureKind, Outcome>> = {
  failed: { status: 1 },
  input: { status: 1 },
  usage: { status: 2, hint: 'add --help for usage' },
  manifest: { status: 2 },
  differs: { status: 3 },
  environment: { status: 4 },
  // 128 + the signal number, as a shell reports a process killed by it; InterruptedError picks.
  interrupted: { status: 130 },
};

const SIGNAL_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;

/** A throw no command expected: a bug in kindling. EX_SOFTWARE of sysexits.h. */
export const EXIT_INTERNAL_ERROR = 70;

export interface Report {
  readonly status: number;
  /** Lines for stderr, each already ending in a newline; empty when commander has spoken. */
  readonly text: string;
}

/** What to print and which status to exit with for anything a command threw. */
export function reportFailure(error: unknown, debug: boolean): Report {
  if (error instanceof KindlingError) {
    const outcome = BY_KIND[error.kind];
    const status = error instanceof InterruptedError ? SIGNAL_STATUS[error.signal] : outcome.status;
    const hint = outcome.hint === undefined ? '' : ` (${outcome.hint})`;
    return { status, text: `kindling: ${error.message}${hint}\n${debug ? stackOf(error) : ''}` };
  }
  // commander has already printed its own usage errors; --help and --version end with status 0.
  if (error instanceof CommanderError) return { status: error.exitCode === 0 ? 0 : BY_KIND.usage.status, text: '' };
  // A file or directory named on the command line that is missing or unreadable.
  if (isSystemError(error))
    return { status: BY_KIND.input.status, text: `kindling: ${describeSystemError(error)}\n${debug ? stackOf(error) : ''}` };
  const how = debug ? stackOf(error) : 'run again with --debug (or KINDLING_DEBUG=1) for the stack trace\n';
  return { status: EXIT_INTERNAL_ERROR, text: `kindling: internal error: ${messageOf(error)}\n${how}` };
}

/** Exit status of an expected failure, for tests and callers that do not print. */
export function exitStatusOf(error: KindlingError): number {
  return reportFailure(error, false).status;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).syscall === 'string' &&
    /^E[A-Z]+$/.test(String((error as NodeJS.ErrnoException).code))
  );
}

const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

function describeSystemError(error: NodeJS.ErrnoException): string {
  const what = SYSTEM_ERRORS[error.code ?? ''];
  return error.path === undefined || what === undefined ? error.message : `${error.path}: ${what}`;
}

function stackOf(error: unknown): string {
  return error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : `${String(error)}\n`;
}
