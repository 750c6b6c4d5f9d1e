// Tests that drive the `kindling` command run the compiled CLI: compile it once before the suite.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  try {
    execFileSync(join(repo, 'node_modules', '.bin', 'tsc'), ['-p', join(repo, 'tsconfig.json')], { stdio: 'pipe' });
  } catch (error) {
    // Type errors are reported by `npx tsc`; the JavaScript is still emitted and the tests decide.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    process.stderr.write(`tsc reported problems:\n${output.slice(0, 4000)}\n`);
  }
}
