// `make bench`: each benchmark prints its figures and the ratio that matters.
import { measureBackends } from './backends.mjs';
import { measureOverhead } from './overhead.mjs';
import { measureTinycc } from './tinycc.mjs';

const ms = (value) => (value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`);
const perStage = (value, n) => `${(value / n).toFixed(1)} ms/stage`;

const overhead = await measureOverhead();
console.log(`orchestrator overhead, ${overhead.stages} trivial stages under bubblewrap:`);
console.log(`  by hand (bwrap directly):   ${perStage(overhead.handMs, overhead.stages)}`);
console.log(`  kindling bootstrap:         ${perStage(overhead.kindlingMs, overhead.stages)}`);
console.log(`  kindling, all cached:       ${perStage(overhead.cachedMs, overhead.stages)}`);
console.log(`  ratio kindling / by hand:   ${(overhead.kindlingMs / overhead.handMs).toFixed(2)}`);
console.log(`  overhead per stage:         ${((overhead.kindlingMs - overhead.handMs) / overhead.stages).toFixed(1)} ms`);

const chainDir = new URL('../stages/amd64', import.meta.url).pathname;
const { bwrap, qemu } = await measureBackends(chainDir);
console.log(`\nthe amd64 chain from an empty store, per stage (qemu acceleration: ${qemu.accel ?? 'unknown'}):`);
const width = Math.max(8, ...[...bwrap.perStage.keys()].map((stage) => stage.length));
console.log(`  ${'stage'.padEnd(width)} ${'bwrap'.padStart(9)} ${'qemu'.padStart(9)}  ratio`);
for (const [stage, bwrapMs] of bwrap.perStage) {
  const qemuMs = qemu.perStage.get(stage) ?? NaN;
  console.log(`  ${stage.padEnd(width)} ${ms(bwrapMs).padStart(9)} ${ms(qemuMs).padStart(9)}  ${(qemuMs / bwrapMs).toFixed(0)}×`);
}
console.log(`  ${'whole'.padEnd(width)} ${ms(bwrap.totalMs).padStart(9)} ${ms(qemu.totalMs).padStart(9)}  ${(qemu.totalMs / bwrap.totalMs).toFixed(0)}×`);

const ccSize = bwrap.sizes.get('cc:bin/cc');
if (ccSize !== undefined) {
  console.log(`\nthe C compiler (stage cc, bin/cc): ${ccSize} bytes`);
  console.log(`  seeds → cc, empty store: bwrap ${ms(bwrap.reachedAt.get('cc'))}, qemu ${ms(qemu.reachedAt.get('cc'))}`);
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
    for (const r of missing) console.log(`    ${r.name}: ${r.error === undefined ? 'wrong output' : r.error.split('\n')[0]}`);
  }
  console.log(`\ncc on TinyCC's tcc.c (ONE_SOURCE, x86_64) against gcc -O0 -S on the same file:`);
  console.log(`  gcc -O0 -S: ${ms(speed.gccMs)}${speed.gccError === undefined ? '' : ` (failed: ${speed.gccError})`}`);
  if (speed.ccError !== undefined) console.log(`  cc: stops at ${speed.ccError} (after ${ms(speed.ccMs)}): no ratio yet`);
  else console.log(`  cc:         ${ms(speed.ccMs)}\n  ratio cc / gcc: ${(speed.ccMs / speed.gccMs).toFixed(2)}× (target: under 0.5×)`);
}
