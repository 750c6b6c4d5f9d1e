// Stage 13-tcc in the real chain, run by kindling under bubblewrap: TinyCC compiled by cc, then
// by itself until the bytes stop changing, with the chain's C library built by tcc. Here the
// chain's tcc builds and runs C programs with that library, TinyCC's own test programs
// (tests/tests2), linked with stage 14-musl's musl and with the chain's own C library, against a
// TinyCC built by the host's gcc from the same tarball, and the diverse double-compiling check:
// gcc -> tcc -> tcc outside the chain gives the chain's bytes.
// gcc and the host's tar (to unpack the tarball here) are only yardsticks; nothing here enters
// the chain.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diverseDoubleCompile } from '../../src/audit/ddc.js';
import { sha256File } from '../../src/digest.js';
import { loadChain } from '../../src/manifest/chain.js';
import { loadStage } from '../../src/manifest/stage.js';
import type { Stage } from '../../src/manifest/types.js';
import { Store } from '../../src/store/store.js';
import { AMD64_CHAIN, DISTFILES, SHARED_STORE } from '../support/amd64.js';
import { chainOutputWithSources, distfile } from '../programs/unpack/tools.js';
import { chainOutput } from '../support/amd64.js';

const STAGE_DIR = join(AMD64_CHAIN, '13-tcc');
const TARBALL = 'tcc-0.9.27-git20200814.62c30a4a.tar.bz2';

let work: string;
let stage: Stage;
/** The stage's outputs, laid out as the stage wrote them (bin/tcc, lib/libc.a, lib/tcc/...). */
let prefix: string;
/** The C library's headers (stage 07-cc's lib/cc/include). */
let include: string;
/** TinyCC's sources, unpacked here by the host's tar. */
let source: string;
let tcc: string;
/** Stage 14-musl's outputs, laid out as that stage wrote them (lib/libc.a, include/stdio.h, ...). */
let musl: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-tcc-'));
  stage = await loadStage(join(STAGE_DIR, 'stage.yaml'), AMD64_CHAIN);
  prefix = join(work, 'prefix');
  for (const output of stage.outputs) {
    const target = join(prefix, output.path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(await chainOutputWithSources('tcc', output.path), target);
  }
  tcc = join(prefix, 'bin', 'tcc');
  await chmod(tcc, 0o755);
  include = join(work, 'include');
  const cc = await loadStage(join(AMD64_CHAIN, '07-cc', 'stage.yaml'), AMD64_CHAIN);
  for (const output of cc.outputs.filter((o) => o.path.startsWith('lib/cc/include/'))) {
    const target = join(include, output.path.slice('lib/cc/include/'.length));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(await chainOutput('cc', output.path), target);
  }
  source = join(work, 'tcc-src');
  await mkdir(source);
  await execa('tar', ['-xjf', distfile(TARBALL), '-C', source]);
  await writeFile(join(source, 'config.h'), ''); // what TinyCC's configure would write; the defaults do
  // One chainOutput builds and verifies 14-musl; its other outputs are then taken from that store
  // by their declared sha256, as test/stages/musl.test.ts does.
  musl = join(work, 'musl');
  await chainOutputWithSources('musl', 'lib/libc.a');
  const store = await Store.open(SHARED_STORE);
  const muslStage = await loadStage(join(AMD64_CHAIN, '14-musl', 'stage.yaml'), AMD64_CHAIN);
  for (const output of muslStage.outputs) {
    const target = join(musl, output.path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(store.objectPath(output.sha256), target);
  }
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The arguments that compile and link one C file with the chain's tcc and its C library. */
function chainLink(file: string, executable: string, options: readonly string[] = []): string[] {
  const lib = join(prefix, 'lib');
  return [
    ...options, '-nostdinc', '-I', join(lib, 'tcc', 'include'), '-I', include, '-nostdlib',
    join(lib, 'crt1.o'), join(lib, 'crti.o'), file, join(lib, 'libc.a'), join(lib, 'tcc', 'libtcc1.a'), join(lib, 'crtn.o'),
    '-o', executable,
  ];
}

/**
 * The arguments that compile and link one C file with the chain's tcc against the chain's musl,
 * as test/stages/musl.test.ts builds: libc.a again after libtcc1.a (tcc's runtime calls abort,
 * and tcc's linker reads each archive once, in order), tcc's own headers before musl's.
 */
function muslLink(file: string, executable: string, options: readonly string[] = []): string[] {
  const lib = join(musl, 'lib');
  return [
    ...options, '-nostdinc', '-I', join(prefix, 'lib', 'tcc', 'include'), '-I', join(musl, 'include'), '-nostdlib',
    join(lib, 'crt1.o'), join(lib, 'crti.o'), file, join(lib, 'libc.a'), join(prefix, 'lib', 'tcc', 'libtcc1.a'),
    join(lib, 'libc.a'), join(lib, 'crtn.o'), '-o', executable,
  ];
}

describe('the stage', () => {
  it('reaches a fixed point: tcc-3 and tcc-4 (bin/tcc) are declared with one sha256 and are the same bytes', async () => {
    const declared = (path: string): string | undefined => stage.outputs.find((o) => o.path === path)?.sha256;
    expect(declared('bin/tcc')).toBeDefined();
    expect(declared('bin/tcc-3')).toBe(declared('bin/tcc'));
    expect(await sha256File(join(prefix, 'bin', 'tcc-3'))).toBe(await sha256File(tcc));
  });

  it('holds its patches and says why for each', () => {
    for (const name of ['tinycc.patch', 'tccelf.patch', 'tcc-ar.patch']) {
      const patch = readFileSync(join(STAGE_DIR, name), 'utf8');
      expect(patch).toMatch(/^# Why: /m);
      const pairs = patch.split('\n').filter((l) => l.startsWith('-') || l.startsWith('+'));
      expect(pairs.length % 2).toBe(0);
    }
    expect(readFileSync(join(STAGE_DIR, 'tinycc.patch'), 'utf8')).toContain('\n-    s->nocommon = 1;\n+    s->nocommon = 1; s->static_link = 1;\n');
    // Each is applied, to the file it names, by build.kaem, which the DDC replays.
    const kaem = readFileSync(join(STAGE_DIR, 'build.kaem'), 'utf8');
    for (const [name, file] of [['tinycc.patch', 'libtcc.c'], ['tccelf.patch', 'tccelf.c'], ['tcc-ar.patch', 'tcc.c']])
      expect(kaem).toContain(`\ntmp/replace-line src/${name} tmp/tcc/${file}\n`);
  });
});

describe("the chain's tcc and C library", () => {
  it('build a program that uses floating point, the heap, files, processes and setjmp', async () => {
    const program = join(work, 'program.c');
    await writeFile(program, `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <sys/wait.h>
static jmp_buf jump;
static int compare(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int main(int argc, char **argv) {
    int numbers[5] = { 5, 3, 9, 1, 7 };
    char *copy = malloc(64);
    char line[64];
    FILE *f;
    int status, i;
    printf("%d %.3f %g %e\\n", argc, 2.5 * 3.0 / 7.0, 1e21, -0.000125);
    strcpy(copy, "heap");
    qsort(numbers, 5, sizeof numbers[0], compare);
    for (i = 0; i < 5; i++) printf("%d ", numbers[i]);
    printf("%s %s\\n", copy, argv[1]);
    f = fopen("file.txt", "w");
    fprintf(f, "written %ld\\n", 1234567890123L);
    fclose(f);
    f = fopen("file.txt", "r");
    fgets(line, sizeof line, f);
    fclose(f);
    printf("read: %s", line);
    fflush(stdout);
    if (fork() == 0) exit(7);
    wait(&status);
    printf("child %d\\n", WEXITSTATUS(status));
    if (setjmp(jump) == 0) longjmp(jump, 3);
    else printf("jumped\\n");
    fflush(stdout);
    return 4;
}
`);
    const executable = join(work, 'program');
    const built = await execa(tcc, chainLink(program, executable), { reject: false, env: {}, extendEnv: false });
    expect(built.stderr).toBe('');
    expect(built.exitCode).toBe(0);
    const run = await execa(executable, ['argument'], { reject: false, cwd: work, env: {}, extendEnv: false });
    expect(run.stdout).toBe('2 1.071 1e+21 -1.250000e-04\n1 3 5 7 9 heap argument\nread: written 1234567890123\nchild 7\njumped');
    expect(run.exitCode).toBe(4);
  });
});

/**
 * tests2 programs TinyCC's Makefile does not run on x86-64 or runs only with its own options (its
 * bounds checker, -dt, -run, a second TinyCC-generated source): no yardstick for a C compiler.
 */
const NOT_PORTABLE = new Set([
  '34_array_assignment', '60_errors_and_warnings', '73_arm64', '96_nodata_wanted', '98_al_ax_extend', '99_fastcall',
  '104_inline', '112_backtrace', '113_btdll', '114_bound_signal', '115_bound_setjmp', '116_bound_setjmp2', '117_gcc_test',
]);
const ARGS = new Map([
  ['31_args', ['arg1', 'arg2', 'arg3', 'arg4', 'arg5']],
  ['46_grep', ['[^* ]*[:a:d: ]+\\:\\*-/: $', '46_grep.c']],
]);
/**
 * Tests that pass for the host-built TinyCC with glibc and fail for the chain's tcc with the
 * chain's musl, each with the reason. Empty: with a full C library on both sides, every program
 * the host-built TinyCC passes passes for the chain's; one that stops passing fails the test.
 */
const LIBRARY_GAPS = new Map<string, string>([]);
/**
 * The same for the chain's own small C library (stage 07-cc's, which 13-tcc builds): what that
 * library does not have yet (the program fails to link or prints what the library does).
 */
const OWN_LIBRARY_GAPS = new Map([['106_pthread', 'no pthread.h']]);

/** As TinyCC's Makefile compares (diff -b): runs of blanks are one, blanks at a line's end none. */
const normalized = (text: string): string =>
  text.split('\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, '')).join('\n').replace(/\n+$/, '');

async function passes(compiler: string, args: readonly string[], executable: string, name: string, dir: string): Promise<boolean> {
  const built = await execa(compiler, args, { reject: false, cwd: dir, env: {}, extendEnv: false });
  if (built.exitCode !== 0) return false;
  const run = await execa(executable, ARGS.get(name) ?? [], { reject: false, cwd: dir, env: {}, extendEnv: false, all: true, timeout: 10_000 });
  return normalized(run.all ?? '') === normalized(readFileSync(join(dir, `${name}.expect`), 'latin1'));
}

/** TinyCC built by the host's gcc from the same sources, with glibc, its libtcc1.a built by itself. */
async function hostTcc(): Promise<string> {
  const dir = join(work, 'host-tcc');
  await mkdir(dir);
  const executable = join(dir, 'tcc');
  const defines = [
    '-DONE_SOURCE=1', '-DTCC_TARGET_X86_64', '-DTCC_VERSION="0.9.27"', `-DCONFIG_TCCDIR="${dir}"`,
    '-DCONFIG_TCC_CRTPREFIX="/usr/lib/x86_64-linux-gnu"', '-DCONFIG_TCC_LIBPATHS="{B}:/usr/lib/x86_64-linux-gnu"',
    '-DCONFIG_TCC_SYSINCLUDEPATHS="{B}/include:/usr/include/x86_64-linux-gnu:/usr/include"',
  ];
  await execa('gcc', ['-O0', '-w', ...defines, '-o', executable, join(source, 'tcc.c'), '-lm', '-ldl', '-lpthread']);
  await execa('cp', ['-r', join(source, 'include'), dir]);
  const objects = [];
  for (const file of ['libtcc1.c', 'va_list.c', 'alloca86_64.S']) {
    const object = join(dir, file.replace(/\.[cS]$/, '.o'));
    await execa(executable, ['-c', join(source, 'lib', file), '-o', object]);
    objects.push(object);
  }
  await execa(executable, ['-ar', join(dir, 'libtcc1.a'), ...objects]);
  return executable;
}

/** The programs one side passes that the host-built TinyCC passes, less its known gaps; and the gaps it has since closed. */
function compare(side: string, results: readonly Result[], key: 'musl' | 'own', gaps: ReadonlyMap<string, string>): void {
  const lost = results.filter((r) => r.host && !r[key]).map((r) => r.name);
  console.log(`tests2: the chain's tcc with ${side} passes ${results.filter((r) => r[key]).length}; failing there only: ${lost.join(', ') || 'none'}`);
  expect(lost.filter((name) => !gaps.has(name))).toEqual([]);
  // A gap the library has since closed comes off the list, so the list stays the library's to-do.
  expect([...gaps.keys()].filter((name) => !lost.includes(name))).toEqual([]);
}

interface Result {
  name: string;
  host: boolean;
  musl: boolean;
  own: boolean;
}

describe("TinyCC's own test programs (tests/tests2)", () => {
  it("every one the host-built TinyCC passes with glibc passes for the chain's with musl; with the chain's own C library, save its known gaps", async () => {
    const host = await hostTcc();
    const dir = join(source, 'tests', 'tests2');
    const names = readdirSync(dir).filter((f) => f.endsWith('.expect')).map((f) => f.slice(0, -'.expect'.length))
      .filter((n) => !NOT_PORTABLE.has(n) && existsSync(join(dir, `${n}.c`))).sort();
    const results: Result[] = [];
    for (const name of names) {
      const options = ['-w', ...(name === '76_dollars_in_identifiers' ? ['-fdollars-in-identifiers'] : [])];
      const hostExe = join(work, `${name}-host`);
      const muslExe = join(work, `${name}-musl`);
      const ownExe = join(work, `${name}-own`);
      results.push({
        name,
        host: await passes(host, [...options, `${name}.c`, '-o', hostExe, '-lm'], hostExe, name, dir),
        musl: await passes(tcc, muslLink(`${name}.c`, muslExe, options), muslExe, name, dir),
        own: await passes(tcc, chainLink(`${name}.c`, ownExe, options), ownExe, name, dir),
      });
    }
    const hostPasses = results.filter((r) => r.host).length;
    const hostFails = results.filter((r) => !r.host).map((r) => `${r.name}${r.musl ? ' (passes with musl)' : ''}`);
    console.log(`tests2: ${results.length} programs; the host-built TinyCC with glibc passes ${hostPasses}, fails ${hostFails.join(', ') || 'none'}`);
    expect(results.length).toBeGreaterThan(90);
    compare('musl', results, 'musl', LIBRARY_GAPS);
    compare("the chain's own C library", results, 'own', OWN_LIBRARY_GAPS);
    expect(results.filter((r) => r.musl).length).toBeGreaterThanOrEqual(hostPasses - LIBRARY_GAPS.size);
  }, 900_000);
});

describe('diverse double-compiling', () => {
  it("gcc -> tcc -> tcc, outside the chain, gives the chain's tcc byte for byte", async () => {
    // An independent route from the same sources (src/audit/ddc.ts, as `kindling audit --ddc`
    // takes it): tcc-0 compiled by the host's gcc (linked with glibc) instead of by cc; then the
    // stage's last generation, its own lines of build.kaem, in a directory laid out as the
    // stage's root (the paths are the same, so is __FILE__).
    const result = await diverseDoubleCompile({
      chain: await loadChain(AMD64_CHAIN),
      store: await Store.open(SHARED_STORE),
      compiler: 'gcc',
      sources: { distfiles: DISTFILES, retries: 0 },
    });
    expect(result.files.map((f) => ({ path: f.path, difference: f.difference }))).toEqual(
      ['bin/tcc', 'lib/crt1.o', 'lib/crti.o', 'lib/crtn.o', 'lib/libc.a', 'lib/tcc/libtcc1.a'].map((path) => ({ path, difference: undefined })),
    );
    expect(result.ok).toBe(true);
    expect(result.files[0]!.chainSha256).toBe(await sha256File(tcc));
  }, 300_000);
});
