// TinyCC's own test programs (tests/tests2 of its tarball, each with the output it must print),
// compiled by the chain's cc with the chain's C library and by the host's gcc, run and compared
// as TinyCC's Makefile compares them. Every program gcc passes must pass under cc too, unless
// test/programs/tinycc-tests2.json names it among cc's gaps with the reason (each a thing
// LANGUAGE.md of stage 07-cc says cc or its library does not do); a gap cc has since closed must
// come off that list, so the count cc passes is held where it is. make bench prints the same
// counts. gcc and the host's tar are only yardsticks; nothing here enters the chain.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStage } from '../../src/manifest/stage.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { distfile } from '../programs/unpack/tools.js';

const TARBALL = 'tcc-0.9.27-git20200814.62c30a4a.tar.bz2';
const COMMON_DIR = join(AMD64_CHAIN, 'common');
const HOST_CC = ['/usr/bin/gcc', '/usr/bin/cc'].find((path) => existsSync(path));

interface Lists {
  readonly notPortable: Record<string, string>;
  readonly ccGaps: Record<string, string>;
  readonly args: Record<string, string[]>;
}
const LISTS = JSON.parse(readFileSync(join(REPO, 'test', 'programs', 'tinycc-tests2.json'), 'utf8')) as Lists;

let work: string;
let tests: string;
let tools: { cc: string; libc: string; include: string; macros: string; ccMacros: string; m0: string; catm: string; hex2: string };

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-cc-tests2-'));
  const include = join(work, 'include');
  const stage = await loadStage(join(AMD64_CHAIN, '07-cc', 'stage.yaml'), AMD64_CHAIN);
  for (const output of stage.outputs.filter((o) => o.path.startsWith('lib/cc/include/'))) {
    const target = join(include, output.path.slice('lib/cc/include/'.length));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(await chainOutput('cc', output.path), target);
  }
  tools = {
    cc: await chainOutput('cc', 'bin/cc'),
    libc: await chainOutput('cc', 'lib/cc/libc.c'),
    include,
    macros: await chainOutput('b0', 'lib/b0/amd64.M0'),
    ccMacros: await chainOutput('cc', 'lib/cc/cc.M0'),
    m0: await chainOutput('M0', 'bin/M0'),
    catm: await chainOutput('catm', 'bin/catm'),
    hex2: await chainOutput('hex2', 'bin/hex2'),
  };
  const tree = join(work, 'tcc');
  await mkdir(tree);
  await execa('tar', ['-xjf', distfile(TARBALL), '-C', tree]);
  tests = join(tree, 'tests', 'tests2');
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** As TinyCC's Makefile compares (diff -b): runs of blanks are one, blanks at a line's end none. */
const normalized = (text: string): string =>
  text
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''))
    .join('\n')
    .replace(/\n+$/, '');

async function runs(executable: string, name: string): Promise<boolean> {
  const run = await execa(executable, LISTS.args[name] ?? [], {
    reject: false,
    cwd: tests,
    env: {},
    extendEnv: false,
    all: true,
    encoding: 'latin1',
    timeout: 10_000,
  });
  return normalized(run.all ?? '') === normalized(readFileSync(join(tests, `${name}.expect`), 'latin1'));
}

/** The program built by cc with the C library and linked as the chain links; whether it prints what it must. */
async function ccPasses(name: string): Promise<boolean> {
  const m0 = join(work, `${name}.M0`);
  const compiled = await execa(tools.cc, ['-I', tools.include, tools.libc, join(tests, `${name}.c`), m0], { reject: false, env: {}, extendEnv: false });
  if (compiled.exitCode !== 0) return false;
  await execa(tools.catm, [`${m0}.all`, tools.macros, tools.ccMacros, m0]);
  await execa(tools.m0, [`${m0}.all`, `${m0}.hex2`]);
  await execa(tools.catm, [`${m0}.linked`, join(COMMON_DIR, 'elf64.hex2'), `${m0}.hex2`, join(COMMON_DIR, 'elf64-end.hex2')]);
  const executable = join(work, `${name}-cc`);
  await execa(tools.hex2, [`${m0}.linked`, executable]);
  await chmod(executable, 0o755);
  return runs(executable, name);
}

async function gccPasses(name: string): Promise<boolean> {
  const executable = join(work, `${name}-gcc`);
  const options = name === '76_dollars_in_identifiers' ? ['-fdollars-in-identifiers'] : [];
  const built = await execa(HOST_CC ?? 'gcc', ['-w', ...options, '-o', executable, join(tests, `${name}.c`), '-lm', '-lpthread'], { reject: false });
  return built.exitCode === 0 && runs(executable, name);
}

describe("TinyCC's tests2 compiled by cc", () => {
  it.skipIf(HOST_CC === undefined)("every program gcc passes passes under cc, save cc's named gaps, and no gap is left on the list once closed", async () => {
    const names = readdirSync(tests)
      .filter((f) => f.endsWith('.expect'))
      .map((f) => f.slice(0, -'.expect'.length))
      .filter((name) => !(name in LISTS.notPortable) && existsSync(join(tests, `${name}.c`)))
      .sort();
    const results: { name: string; gcc: boolean; cc: boolean }[] = [];
    for (const name of names) results.push({ name, gcc: await gccPasses(name), cc: await ccPasses(name) });
    const lost = results.filter((r) => r.gcc && !r.cc).map((r) => r.name);
    const ccCount = results.filter((r) => r.cc).length;
    console.log(`tests2: ${results.length} programs; gcc passes ${results.filter((r) => r.gcc).length}, cc ${ccCount}; gcc only: ${lost.join(', ')}`);
    expect(results.length).toBeGreaterThan(90);
    expect(lost.filter((name) => !(name in LISTS.ccGaps))).toEqual([]);
    expect(Object.keys(LISTS.ccGaps).filter((name) => !lost.includes(name))).toEqual([]);
    expect(ccCount).toBeGreaterThanOrEqual(86);
  }, 600_000);
});
