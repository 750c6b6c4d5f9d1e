// Tests that drive the `kindling` command run the compiled CLI: compile it before the suite, unless
// dist/ is already newer than every source; incrementally, so one changed file costs little.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function mtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when every src/**.ts has its dist/**.js, written after it and after tsconfig.json. */
export function distIsCurrent(): boolean {
  const config = mtime(join(repo, 'tsconfig.json')) ?? Infinity;
  for (const file of readdirSync(join(repo, 'src'), { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const built = mtime(join(repo, 'dist', file.replace(/\.ts$/, '.js')));
    const source = mtime(join(repo, 'src', file)) ?? Infinity;
    if (built === undefined || built < source || built < config) return false;
  }
  return true;
}

export default function setup(): void {
  if (distIsCurrent()) return;
  try {
    execFileSync(
      join(repo, 'node_modules', '.bin', 'tsc'),
      ['-p', join(repo, 'tsconfig.json'), '--incremental', '--tsBuildInfoFile', join(repo, 'dist', '.tsbuildinfo')],
      { stdio: 'pipe' },
    );
  } catch (error) {
    // Type errors are reported by `npx tsc`; the JavaScript is still emitted and the tests decide.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    process.stderr.write(`tsc reported problems:\n${output.slice(0, 4000)}\n`);
  }
}
