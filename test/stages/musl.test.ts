// Stage 14-musl in the real chain, run by kindling under bubblewrap: musl 1.2.3 compiled by the
// chain's tcc. Here the chain's tcc builds a program against the stage's libc.a, start files
// and headers, and the program's output (stdio, floating-point printf and strtod, malloc, qsort,
// setjmp, time, files, fork and exec) is compared with what musl must print.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/digest.js';
import { loadStage } from '../../src/manifest/stage.js';
import { Store } from '../../src/store/store.js';
import type { Stage } from '../../src/manifest/types.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { chainOutputWithSources } from '../programs/unpack/tools.js';

const STAGE_DIR = join(AMD64_CHAIN, '14-musl');
const PROGRAMS = join(REPO, 'test', 'programs', 'musl');

let work: string;
let stage: Stage;
/** The stage's outputs, laid out as the stage wrote them (lib/libc.a, include/stdio.h, ...). */
let prefix: string;
let tcc: string;
let libtcc1: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-musl-'));
  stage = await loadStage(join(STAGE_DIR, 'stage.yaml'), AMD64_CHAIN);
  prefix = join(work, 'prefix');
  // One chainOutput builds and verifies the stage; the other 221 outputs are then taken from
  // that store by their declared sha256 (one chainOutput each would verify the chain 222 times).
  await chainOutputWithSources('musl', 'lib/libc.a');
  const store = await Store.open(join(tmpdir(), `kindling-test-store-${process.getuid?.() ?? 0}`));
  for (const output of stage.outputs) {
    const target = join(prefix, output.path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(store.objectPath(output.sha256), target);
    expect(await sha256File(target)).toBe(output.sha256);
  }
  tcc = await chainOutput('tcc', 'bin/tcc');
  libtcc1 = await chainOutput('tcc', 'lib/tcc/libtcc1.a');
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * Compiles and links one C file with the chain's tcc against the stage's musl. libc.a comes
 * again after libtcc1.a: tcc's runtime calls abort (in __va_arg), and tcc's linker reads each
 * archive once, in order.
 */
async function build(file: string, executable: string): Promise<void> {
  const lib = join(prefix, 'lib');
  await execa(tcc, [
    '-nostdinc', '-I', join(prefix, 'include'), '-nostdlib',
    join(lib, 'crt1.o'), join(lib, 'crti.o'), file, join(lib, 'libc.a'), libtcc1, join(lib, 'libc.a'), join(lib, 'crtn.o'),
    '-o', executable,
  ]);
}

describe('the stage', () => {
  it('gives every public name of musl a symbol in libc.a, weak aliases included', async () => {
    // malloc and munmap are weak aliases in musl: the archive must define them and index them.
    const archive = await readFile(join(prefix, 'lib', 'libc.a'));
    const index = archive.subarray(0, 200_000).toString('latin1');
    for (const name of ['\0malloc\0', '\0munmap\0', '\0printf\0', '\0fork\0', '\0strtod\0']) expect(index).toContain(name);
  });

  it('holds its patches and says why for each', async () => {
    const readme = await readFile(join(STAGE_DIR, 'README.md'), 'utf8');
    for (const patch of ['features.patch', 'sqrtl.patch', 'sigsetjmp.patch']) {
      const text = await readFile(join(STAGE_DIR, patch), 'utf8');
      expect(text).toMatch(/^# Why: /m);
      expect(readme).toContain(patch);
    }
  });
});

describe('a program built by the chain\'s tcc against musl', () => {
  it('prints what musl must print: stdio, floating point, malloc, qsort, setjmp, time, files, fork and exec', async () => {
    const program = join(work, 'check');
    await build(join(PROGRAMS, 'check.c'), program);
    const result = await execa(program, [], { cwd: work, env: {}, extendEnv: false, reject: false });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'hello, musl',
      '0.10000000000000001 0.667 6.022141e+23 1e-05 0x1p+0',
      '3.1415926535897931 inf -31',
      '   42|ab   |003.1|ff|9000000000',
      'malloc -97 57',
      '-7 0 3 19 42 1000',
      'setjmp 2',
      'time 2001-09-09 01:46:40 Sun 1796256000',
      'file line one',
      'file line 2',
      'child exec',
      'fork 7',
    ]);
    expect(result.exitCode).toBe(0);
  });
});
