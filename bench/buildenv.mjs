// The buildenv template (tcc, musl, make, dash, BusyBox): the whole chain, seeds to the template's
// image, from an empty store under bubblewrap; then GNU hello 2.10 configured, built and checked
// in that image with hello's own scripts, under bubblewrap and, with BUILDENV_QEMU=1, in a qemu
// VM (TCG: tens of minutes, so off by default).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain } from '../dist/manifest/chain.js';
import { createBwrapSandbox } from '../dist/sandbox/bwrap.js';
import { ensureKernel } from '../dist/sandbox/kernel.js';
import { ensureSources } from '../dist/sources/ensure.js';
import { Store } from '../dist/store/store.js';
import { buildTemplate, stagesFor } from '../dist/template/build.js';
import { loadTemplate } from '../dist/template/declaration.js';
import { DISTFILES, findDistfile } from './distfiles.mjs';

const CHAIN = new URL('../stages/amd64', import.meta.url).pathname;
const KINDLING = new URL('../bin/kindling.js', import.meta.url).pathname;
const HELLO = 'hello-2.10.tar.gz';
// hello's build script, shared with test/template/buildenv.test.ts (why it touches every file: its comment).
const BUILD_HELLO = new URL('../test/programs/hello/build-hello.sh', import.meta.url).pathname;

/** One `kindling template run buildenv` of hello's build in a fresh work directory, timed. */
async function timeHello(dir, templates, backend) {
  const tarball = findDistfile(HELLO);
  if (tarball === undefined) return { skipped: `${HELLO} is not in the distfiles` };
  const work = join(dir, `hello-${backend}`);
  mkdirSync(work);
  copyFileSync(tarball, join(work, HELLO));
  copyFileSync(BUILD_HELLO, join(work, 'build-hello.sh'));
  const kernel = backend === 'qemu' ? ['--kernel', await ensureKernel(), '--accel', 'tcg'] : [];
  const args = ['template', 'run', 'buildenv', '--chain', CHAIN, '--templates', templates, '--backend', backend, ...kernel];
  const started = performance.now();
  const run = spawnSync('node', [KINDLING, ...args, '--timeout', '3600', '--work', work, '--', 'sh', 'build-hello.sh'], {
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  const greeting = existsSync(join(work, 'greeting')) ? readFileSync(join(work, 'greeting'), 'utf8') : '';
  if (run.status !== 0 || greeting !== 'Hello, world!\n') throw new Error(`hello in buildenv under ${backend} failed (exit ${run.status})`);
  return { ms };
}

export async function measureBuildenv() {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-buildenv-'));
  try {
    const chain = await loadChain(CHAIN);
    const template = await loadTemplate(chain, 'buildenv');
    const store = await Store.open(join(dir, 'store'));
    // Upstream sources come from the distfiles and are not part of the timing.
    await ensureSources({ ...chain, stages: stagesFor(chain, template) }, store, { distfiles: DISTFILES, retries: 0 });
    const templates = join(dir, 'templates');
    const started = performance.now();
    const built = await buildTemplate({ chain, template, store, sandbox: createBwrapSandbox(), outDir: templates });
    const chainMs = performance.now() - started;
    if (!built.ok) throw new Error(`the buildenv template did not build (${built.reason})`);
    const stages = built.stages.outcomes.size;
    const bwrap = await timeHello(dir, templates, 'bwrap');
    const qemu = process.env.BUILDENV_QEMU === '1' ? await timeHello(dir, templates, 'qemu') : { skipped: 'BUILDENV_QEMU=1 runs it' };
    return { chainMs, stages, bwrap, qemu };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (value) => (value < 1000 ? `${value.toFixed(0)} ms` : `${(value / 1000).toFixed(2)} s`);

export function printBuildenv({ chainMs, stages, bwrap, qemu }) {
  console.log(`\nthe buildenv template, from an empty store under bubblewrap, and GNU hello 2.10 built in it:`);
  console.log(`  seeds → buildenv (${stages} stages and the image): ${ms(chainMs)}`);
  for (const [backend, r] of [
    ['bwrap', bwrap],
    ['qemu', qemu],
  ])
    console.log(
      `  hello, configure + make + make check, ${backend.padEnd(5)}: ${r.skipped === undefined ? ms(r.ms) : `skipped (${r.skipped})`}`,
    );
  if (bwrap.ms !== undefined && qemu.ms !== undefined) console.log(`  ratio qemu / bwrap: ${(qemu.ms / bwrap.ms).toFixed(1)}×`);
}

// `node bench/buildenv.mjs` runs this one alone.
if (import.meta.url === `file://${process.argv[1]}`) printBuildenv(await measureBuildenv());
