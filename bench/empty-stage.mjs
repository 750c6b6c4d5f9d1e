// The fixed cost of a stage in each backend: a stage that does nothing (the kaem seed given an
// empty script) run several times; the median wall time of each backend's run, disk image and
// read-back included for qemu. qemu is forced to TCG, the case of machines without KVM.
// On a machine shared with other work the wall time of a VM swings 2–10× with the load, so the CPU
// time of the qemu process (user + system) is measured as well: a wrapper runs qemu and writes
// bash's `times` for it after each run.
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBwrapSandbox } from '../dist/sandbox/bwrap.js';
import { createQemuSandbox } from '../dist/sandbox/qemu.js';
import { findExecutable } from '../dist/sandbox/tool-identity.js';

const seedsOf = (arch) => fileURLToPath(new URL(`../seeds/${arch}/`, import.meta.url));

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A qemu that appends its CPU time in ms (user + system) to `log` after each run. */
async function timedQemu(dir, log, name = 'qemu-system-x86_64') {
  const qemu = await findExecutable(name);
  if (qemu === undefined) throw new Error(`${name} is not installed`);
  const wrapper = join(dir, name);
  writeFileSync(
    wrapper,
    `#!/bin/bash\n"${qemu}" "$@"\nstatus=$?\n` +
      // `times` prints the shell's own times, then its children's: "1m2.345s 0m0.678s".
      // (Redirected, not piped: a pipe would run it in a subshell that has no children.)
      `[ "$1" = --version ] || { times > "${log}.times"; tail -n 1 "${log}.times" | awk '{ split($1, u, /[ms]/); split($2, s, /[ms]/); print int((u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000) }' >> "${log}"; }\n` +
      'exit $status\n',
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

async function timeRuns(sandbox, base, runs, label = sandbox.name, arch = 'amd64', phases = []) {
  const walls = [];
  for (let i = 0; i < runs; i += 1) {
    const root = join(base, `${label}-${i}`, 'root');
    mkdirSync(join(root, 'bin'), { recursive: true });
    copyFileSync(join(seedsOf(arch), 'kaem'), join(root, 'bin/kaem'));
    chmodSync(join(root, 'bin/kaem'), 0o755);
    writeFileSync(join(root, 'empty.kaem'), '');
    const logFile = join(base, `${label}-${i}`, 'stage.log');
    writeFileSync(logFile, '');
    const started = performance.now();
    const result = await sandbox.run({ root, init: 'bin/kaem', args: ['empty.kaem'], timeoutMs: 120_000, logFile });
    walls.push(performance.now() - started);
    if (!result.ok || result.exitCode !== 0)
      throw new Error(
        `${label} run ${i} did not succeed: ${JSON.stringify(result)} (log: ${readFileSync(logFile, 'latin1').slice(-2000)})`,
      );
    if (result.phasesMs !== undefined) phases.push(result.phasesMs);
  }
  return walls;
}

function cpuTimes(cpuLog) {
  const times = readFileSync(cpuLog, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map(Number);
  writeFileSync(cpuLog, '');
  return times;
}

/**
 * Wall times (ms) of `runs` empty stages under each backend, and the CPU time (ms) of each qemu:
 * a VM restored from the saved machine (the default; saved once first, in a run not counted), and
 * a VM booted per stage (`restore: false`, as before the saved machine). `arch` aarch64 runs the
 * aarch64 kaem seed, under bubblewrap through qemu-user and in qemu-system-aarch64.
 */
export async function measureEmptyStage(runs = 5, arch = 'amd64') {
  const base = mkdtempSync(join(tmpdir(), 'kindling-bench-empty-'));
  try {
    const cpuLog = join(base, 'qemu-cpu.log');
    writeFileSync(cpuLog, '');
    const bwrap = await timeRuns(createBwrapSandbox({ arch }), base, runs, 'bwrap', arch);
    const qemu = await timedQemu(base, cpuLog, arch === 'aarch64' ? 'qemu-system-aarch64' : 'qemu-system-x86_64');
    const booting = createQemuSandbox({ accel: 'tcg', arch, workDir: base, qemu, restore: false });
    const qemuBoot = await timeRuns(booting, base, runs, 'qemu-boot', arch);
    const qemuBootCpu = cpuTimes(cpuLog);
    const restoring = createQemuSandbox({ accel: 'tcg', arch, workDir: base, qemu, snapshotDir: join(base, 'vm-state') });
    await timeRuns(restoring, base, 1, 'qemu-save', arch);
    cpuTimes(cpuLog);
    const qemuPhases = [];
    const qemuRestore = await timeRuns(restoring, base, runs, 'qemu-restore', arch, qemuPhases);
    return { runs, bwrap, qemu: qemuRestore, qemuCpu: cpuTimes(cpuLog), qemuPhases, qemuBoot, qemuBootCpu };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
