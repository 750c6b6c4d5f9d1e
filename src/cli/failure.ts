// The one error type commands throw for an expected failure. main.ts turns it into a message on
// stderr and an exit code; nothing else in kindling sets the exit code or calls process.exit.

export class CliFailure extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliFailure';
    this.exitCode = exitCode;
  }
}
