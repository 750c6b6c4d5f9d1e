// What emulation costs one of the chain's programs, against what it usually costs: the chain's
// gunzip (stage unpack, a b0 program whose variables sit beside its code) and the host's gzip,
// each decompressing make's tarball natively and under qemu-user. The TinyCC stages spend most of
// their time under qemu in this gunzip and untar (src/sandbox/README.md); a program laid out as
// usual costs the 5–20× of emulated integer code. CPU times (user + system), which the load of a
// shared machine sways less than wall times. The chain up to unpack is built under bubblewrap.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain } from '../dist/manifest/chain.js';
import { bootstrap } from '../dist/run/bootstrap.js';
import { createBwrapSandbox } from '../dist/sandbox/bwrap.js';
import { findExecutable } from '../dist/sandbox/tool-identity.js';
import { Store } from '../dist/store/store.js';
import { findDistfile } from './distfiles.mjs';

const TARBALL = 'make-dfsg-4.3.tar.gz';
const CHAIN = new URL('../stages/amd64', import.meta.url).pathname;
/** qemu-user runs of the chain's gunzip are stopped after this many seconds (EMULATION_LIMIT). */
const LIMIT_S = Number(process.env.EMULATION_LIMIT ?? 120);

/** CPU seconds (user + system) of `command` run by bash, or undefined when it overran the limit. */
function cpuSeconds(command) {
  const run = spawnSync('bash', ['-c', `timeout ${LIMIT_S} ${command} || exit $?; times`], { encoding: 'utf8' });
  if (run.status === 124) return undefined;
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr}`);
  // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.056s".
  const children = run.stdout.trim().split('\n').at(-1).split(' ');
  return children.map((field) => /(\d+)m([\d.]+)s/.exec(field)).reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

export async function measureEmulatedPrograms() {
  const tarball = findDistfile(TARBALL);
  if (tarball === undefined) return { skipped: `${TARBALL} is not in the distfiles` };
  const qemuUser = (await findExecutable('qemu-x86_64-static')) ?? (await findExecutable('qemu-x86_64'));
  const gzip = await findExecutable('gzip');
  if (qemuUser === undefined || gzip === undefined) return { skipped: 'qemu-x86_64 or gzip is not installed' };
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-emulated-'));
  try {
    const chain = await loadChain(CHAIN);
    const store = await Store.open(join(dir, 'store'));
    const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), until: 'unpack' });
    if (!result.ok) throw new Error('the chain failed up to unpack');
    const declared = chain.stages.find((s) => s.name === 'unpack')?.outputs.find((o) => o.path === 'bin/gunzip');
    if (declared === undefined) throw new Error('stage unpack has no output bin/gunzip');
    const gunzip = join(dir, 'gunzip');
    writeFileSync(gunzip, readFileSync(store.objectPath(declared.sha256)));
    chmodSync(gunzip, 0o755);
    const out = join(dir, 'out.tar');
    const programs = [
      { name: "the chain's gunzip", native: `${gunzip} ${tarball} ${out}`, emulated: `${qemuUser} ${gunzip} ${tarball} ${out}` },
      { name: "the host's gzip -d", native: `${gzip} -dc ${tarball} > ${out}`, emulated: `${qemuUser} ${gzip} -dc ${tarball} > ${out}` },
    ];
    return {
      tarball: TARBALL,
      limitS: LIMIT_S,
      results: programs.map((p) => ({ name: p.name, nativeS: cpuSeconds(p.native), emulatedS: cpuSeconds(p.emulated) })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
