// cc, the chain's C compiler, against TinyCC's C: its test programs (tests/tests2/*.c, each with
// the output it must print) built by cc with the chain's C library and by the host's gcc, run,
// and counted; and the time cc takes on tcc.c (ONE_SOURCE, x86_64) next to `gcc -O0 -S`.
// The chain is built under bubblewrap into a temporary store; TinyCC's tarball comes from the
// distfiles. Nothing here enters the chain: gcc is only the yardstick.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain } from '../dist/manifest/chain.js';
import { bootstrap } from '../dist/run/bootstrap.js';
import { createBwrapSandbox } from '../dist/sandbox/bwrap.js';
import { Store } from '../dist/store/store.js';
import { findDistfile } from './distfiles.mjs';

const TARBALL = 'tcc-0.9.27-git20200814.62c30a4a.tar.bz2';
const CHAIN = new URL('../stages/amd64', import.meta.url).pathname;

/**
 * The tests2 programs that are no yardstick for a C compiler (NOT_PORTABLE), those gcc passes and
 * cc does not, each for something cc or its C library does not claim (CC_GAPS: LANGUAGE.md of
 * stage 07-cc says so; any other one the bench prints as unexpected), and the arguments
 * TinyCC's tests2/Makefile gives: one list, test/programs/tinycc-tests2.json, which
 * test/stages/cc-tests2.test.ts holds cc to.
 */
const LISTS = JSON.parse(readFileSync(new URL('../test/programs/tinycc-tests2.json', import.meta.url), 'utf8'));
const NOT_PORTABLE = new Map(Object.entries(LISTS.notPortable));
export const CC_GAPS = new Map(Object.entries(LISTS.ccGaps));
const ARGS = new Map(Object.entries(LISTS.args));

/** The chain's outputs this needs, built into a temporary store: cc, its library, the linkers. */
async function chainTools(dir) {
  const chain = await loadChain(CHAIN);
  const store = await Store.open(join(dir, 'store'));
  const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), until: 'cc' });
  if (!result.ok) throw new Error('the chain failed up to cc');
  const output = (stage, path) => {
    const declared = chain.stages.find((s) => s.name === stage)?.outputs.find((o) => o.path === path);
    if (declared === undefined) throw new Error(`stage ${stage} has no output ${path}`);
    const copy = join(dir, 'tools', stage, path);
    mkdirSync(join(copy, '..'), { recursive: true });
    writeFileSync(copy, readFileSync(store.objectPath(declared.sha256)));
    chmodSync(copy, declared.executable ? 0o755 : 0o644);
    return copy;
  };
  const cc = chain.stages.find((s) => s.name === 'cc');
  for (const o of cc.outputs) output('cc', o.path);
  return {
    cc: join(dir, 'tools', 'cc', 'bin', 'cc'),
    libc: join(dir, 'tools', 'cc', 'lib', 'cc', 'libc.c'),
    include: join(dir, 'tools', 'cc', 'lib', 'cc', 'include'),
    ccMacros: join(dir, 'tools', 'cc', 'lib', 'cc', 'cc.M0'),
    macros: output('b0', 'lib/b0/amd64.M0'),
    m0: output('M0', 'bin/M0'),
    catm: output('catm', 'bin/catm'),
    hex2: output('hex2', 'bin/hex2'),
    elf: join(CHAIN, 'common', 'elf64.hex2'),
    elfEnd: join(CHAIN, 'common', 'elf64-end.hex2'),
  };
}

/** Compiles sources with cc and the C library and links them as the chain does; the error, if any. */
function buildWithCc(tools, sources, executable, options = []) {
  const m0 = `${executable}.M0`;
  const compiled = spawnSync(tools.cc, ['-I', tools.include, ...options, tools.libc, ...sources, m0], { encoding: 'latin1', env: {} });
  if (compiled.status !== 0) return (compiled.stderr || `cc exited with ${compiled.status}`).trim();
  execFileSync(tools.catm, [`${m0}.all`, tools.macros, tools.ccMacros, m0]);
  execFileSync(tools.m0, [`${m0}.all`, `${m0}.hex2`]);
  execFileSync(tools.catm, [`${m0}.linked`, tools.elf, `${m0}.hex2`, tools.elfEnd]);
  execFileSync(tools.hex2, [`${m0}.linked`, executable]);
  chmodSync(executable, 0o755);
  return undefined;
}

/** As TinyCC's Makefile compares (diff -b): runs of blanks are one, blanks at a line's end none. */
const normalized = (text) =>
  text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\n')
    .replace(/\n+$/, '');

function runTest(executable, name, testsDir) {
  const run = spawnSync(executable, ARGS.get(name) ?? [], { cwd: testsDir, encoding: 'latin1', timeout: 10_000, env: {} });
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  return normalized(output) === normalized(readFileSync(join(testsDir, `${name}.expect`), 'latin1'));
}

export async function measureTinycc() {
  const tarball = findDistfile(TARBALL);
  if (tarball === undefined) return { skipped: `${TARBALL} is not in the distfiles` };
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-tinycc-'));
  try {
    const tools = await chainTools(dir);
    const tree = join(dir, 'tcc');
    mkdirSync(tree);
    execFileSync('tar', ['-xjf', tarball, '-C', tree]);
    const testsDir = join(tree, 'tests', 'tests2');
    const names = readdirSync(testsDir)
      .filter((f) => f.endsWith('.expect'))
      .map((f) => f.slice(0, -'.expect'.length))
      .sort();
    const results = [];
    for (const name of names) {
      if (NOT_PORTABLE.has(name) || !existsSync(join(testsDir, `${name}.c`))) continue;
      const source = join(testsDir, `${name}.c`);
      const options = name === '76_dollars_in_identifiers' ? ['-fdollars-in-identifiers'] : [];
      const hostExe = join(dir, `${name}-gcc`);
      const host = spawnSync('gcc', ['-w', ...options, '-o', hostExe, source, '-lm', '-lpthread'], { encoding: 'latin1' });
      const gccPasses = host.status === 0 && runTest(hostExe, name, testsDir);
      const ccExe = join(dir, `${name}-cc`);
      const error = buildWithCc(tools, [source], ccExe);
      const ccPasses = error === undefined && runTest(ccExe, name, testsDir);
      results.push({ name, gccPasses, ccPasses, error });
    }
    const speed = timeTccSource(tools, tree);
    return { results, speed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * cc on tcc.c against gcc -O0 -S on the same file, each the best of three runs. cc writes a whole
 * program, so it is given the C library too (with --library, as a static library: it still reads
 * all of it); without one it stops at the end, at tcc's first call of malloc.
 */
function timeTccSource(tools, tree) {
  const defines = ['-DONE_SOURCE=1', '-DTCC_TARGET_X86_64', '-DCONFIG_TCC_STATIC=1', '-DTCC_VERSION="0.9.27"'];
  writeFileSync(join(tree, 'config.h'), '');
  const best = (command, args) => {
    let fastest = Infinity;
    let error;
    for (let i = 0; i < 3; i += 1) {
      const started = performance.now();
      const run = spawnSync(command, args, { cwd: tree, encoding: 'latin1', env: {} });
      const ms = performance.now() - started;
      if (run.status !== 0) error = (run.stderr || `exit ${run.status}`).trim().split('\n')[0];
      fastest = Math.min(fastest, ms);
    }
    return { ms: fastest, error };
  };
  const gcc = best('/usr/bin/gcc', ['-O0', '-S', '-w', ...defines, '-o', join(tree, 'tcc-gcc.s'), 'tcc.c']);
  const cc = best(tools.cc, ['-I', tools.include, ...defines, '--library', tools.libc, 'tcc.c', join(tree, 'tcc-cc.M0')]);
  return { gccMs: gcc.ms, ccMs: cc.ms, ccError: cc.error, gccError: gcc.error };
}
