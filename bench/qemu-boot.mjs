// What one stage costs in a VM: the qemu backend runs a stage that does nothing (kaem with an
// empty script) a few times under TCG and prints the wall time of each run (disk image, boot,
// read back) and qemu's peak resident memory. Run after `npx tsc -p .`: node bench/qemu-boot.mjs
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createQemuSandbox } from '../dist/sandbox/qemu.js';

const RUNS = Number(process.env.RUNS ?? 3);
const seeds = fileURLToPath(new URL('../seeds/amd64/', import.meta.url));

/** Peak resident memory (VmHWM, KiB) of the qemu running from `workDir`, sampled until it exits. */
function watchPeakMemory(workDir) {
  let peak = 0;
  const timer = setInterval(() => {
    for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(workDir)) continue;
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (hwm) peak = Math.max(peak, Number(hwm[1]));
      } catch {
        // the process ended between listing and reading
      }
    }
  }, 100);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

const base = mkdtempSync(join(tmpdir(), 'kindling-bench-qemu-'));
try {
  const sandbox = createQemuSandbox({ accel: 'tcg', workDir: base });
  const walls = [];
  const peaks = [];
  for (let i = 0; i < RUNS; i += 1) {
    const root = join(base, `run-${i}`, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(join(seeds, 'kaem'), join(root, 'bin/kaem'));
    chmodSync(join(root, 'bin/kaem'), 0o755);
    writeFileSync(join(root, 'empty.kaem'), '');
    const logFile = join(base, `run-${i}`, 'stage.log');
    writeFileSync(logFile, '');
    const stop = watchPeakMemory(base);
    const started = performance.now();
    const result = await sandbox.run({ root, init: 'bin/kaem', args: ['empty.kaem'], timeoutMs: 60_000, logFile });
    walls.push(performance.now() - started);
    peaks.push(stop());
    if (!result.ok || result.exitCode !== 0) throw new Error(`run ${i} did not succeed: ${JSON.stringify(result)}`);
  }
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`qemu backend, TCG, an empty stage, ${RUNS} runs:`);
  console.log(
    `  wall per stage:   ${walls.map((ms) => `${(ms / 1000).toFixed(2)} s`).join('  ')}  (mean ${(mean(walls) / 1000).toFixed(2)} s)`,
  );
  console.log(`  qemu peak memory: ${peaks.map((kib) => `${Math.round(kib / 1024)} MiB`).join('  ')}`);
} finally {
  rmSync(base, { recursive: true, force: true });
}
