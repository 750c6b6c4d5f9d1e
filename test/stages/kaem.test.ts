// The chain's kaem (stage 18-kaem) and the audit's kaem reader (src/audit/scripts/kaem.ts) on the
// same scripts: the commands the runner runs — program and arguments, after variables, quotes,
// continuations, comments, cd and PATH — are the commands the reader reads, and a script the
// reader refuses, the runner refuses at the same line in the same words. The scripts run in a
// scratch directory whose programs are the host's `true` and `false` (they print nothing), with an
// empty environment, as in a stage.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kaemReader } from '../../src/audit/scripts/kaem.js';
import type { ScriptCommand } from '../../src/audit/scripts/script-reader.js';
import { ScriptSyntaxError } from '../../src/audit/scripts/script-reader.js';
import { chainOutput } from '../support/amd64.js';

let kaem: string;
let root = '';

const PROGRAMS = ['bin/tool', 'bin/fail', 'amd64/bin/hex2', 'amd64/bin/M1', 'amd64/bin/catm', 'tools/catm', 'bin/kaem'];

beforeAll(async () => {
  kaem = await chainOutput('kaem', 'bin/kaem');
  root = await realpath(await mkdtemp(join(tmpdir(), 'kindling-kaem-')));
  for (const program of PROGRAMS) {
    await mkdir(dirname(join(root, program)), { recursive: true });
    const from = program === 'bin/kaem' ? kaem : program === 'bin/fail' ? '/bin/false' : '/bin/true';
    await copyFile(from, join(root, program));
    await chmod(join(root, program), 0o755);
  }
});

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

/** Runs the chain's kaem on `script` (written at `name` in the root) as a stage would: root as working directory, no environment. */
async function runKaem(name: string, script: string, ...options: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  await writeFile(join(root, name), script);
  const result = spawnSync(join(root, 'bin/kaem'), [...options, '--file', name], { cwd: root, env: {}, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The commands the runner ran, from its trace (`+ /abs/program args`), as root-relative programs and their argument text. */
function traced(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('+ '))
    .map((line) => {
      const [program, ...args] = line.slice(2).split(' ');
      return [posix.relative(root, posix.normalize(program!)), ...args].join(' ');
    });
}

/** The same lines made from what the reader read: the program the runner finds first, arguments quoted as the trace quotes them. */
function read(commands: readonly ScriptCommand[]): string[] {
  return commands.map((c) => {
    const program = c.candidates?.find((candidate) => PROGRAMS.includes(candidate)) ?? c.program;
    const args = c.args.map((a) => (a === '' || /[ \t]/.test(a) ? `'${a}'` : a));
    return [program, ...args].join(' ');
  });
}

describe('kaem (chain stage 18) and the audit reader agree', () => {
  it('run and read the same commands from a script in the dialect', async () => {
    const script = [
      'set -ex',
      'ARCH="amd64"',
      'export BINDIR=${ARCH}/bin OTHER',
      'PATH=${BINDIR}:/nowhere',
      'echo "building for $ARCH"   # a comment after a command',
      '${BINDIR}/hex2 --architecture ${ARCH} \\',
      '    -f "a b.hex2" \\',
      "    -o '$not_expanded' \"\" x#y",
      'cd ${ARCH}',
      './bin/M1 -f x.M1 # a comment',
      'cd ..',
      'catm out/all a\tb',
      '# a comment line that ends in a backslash joins nothing \\',
      'bin/tool after-the-comment',
      'PATH=tools',
      'catm from-tools',
      'unset PATH',
      'X=1',
      'bin/tool $X${X} "${X}"\'${X}\'',
      '',
    ].join('\n');
    const ran = await runKaem('dialect.kaem', script);
    expect(ran.stderr).not.toContain('kaem:');
    expect(ran.status).toBe(0);
    expect(ran.stdout).toBe('building for amd64\n');
    const expected = read(kaemReader.read('dialect.kaem', script));
    expect(traced(ran.stderr)).toEqual(expected);
    // What the test expects the dialect to mean, spelled out once.
    expect(expected).toEqual([
      "amd64/bin/hex2 --architecture amd64 -f 'a b.hex2' -o $not_expanded '' x#y",
      'amd64/bin/M1 -f x.M1',
      'amd64/bin/catm out/all a b',
      'bin/tool after-the-comment',
      'tools/catm from-tools',
      'bin/tool 11 1${X}',
    ]);
  });

  it('a script run by the runner sees its caller’s variables and directory, as the reader passes them on', async () => {
    const inner = 'bin/tool $GREETING\ncd amd64\nbin/M1 inner\n';
    await writeFile(join(root, 'inner.kaem'), inner);
    const outer = 'GREETING=hello\nbin/kaem --verbose --file inner.kaem\nbin/tool outer\n';
    const ran = await runKaem('outer.kaem', outer, '--verbose');
    expect(ran.status).toBe(0);
    const commands = kaemReader.read('outer.kaem', outer);
    const nested = kaemReader.read('inner.kaem', inner, commands[0]!.state);
    // The caller's `cd` is its own: the runner's does not leak back to its caller.
    expect(traced(ran.stderr)).toEqual(read([commands[0]!, ...nested, commands[1]!]));
  });

  const refused: [string, string][] = [
    ['an unset variable', 'bin/tool ok\nbin/tool ${UNSET}/y\n'],
    ['an open double quote', 'A=1\nbin/tool "open\n'],
    ['an open single quote', "bin/tool 'open\n"],
    ['an open quote on a continued line (named by the line it starts on)', 'bin/tool \\\n  "open\n'],
    ['a $ with no name', 'bin/tool cost$\n'],
    ['an unclosed ${', 'A=1\nbin/tool ${A\n'],
    ['cd with two directories', 'cd a b\n'],
    ['an unknown set option', 'set -u\n'],
    ['an assignment before a command', 'CC=tcc bin/tool\n'],
    ['a variable unset before it is used', 'A=1\nunset A\nbin/tool $A\n'],
  ];
  it.each(refused)('refuse %s at the same line in the same words', async (_what, script) => {
    let message = '';
    try {
      kaemReader.read('refused.kaem', script);
    } catch (error) {
      if (!(error instanceof ScriptSyntaxError)) throw error;
      message = error.message;
    }
    expect(message).not.toBe('');
    const ran = await runKaem('refused.kaem', script);
    expect(ran.status).toBe(1);
    expect(ran.stderr.trimEnd().split('\n').pop()).toBe(`kaem: ${message}`);
  });
});

describe('kaem (chain stage 18) runs scripts', () => {
  it('stops at a command that fails, naming it and its status; set +e goes on', async () => {
    const strict = await runKaem('strict.kaem', 'bin/tool\nbin/fail\necho not reached\n');
    expect(strict.status).toBe(1);
    expect(strict.stderr.trim()).toBe('kaem: strict.kaem:2: \'bin/fail\' exited with status 1');
    expect(strict.stdout).toBe('');
    const lenient = await runKaem('lenient.kaem', 'set +e\nbin/fail\necho reached\n');
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toBe('reached\n');
  });

  it('names a program it cannot find, in PATH or at its path, and an unknown option', async () => {
    const lookup = await runKaem('lookup.kaem', 'PATH=nowhere:tools\ncatm x\nnothing\n');
    expect(lookup.stderr.trim()).toBe("kaem: lookup.kaem:3: 'nothing' is in no directory of PATH");
    expect(lookup.status).toBe(1);
    const missing = await runKaem('missing.kaem', 'bin/absent\n');
    expect(missing.stderr.trim()).toBe("kaem: missing.kaem:1: cannot run 'bin/absent': no such executable file");
    const option = spawnSync(kaem, ['--quiet', 'x.kaem'], { env: {}, encoding: 'utf8' });
    expect([option.status, option.stderr.trim()]).toEqual([2, "kaem: unknown option '--quiet'"]);
  });
});
