// The fixed cost of a stage in each backend: a stage that does nothing (the kaem seed given an
// empty script) run several times; the median wall time of each backend's run, disk image and
// read-back included for qemu. qemu is forced to TCG, the case of machines without KVM.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBwrapSandbox } from '../dist/sandbox/bwrap.js';
import { createQemuSandbox } from '../dist/sandbox/qemu.js';

const seeds = fileURLToPath(new URL('../seeds/amd64/', import.meta.url));

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function timeRuns(sandbox, base, runs) {
  const walls = [];
  for (let i = 0; i < runs; i += 1) {
    const root = join(base, `${sandbox.name}-${i}`, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(join(seeds, 'kaem'), join(root, 'bin/kaem'));
    chmodSync(join(root, 'bin/kaem'), 0o755);
    writeFileSync(join(root, 'empty.kaem'), '');
    const logFile = join(base, `${sandbox.name}-${i}`, 'stage.log');
    writeFileSync(logFile, '');
    const started = performance.now();
    const result = await sandbox.run({ root, init: 'bin/kaem', args: ['empty.kaem'], timeoutMs: 120_000, logFile });
    walls.push(performance.now() - started);
    if (!result.ok || result.exitCode !== 0) throw new Error(`${sandbox.name} run ${i} did not succeed: ${JSON.stringify(result)}`);
  }
  return walls;
}

/** Wall times (ms) of `runs` empty stages under each backend. */
export async function measureEmptyStage(runs = 5) {
  const base = mkdtempSync(join(tmpdir(), 'kindling-bench-empty-'));
  try {
    const bwrap = await timeRuns(createBwrapSandbox(), base, runs);
    const qemu = await timeRuns(createQemuSandbox({ accel: 'tcg', workDir: base }), base, runs);
    return { runs, bwrap, qemu };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
