// Entry point of the `kindling` command: runs the command line and sets the exit status.
import { runCli } from './program.js';

// A reader that stops early (`kindling status | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv);
