// Entry point of the `kindling` command. Each command lives in its own module, which adds itself to
// the program with register(); this file wires them together and owns the exit code.
import { Command } from 'commander';
import { CliFailure } from './failure.js';

const commandModules = ['bootstrap', 'status', 'fetch', 'kernel', 'seeds', 'key', 'attest', 'verify', 'log', 'template', 'audit', 'asm', 'lock', 'push', 'pull'] as const satisfies readonly string[];

async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('kindling')
    .description('Bootstrap a toolchain from hand-checkable seeds, verifying every step by sha256')
    .showHelpAfterError()
    .exitOverride();
  for (const name of commandModules) {
    const module = (await import(`./${name}.js`)) as { register(program: Command): void };
    module.register(program);
  }
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CliFailure) {
      process.stderr.write(`kindling: ${error.message}\n`);
      return error.exitCode;
    }
    // commander reports its own usage errors (and --help) through exitOverride.
    if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') return error.exitCode;
    throw error;
  }
}

// A reader that stops early (`kindling status | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
