// `make bench`: each benchmark prints its figures and the ratio that matters.
import { measureBackends } from './backends.mjs';
import { measureBuildenv, printBuildenv } from './buildenv.mjs';
import { measureEmptyStage, median } from './empty-stage.mjs';
import { measureEmulatedPrograms } from './emulated-programs.mjs';
import { measureExt4Read, printExt4Read } from './ext4-read.mjs';
import { measureOverhead } from './overhead.mjs';
import { measureLogAppend, measureRemote } from './remote.mjs';
import { CC_GAPS, measureTinycc } from './tinycc.mjs';

const ms = (value) => (value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`);
const perStage = (value, n) => `${(value / n).toFixed(1)} ms/stage`;
const ratio = (a, b) => `${(a / b).toFixed(a / b < 10 ? 1 : 0)}×`;

// The README's figures before the guest init, the unsynced disk and the shorter boot
// (qemu 7.2 under TCG, Linux 6.1, these 2-core machines), for comparison.
const BEFORE = {
  empty: { bwrap: 30, qemu: 2300 },
  cc: { bwrap: 400, qemu: 30_000 },
  toCc: { bwrap: 400, qemu: 49_000 },
  toTcc: {}, // stages 12-bzip2 and 13-tcc came later
  whole: { bwrap: 1500, qemu: 128_000 },
};

// The empty stage's CPU time under qemu before the guest init and the boot settings (the sandbox
// README's median), the measure that holds on a loaded machine.
const BEFORE_EMPTY_QEMU_CPU = 3030;

const overhead = await measureOverhead();
console.log(`orchestrator overhead, ${overhead.stages} trivial stages under bubblewrap:`);
console.log(`  by hand (bwrap directly):   ${perStage(overhead.handMs, overhead.stages)}`);
console.log(`  kindling bootstrap:         ${perStage(overhead.kindlingMs, overhead.stages)}`);
console.log(`  kindling, all cached:       ${perStage(overhead.cachedMs, overhead.stages)}`);
console.log(`  ratio kindling / by hand:   ${(overhead.kindlingMs / overhead.handMs).toFixed(2)}`);
console.log(`  overhead per stage:         ${((overhead.kindlingMs - overhead.handMs) / overhead.stages).toFixed(1)} ms`);

const empty = await measureEmptyStage(Number(process.env.RUNS ?? 5));
console.log(`\na stage that does nothing (the kaem seed, an empty script), median of ${empty.runs} runs:`);
console.log(`  bwrap ${ms(median(empty.bwrap))} (${empty.bwrap.map(ms).join(', ')})`);
console.log(`  qemu, booted per stage    ${ms(median(empty.qemuBoot))} (${empty.qemuBoot.map(ms).join(', ')}), TCG`);
console.log(`  qemu, restored per stage  ${ms(median(empty.qemu))} (${empty.qemu.map(ms).join(', ')}), TCG`);
console.log(
  `  qemu's own CPU time (user + system), which the load of the machine sways far less: booted ${ms(median(empty.qemuBootCpu))} (${empty.qemuBootCpu.map(ms).join(', ')}); restored ${ms(median(empty.qemuCpu))} (${empty.qemuCpu.map(ms).join(', ')})`,
);
console.log(
  `  restored / booted: wall ${ratio(median(empty.qemu), median(empty.qemuBoot))}, CPU ${ratio(median(empty.qemuCpu), median(empty.qemuBootCpu))}; restored / bwrap: ${ratio(median(empty.qemu), median(empty.bwrap))}`,
);
console.log(
  `  before the guest init and the shorter boot: ${ms(BEFORE_EMPTY_QEMU_CPU)} of CPU; now ${(median(empty.qemuCpu) / BEFORE_EMPTY_QEMU_CPU).toFixed(2)}× that (target: 1 s)`,
);
// Where a restored stage's time goes. Only the guest's part is emulated; the rest is the host's
// work, which hardware virtualisation would not change: the figure for a KVM machine is that rest
// plus the guest's part at native speed (src/sandbox/README.md, "With KVM").
const part = (name) => median(empty.qemuPhases.map((phases) => phases[name] ?? 0));
const parts = ['prepare', 'disk', 'qemu start', 'state load', 'guest', 'read back'];
console.log(`  the parts of a restored stage, medians: ${parts.map((name) => `${name} ${ms(part(name))}`).join(', ')}`);
const hostPart = part('prepare') + Math.max(part('disk'), part('qemu start')) + part('state load') + part('read back');
console.log(`  the host's part (the disk is made while qemu starts): ${ms(hostPart)}; the emulated guest's: ${ms(part('guest'))}`);

printExt4Read(await measureExt4Read(Number(process.env.RUNS ?? 5)));

const chainDir = new URL('../stages/amd64', import.meta.url).pathname;
const { bwrap, qemu } = await measureBackends(chainDir);
console.log(`\nthe amd64 chain from an empty store, per stage (qemu acceleration: ${qemu.accel ?? 'unknown'}):`);
const width = Math.max(8, ...[...bwrap.perStage.keys()].map((stage) => stage.length));
console.log(`  ${'stage'.padEnd(width)} ${'bwrap'.padStart(9)} ${'qemu'.padStart(9)}  ratio`);
for (const [stage, bwrapMs] of bwrap.perStage) {
  const qemuMs = qemu.perStage.get(stage) ?? NaN;
  console.log(`  ${stage.padEnd(width)} ${ms(bwrapMs).padStart(9)} ${ms(qemuMs).padStart(9)}  ${ratio(qemuMs, bwrapMs)}`);
}
console.log(
  `  ${'whole'.padEnd(width)} ${ms(bwrap.totalMs).padStart(9)} ${ms(qemu.totalMs).padStart(9)}  ${ratio(qemu.totalMs, bwrap.totalMs)}`,
);

const armEmpty = await measureEmptyStage(Number(process.env.RUNS ?? 5), 'aarch64');
console.log(`\nan aarch64 stage that does nothing (the aarch64 kaem seed, an empty script), median of ${armEmpty.runs} runs:`);
console.log(`  bwrap (qemu-user)         ${ms(median(armEmpty.bwrap))} (${armEmpty.bwrap.map(ms).join(', ')})`);
console.log(`  qemu, booted per stage    ${ms(median(armEmpty.qemuBoot))} (${armEmpty.qemuBoot.map(ms).join(', ')}), TCG`);
console.log(`  qemu, restored per stage  ${ms(median(armEmpty.qemu))} (${armEmpty.qemu.map(ms).join(', ')}), TCG`);
console.log(
  `  qemu's own CPU time (user + system): booted ${ms(median(armEmpty.qemuBootCpu))}; restored ${ms(median(armEmpty.qemuCpu))}; restored / booted: wall ${ratio(median(armEmpty.qemu), median(armEmpty.qemuBoot))}, CPU ${ratio(median(armEmpty.qemuCpu), median(armEmpty.qemuBootCpu))}`,
);

const armPart = (name) => median(armEmpty.qemuPhases.map((phases) => phases[name] ?? 0));
console.log(`  the parts of a restored aarch64 stage, medians: ${parts.map((name) => `${name} ${ms(armPart(name))}`).join(', ')}`);

const arm = await measureBackends(new URL('../stages/aarch64', import.meta.url).pathname);
console.log(
  `\nthe aarch64 chain from an empty store, per stage (bubblewrap through qemu-user; qemu-system-aarch64, ${arm.qemu.accel ?? 'unknown'}):`,
);
for (const [stage, bwrapMs] of arm.bwrap.perStage) {
  const qemuMs = arm.qemu.perStage.get(stage) ?? NaN;
  console.log(`  ${stage.padEnd(width)} ${ms(bwrapMs).padStart(9)} ${ms(qemuMs).padStart(9)}  ${ratio(qemuMs, bwrapMs)}`);
}
console.log(
  `  ${'whole'.padEnd(width)} ${ms(arm.bwrap.totalMs).padStart(9)} ${ms(arm.qemu.totalMs).padStart(9)}  ${ratio(arm.qemu.totalMs, arm.bwrap.totalMs)}`,
);

const ccSize = bwrap.sizes.get('cc:bin/cc');
if (ccSize !== undefined) console.log(`\nthe C compiler (stage cc, bin/cc): ${ccSize} bytes`);

const now = {
  empty: { bwrap: median(empty.bwrap), qemu: median(empty.qemu) },
  cc: { bwrap: bwrap.perStage.get('cc'), qemu: qemu.perStage.get('cc') },
  toCc: { bwrap: bwrap.reachedAt.get('cc'), qemu: qemu.reachedAt.get('cc') },
  toTcc: { bwrap: bwrap.reachedAt.get('tcc'), qemu: qemu.reachedAt.get('tcc') },
  whole: { bwrap: bwrap.totalMs, qemu: qemu.totalMs },
};
const rows = [
  ['a stage that does nothing', 'empty'],
  ['the cc stage', 'cc'],
  ['seeds → cc, empty store', 'toCc'],
  ['seeds → tcc, empty store', 'toTcc'],
  ['the whole chain, empty store', 'whole'],
];
console.log("\nqemu (TCG) against bubblewrap, before (the README's figures) and now:");
console.log(`  ${''.padEnd(30)} ${'before'.padStart(24)}   ${'now'.padStart(24)}`);
for (const [label, key] of rows) {
  const cell = ({ bwrap: b, qemu: q }) =>
    b === undefined || q === undefined ? 'n/a'.padStart(24) : `${ms(q).padStart(8)} / ${ms(b).padStart(7)} = ${ratio(q, b).padStart(5)}`;
  console.log(`  ${label.padEnd(30)} ${cell(BEFORE[key])}   ${cell(now[key])}`);
}

const emulated = await measureEmulatedPrograms();
if (emulated.skipped !== undefined) console.log(`\nprograms under qemu-user: skipped (${emulated.skipped})`);
else {
  console.log(`\nprograms decompressing ${emulated.tarball}, CPU time native and under qemu-user (a run stops at ${emulated.limitS} s):`);
  for (const r of emulated.results) {
    const emulatedCell = r.emulatedS === undefined ? `over ${emulated.limitS} s` : `${r.emulatedS.toFixed(2)} s`;
    const cost = r.emulatedS === undefined ? `over ${(emulated.limitS / r.nativeS).toFixed(0)}×` : ratio(r.emulatedS, r.nativeS);
    console.log(`  ${r.name.padEnd(20)} native ${r.nativeS.toFixed(2)} s, emulated ${emulatedCell}: ${cost}`);
  }
}

const tinycc = await measureTinycc();
if (tinycc.skipped !== undefined) console.log(`\nTinyCC: skipped (${tinycc.skipped})`);
else {
  const { results, speed } = tinycc;
  const gccPasses = results.filter((r) => r.gccPasses);
  const ccPasses = results.filter((r) => r.ccPasses);
  console.log(`\nTinyCC's tests/tests2 (${results.length} programs that are plain C for x86-64), the expected output:`);
  console.log(`  host gcc:                   ${gccPasses.length}`);
  console.log(`  cc with the chain's libc:   ${ccPasses.length}`);
  const missing = gccPasses.filter((r) => !r.ccPasses);
  if (missing.length > 0) {
    console.log(`  passed by gcc, not by cc (${missing.length}):`);
    for (const r of missing) {
      const why = CC_GAPS.get(r.name) ?? `UNEXPECTED: ${r.error === undefined ? 'wrong output' : r.error.split('\n')[0]}`;
      console.log(`    ${r.name}: ${why}`);
    }
  }
  console.log(`\ncc on TinyCC's tcc.c (ONE_SOURCE, x86_64) against gcc -O0 -S on the same file:`);
  console.log(`  gcc -O0 -S: ${ms(speed.gccMs)}${speed.gccError === undefined ? '' : ` (failed: ${speed.gccError})`}`);
  if (speed.ccError !== undefined) console.log(`  cc: stops at ${speed.ccError} (after ${ms(speed.ccMs)}): no ratio yet`);
  else console.log(`  cc:         ${ms(speed.ccMs)}\n  ratio cc / gcc: ${(speed.ccMs / speed.gccMs).toFixed(2)}× (target: under 0.5×)`);
}

printBuildenv(await measureBuildenv());

const remote = await measureRemote(chainDir);
console.log(`\nthe amd64 chain (${remote.stages} stages) from a remote store on a local nginx, against building it:`);
console.log(`  build under bubblewrap, empty store:      ${ms(remote.buildMs)}`);
console.log(`  pull and verify (2 trusted signers each): ${ms(remote.pullMs)}`);
console.log(`  ratio build / pull:                       ${(remote.buildMs / remote.pullMs).toFixed(1)}`);
console.log(`  bootstrap after the pull (nothing runs):  ${ms(remote.cachedMs)}`);
console.log(
  `  bytes down: ${remote.bytesDown} in ${remote.requests} requests (the outputs: ${remote.outputBytes}); bytes up (two pushes): ${remote.bytesUp}`,
);

const logFigures = await measureLogAppend();
console.log(`\nthe transparency log (tiles): one append, checkpoint and inclusion proof against re-reading the whole log:`);
for (const f of logFigures) {
  console.log(
    `  ${String(f.size).padStart(6)} entries: append ${ms(f.appendMs)}, checkpoint ${ms(f.checkpointMs)}, proof ${ms(f.proveMs)}; re-read ${ms(f.rereadMs)} (ratio ${(f.rereadMs / f.appendMs).toFixed(0)}×)`,
  );
}
