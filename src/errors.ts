// Every failure kindling expects is a KindlingError of one kind. The kind says what went wrong in
// terms a caller can act on; the CLI maps each kind to an exit status and a hint in one table
// (src/cli/exit-status.ts). A throw of anything else is a bug, reported as such.

export type FailureKind =
  /** Bad flags or arguments: the command line must change. */
  | 'usage'
  /** A chain, stage or template manifest is malformed: a file in the chain must change. */
  | 'manifest'
  /** A tool, kernel or directory kindling needs is missing or unusable: the machine must change. */
  | 'environment'
  /** A key, record, statement, log or source file given to kindling is malformed or unreadable. */
  | 'input'
  /** The work ran and said no: a stage failed, a source could not be had, a check found a problem. */
  | 'failed'
  /** A rebuild succeeded but its bytes differ from an earlier build. */
  | 'differs'
  /** Ctrl-C or SIGTERM stopped the work; what was verified is kept. */
  | 'interrupted';

export class KindlingError extends Error {
  readonly kind: FailureKind;

  constructor(kind: FailureKind, message: string) {
    super(message);
    this.name = 'KindlingError';
    this.kind = kind;
  }
}

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** The work was stopped by a signal; which one decides the exit status (130 or 143). */
export class InterruptedError extends KindlingError {
  readonly signal: InterruptSignal;

  constructor(signal: InterruptSignal, message: string) {
    super('interrupted', message);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}

/** The one exhaustiveness check: a switch that forgets a case does not compile. */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}

/** The message of anything thrown, for a one-line report. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
