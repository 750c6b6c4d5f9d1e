// GNU Mes 0.24.2 as the chain builds it (stage 11-mes): the release tarball unpacked by the
// chain's gunzip and untar, one line of crt1.c patched by the chain's replace-line, compiled by
// the chain's cc with Mes's own C library, linked by the chain's M0 and hex2. The stage outputs
// the interpreter and the Scheme modules it reads at run time (share/mes/module/); here they are
// laid out as the stage wrote them, and mes runs the programs of test/programs/mes (each states
// its output and exit status in ";; stdout:" and ";; exit:" lines) and Mes's own test suite from
// the offline copy of the same tarball.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/digest.js';
import { loadStage } from '../../src/manifest/stage.js';
import type { Stage } from '../../src/manifest/types.js';
import { AMD64_CHAIN, DISTFILES, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';

const STAGE_DIR = join(AMD64_CHAIN, '11-mes');
const PROGRAMS = join(REPO, 'test', 'programs', 'mes');
const TARBALL = DISTFILES.map((dir) => join(dir, 'mes-0.24.2.tar.gz')).find((file) => existsSync(file));
const MODULE_PREFIX = 'share/mes/module/';

interface ProgramHeader {
  readonly stdout: string;
  readonly exitCode: number;
}

/** Reads the ";; stdout:" and ";; exit:" lines at the top of a Scheme test program. */
function readHeader(path: string): ProgramHeader {
  const lines = readFileSync(path, 'utf8').split('\n');
  const values = (key: string): string[] => lines.filter((l) => l.startsWith(`;; ${key}: `)).map((l) => l.slice(key.length + 5));
  const exit = values('exit')[0];
  if (exit === undefined) throw new Error(`${path}: no ";; exit:" line`);
  return { stdout: values('stdout').map((l) => `${l}\n`).join(''), exitCode: Number(exit) };
}

let work: string;
let stage: Stage;
/** The directory holding share/ (the stage's outputs), which MES_PREFIX names. */
let prefix: string;
let mes: string;

/** mes's environment: nothing but where its modules are. */
const environment = (): Record<string, string> => ({ MES_PREFIX: prefix });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-mes-'));
  stage = await loadStage(join(STAGE_DIR, 'stage.yaml'), AMD64_CHAIN);
  prefix = join(work, 'prefix');
  for (const output of stage.outputs) {
    const target = join(prefix, output.path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(await chainOutput('mes', output.path), target);
  }
  mes = join(prefix, 'bin', 'mes');
  await execa('chmod', ['755', mes]);
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the stage', () => {
  it('outputs mes and the Scheme modules with the hashes its manifest declares', async () => {
    expect(stage.outputs[0]?.path).toBe('bin/mes');
    expect(stage.outputs.filter((o) => o.path.startsWith(MODULE_PREFIX)).length).toBe(stage.outputs.length - 1);
    for (const output of stage.outputs) expect({ path: output.path, sha256: await sha256File(join(prefix, output.path)) }).toEqual({ path: output.path, sha256: output.sha256 });
  });

  it('holds the patch it applies and says why', () => {
    const patch = readFileSync(join(STAGE_DIR, 'crt1.patch'), 'utf8');
    expect(patch).toMatch(/^# Why:/m);
    expect(patch).toContain('\n-  main ();\n+  ((int (*) ()) main) ();\n');
  });

  it.skipIf(TARBALL === undefined)("copies every module of the tarball's mes/module and module unchanged", async () => {
    await execa('tar', ['-xzf', TARBALL ?? '', '-C', work]);
    const tree = join(work, 'mes-0.24.2');
    const modules = stage.outputs.filter((o) => o.path.startsWith(MODULE_PREFIX)).map((o) => o.path.slice(MODULE_PREFIX.length));
    const inTarball = ['mes/module', 'module'].flatMap((top) => readdirSync(join(tree, top), { recursive: true }).map(String).filter((f) => statSync(join(tree, top, f)).isFile()).map((f) => ({ top, f })));
    expect(modules.slice().sort()).toEqual(inTarball.map(({ f }) => f).sort());
    for (const { top, f } of inTarball) {
      expect({ f, same: (await readFile(join(tree, top, f))).equals(await readFile(join(prefix, MODULE_PREFIX, f))) }).toEqual({ f, same: true });
    }
  });
});

describe('mes runs Scheme programs, with the results their headers state', () => {
  const programs = readdirSync(PROGRAMS).filter((f) => f.endsWith('.scm'));

  it('has the programs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(8);
  });

  for (const program of programs) {
    it(program, async () => {
      const header = readHeader(join(PROGRAMS, program));
      const run = await execa(mes, [program], { cwd: PROGRAMS, env: environment(), extendEnv: false, reject: false, stripFinalNewline: false });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(header.stdout);
      expect(run.exitCode).toBe(header.exitCode);
    });
  }

  it('reads a program from its standard input', async () => {
    const run = await execa(mes, [], { input: '(display (* 6 7)) (newline)', env: environment(), extendEnv: false, reject: false });
    expect(run.stdout).toBe('42');
    expect(run.exitCode).toBe(0);
  });

  it('reports an error in the program and exits non-zero', async () => {
    const run = await execa(mes, [], { input: '(display "start") (car 5)', env: environment(), extendEnv: false, reject: false });
    expect(run.stdout).toBe('start');
    expect(run.stderr).toContain('unhandled exception: not-a-pair: ((5 . car))');
    expect(run.exitCode).not.toBe(0);
  });

  it('fails plainly without its modules', async () => {
    const run = await execa(mes, [], { input: '(display 1)', env: { MES_PREFIX: join(work, 'nowhere') }, extendEnv: false, reject: false, cwd: work });
    expect(run.stderr).toContain('mes: boot failed: no such file: boot-0.scm');
    expect(run.exitCode).toBe(1);
  });
});

describe("Mes's own test suite (tests/*.test of the same tarball) passes with the chain's mes", () => {
  // Each test file is a shell script that runs $MES on itself and prints "passed: N" and
  // "failed: N" (and "expect: N" when some failures are expected, as perform.test's timing is).
  // The environment is the one Mes's own check.sh sets (the heap and stack sizes; match.test
  // needs the larger heap, with Debian's gcc-built mes 0.24.2 too), plus GUILE_LOAD_PATH, which
  // some modules read without a default.
  it.skipIf(TARBALL === undefined)('every test file', async () => {
    const tree = join(work, 'suite', 'mes-0.24.2');
    await mkdir(dirname(tree), { recursive: true });
    await execa('tar', ['-xzf', TARBALL ?? '', '-C', dirname(tree)]);
    const tests = readdirSync(join(tree, 'tests')).filter((f) => f.endsWith('.test'));
    const suiteEnvironment = { ...environment(), MES_ARENA: '20000000', MES_MAX_ARENA: '20000000', MES_STACK: '5000000', GUILE_LOAD_PATH: join(prefix, MODULE_PREFIX), MES: mes, PATH: '/usr/bin:/bin' };
    expect(tests.length).toBe(33);
    let passed = 0;
    for (const test of tests) {
      const run = await execa('sh', [join('tests', test)], { cwd: tree, env: suiteEnvironment, extendEnv: false, reject: false });
      const count = (key: string): number => Number(run.stdout.match(new RegExp(`^${key}: (\\d+)$`, 'm'))?.[1] ?? 0);
      expect({ test, exitCode: run.exitCode, unexpectedFailures: count('failed') - count('expect') }).toEqual({ test, exitCode: 0, unexpectedFailures: 0 });
      passed += count('passed');
    }
    expect(passed).toBeGreaterThanOrEqual(400);
  }, 600_000);
});
