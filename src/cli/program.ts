// The `kindling` command. Each command lives in its own module, which adds itself to the program
// with register(); this file wires them together and owns the exit status: whatever a command
// throws is reported by the one table in exit-status.ts.
import { Command } from 'commander';
import { readEnvironment } from '../environment.js';
import { reportFailure } from './exit-status.js';
import { register as bootstrap } from './bootstrap.js';
import { register as status } from './status.js';
import { register as fetch } from './fetch.js';
import { register as kernel } from './kernel.js';
import { register as seeds } from './seeds.js';
import { register as key } from './key.js';
import { register as attest } from './attest.js';
import { register as verify } from './verify.js';
import { register as log } from './log.js';
import { register as template } from './template.js';
import { register as audit } from './audit.js';
import { register as asm } from './asm.js';
import { register as lock } from './lock.js';
import { register as push } from './push.js';
import { register as pull } from './pull.js';
import { register as store } from './store.js';
import { register as trace } from './trace.js';
import { takeCommandStatus } from './command-status.js';

/** The commands, in the order `kindling --help` lists them. */
const COMMANDS = [
  bootstrap,
  status,
  fetch,
  kernel,
  seeds,
  key,
  attest,
  verify,
  log,
  template,
  audit,
  asm,
  lock,
  push,
  pull,
  store,
  trace,
] as const;

/** Runs one command line (argv as node gives it) and returns the exit status; never throws. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = new Command('kindling')
    .description('Bootstrap a toolchain from hand-checkable seeds, verifying every step by sha256')
    .option('--debug', 'print the stack trace of an unexpected error (also KINDLING_DEBUG=1)')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(`kindling: ${text.replace(/^error: /, '')}`) })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  try {
    await program.parseAsync([...argv]);
    return takeCommandStatus();
  } catch (error) {
    // Read from argv, not from commander: a usage error can come before the options are parsed.
    const report = reportFailure(error, argv.includes('--debug') || readEnvironment().debug);
    process.stderr.write(report.text);
    return report.status;
  }
}
