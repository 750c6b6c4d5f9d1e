// Stage 17-busybox in the real chain, run by kindling under bubblewrap: BusyBox 1.35.0 compiled
// by the chain's tcc against the chain's musl. Each applet a configure script and a Makefile
// need runs here on a small input, with an empty environment in a scratch directory, and must
// give the output written below (what POSIX and GNU's tools give for the same command). The
// headers the stage generated (bbgen, from busybox.config) are compared with those BusyBox's own
// build (kconfig, its scripts, the host's make and gcc) generates from the same configuration;
// and a corrupt tarball given to a copy of the chain fails the stage with bunzip2's message.
import { mkdtemp, readFile, rm, writeFile, mkdir, stat, readlink, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { sha256File } from '../../src/digest.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { AMD64_CHAIN, SHARED_STORE, chainOutput, copyChains } from '../support/amd64.js';
import { chainOutputWithSources, distfile } from '../programs/unpack/tools.js';

const CONFIG = join(AMD64_CHAIN, '17-busybox', 'busybox.config');

let work: string;
let busybox: string;
let path: string;

beforeAll(async () => {
  busybox = await chainOutputWithSources('busybox', 'bin/busybox');
  work = await mkdtemp(join(tmpdir(), 'kindling-busybox-'));
  // The only programs on PATH: links to the chain's busybox (tar -z runs gzip by its name).
  path = await mkdtemp(join(tmpdir(), 'kindling-busybox-path-'));
  for (const name of ['gzip', 'gunzip', 'cat', 'echo', 'printenv']) await symlink(busybox, join(path, name));
}, 1_800_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
  await rm(path, { recursive: true, force: true });
});

interface Run {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one applet in the scratch directory, its environment only a PATH of busybox links. */
async function applet(name: string, args: readonly string[], input = ''): Promise<Run> {
  const result = await execa(busybox, [name, ...args], {
    cwd: work,
    env: { PATH: path },
    extendEnv: false,
    input,
    reject: false,
    stripFinalNewline: false,
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function expectOutput(name: string, args: readonly string[], input: string, stdout: string): Promise<void> {
  const result = await applet(name, args, input);
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe(stdout);
  expect(result.exitCode).toBe(0);
}

describe('the stage', () => {
  it('lists every applet the configuration asks for, each with its directory, for templates', async () => {
    const list = (await readFile(await chainOutput('busybox', 'share/busybox/applets'), 'utf8')).trim().split('\n');
    const names = list.map((line) => line.split('/').pop());
    for (const wanted of [
      'sed', 'grep', 'egrep', 'fgrep', 'awk', 'tr', 'cat', 'cp', 'mv', 'rm', 'rmdir', 'mkdir', 'chmod', 'ln', 'ls',
      'expr', 'test', '[', 'sort', 'uniq', 'head', 'tail', 'wc', 'cmp', 'diff', 'touch', 'env', 'basename', 'dirname',
      'find', 'xargs', 'tar', 'gzip', 'gunzip', 'zcat', 'printf', 'echo', 'true', 'false', 'pwd', 'sleep', 'date',
      'uname', 'cut', 'od', 'mktemp', 'readlink', 'install',
    ])
      expect(names).toContain(wanted);
    expect(names).not.toContain('sh');
    for (const line of list) expect(line).toMatch(/^(usr\/)?s?bin\/[^/]+$/);
  });

  it('prints its version with the chain\'s mark, no build date', async () => {
    const result = await execa(busybox, [], { reject: false, env: {}, extendEnv: false });
    expect(String(result.stdout)).toMatch(/^BusyBox v1\.35\.0 \(kindling\) multi-call binary\./);
  });
});

describe('text tools', () => {
  it('sed: substitution, addresses, -n with p, -e twice, a hold-space swap', async () => {
    await expectOutput('sed', ['s/o/0/g'], 'foo\nbar\n', 'f00\nbar\n');
    await expectOutput('sed', ['-n', '2,3p'], 'a\nb\nc\nd\n', 'b\nc\n');
    await expectOutput('sed', ['-e', 's/a/b/', '-e', 's/b/c/'], 'a\n', 'c\n');
    await expectOutput('sed', ['-n', '1h;2{x;p;x;p}'], 'one\ntwo\n', 'one\ntwo\n');
    await expectOutput('sed', ['s/\\(x*\\)y/[\\1]/'], 'xxy\n', '[xx]\n');
  });

  it('grep, egrep, fgrep: basic, extended and fixed patterns; -c, -v, -q status', async () => {
    await expectOutput('grep', ['b.r'], 'foo\nbar\nbaz\n', 'bar\n');
    await expectOutput('grep', ['-E', '^(foo|baz)$'], 'foo\nbar\nbaz\n', 'foo\nbaz\n');
    await expectOutput('egrep', ['a+z'], 'foo\nbaaz\n', 'baaz\n');
    await expectOutput('fgrep', ['a.'], 'a.b\nab\n', 'a.b\n');
    await expectOutput('grep', ['-c', '-v', 'o'], 'foo\nbar\nbaz\n', '2\n');
    expect((await applet('grep', ['-q', 'nothing'], 'foo\n')).exitCode).toBe(1);
  });

  it('awk: fields, arithmetic, printf, arrays, -F, BEGIN/END', async () => {
    await expectOutput('awk', ['{ print $2, NF }'], 'a b c\nd e\n', 'b 3\ne 2\n');
    await expectOutput('awk', ['-F:', '{ s += $2 } END { printf "%d %.2f\\n", s, s / NR }'], 'x:1\ny:2\n', '3 1.50\n');
    await expectOutput('awk', ['{ n[$1]++ } END { for (k in n) if (n[k] > 1) print k }'], 'a\nb\na\n', 'a\n');
    await expectOutput('awk', ['BEGIN { print length("hello"), substr("hello", 2, 3), toupper("x") }'], '', '5 ell X\n');
  });

  it('tr, cut, sort, uniq, head, tail, wc', async () => {
    await expectOutput('tr', ['a-z', 'A-Z'], 'hello\n', 'HELLO\n');
    await expectOutput('tr', ['-d', '[:digit:]'], 'a1b2\n', 'ab\n');
    await expectOutput('cut', ['-d:', '-f2'], 'a:b:c\n', 'b\n');
    await expectOutput('sort', [], 'b\nc\na\n', 'a\nb\nc\n');
    await expectOutput('sort', ['-n', '-r'], '10\n9\n100\n', '100\n10\n9\n');
    await expectOutput('sort', ['-t:', '-k2,2n'], 'x:3\ny:1\nz:2\n', 'y:1\nz:2\nx:3\n');
    await expectOutput('uniq', ['-c'], 'a\na\nb\n', '      2 a\n      1 b\n');
    await expectOutput('head', ['-n', '2'], '1\n2\n3\n', '1\n2\n');
    await expectOutput('tail', ['-n', '1'], '1\n2\n3\n', '3\n');
    await expectOutput('tail', ['-n', '+2'], '1\n2\n3\n', '2\n3\n');
    await expectOutput('wc', ['-l'], '1\n2\n3\n', '3\n');
    await expectOutput('wc', ['-c'], 'abc\n', '4\n');
  });

  it('od, printf, echo, expr, basename, dirname', async () => {
    await expectOutput('od', ['-A', 'n', '-t', 'x1'], 'AB\n', ' 41 42 0a\n');
    await expectOutput('od', ['-c'], 'hi\n', '0000000   h   i  \\n\n0000003\n');
    await expectOutput('printf', ['%s-%03d-%x\\n', 'a', '7', '255'], '', 'a-007-ff\n');
    await expectOutput('echo', ['-n', 'no newline'], '', 'no newline');
    await expectOutput('expr', ['6', '*', '7'], '', '42\n');
    await expectOutput('expr', ['abcdef', ':', 'ab\\(.*\\)e'], '', 'cd\n');
    expect((await applet('expr', ['0', '+', '0'])).exitCode).toBe(1);
    await expectOutput('basename', ['/a/b/c.txt', '.txt'], '', 'c\n');
    await expectOutput('dirname', ['/a/b/c.txt'], '', '/a/b\n');
  });

  it('test and [: strings, numbers, files; true and false', async () => {
    expect((await applet('test', ['abc', '=', 'abc'])).exitCode).toBe(0);
    expect((await applet('test', ['3', '-lt', '2'])).exitCode).toBe(1);
    expect((await applet('[', ['-d', '.', ']'])).exitCode).toBe(0);
    expect((await applet('[', ['-f', 'missing', ']'])).exitCode).toBe(1);
    expect((await applet('true', [])).exitCode).toBe(0);
    expect((await applet('false', [])).exitCode).toBe(1);
  });

  it('cmp and diff: same and different files', async () => {
    await writeFile(join(work, 'one.txt'), 'a\nb\nc\n');
    await writeFile(join(work, 'two.txt'), 'a\nB\nc\n');
    expect((await applet('cmp', ['-s', 'one.txt', 'one.txt'])).exitCode).toBe(0);
    const cmp = await applet('cmp', ['one.txt', 'two.txt']);
    expect(cmp.exitCode).toBe(1);
    expect(cmp.stdout).toBe('one.txt two.txt differ: char 3, line 2\n');
    const diff = await applet('diff', ['-u', 'one.txt', 'two.txt']);
    expect(diff.exitCode).toBe(1);
    expect(diff.stdout.split('\n').slice(2).join('\n')).toBe('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
  });
});

describe('file tools', () => {
  it('mkdir -p, touch, cp, mv, ln -s, readlink, chmod, ls, rm, rmdir', async () => {
    expect((await applet('mkdir', ['-p', 'd/e/f'])).exitCode).toBe(0);
    expect((await applet('touch', ['d/file'])).exitCode).toBe(0);
    await writeFile(join(work, 'd', 'file'), 'content\n');
    expect((await applet('cp', ['d/file', 'd/e/copy'])).exitCode).toBe(0);
    expect(await readFile(join(work, 'd', 'e', 'copy'), 'utf8')).toBe('content\n');
    expect((await applet('mv', ['d/e/copy', 'd/moved'])).exitCode).toBe(0);
    expect(await readFile(join(work, 'd', 'moved'), 'utf8')).toBe('content\n');
    expect((await applet('ln', ['-s', 'moved', 'd/link'])).exitCode).toBe(0);
    expect(await readlink(join(work, 'd', 'link'))).toBe('moved');
    await expectOutput('readlink', ['d/link'], '', 'moved\n');
    expect((await applet('chmod', ['+x', 'd/moved'])).exitCode).toBe(0);
    expect((await stat(join(work, 'd', 'moved'))).mode & 0o111).toBe(0o111);
    await expectOutput('ls', ['d'], '', 'e\nfile\nlink\nmoved\n');
    expect((await applet('rm', ['-f', 'd/link', 'd/missing'])).exitCode).toBe(0);
    expect((await applet('rmdir', ['d/e/f'])).exitCode).toBe(0);
    await expectOutput('ls', ['d/e'], '', '');
    expect((await applet('rm', ['-rf', 'd'])).exitCode).toBe(0);
    expect((await applet('ls', ['d'])).exitCode).not.toBe(0);
  });

  it('install -m, mktemp -d, find with -name/-type/-exec, xargs', async () => {
    await mkdir(join(work, 'tree', 'sub'), { recursive: true });
    await writeFile(join(work, 'tree', 'a.c'), 'x');
    await writeFile(join(work, 'tree', 'sub', 'b.c'), 'y');
    await writeFile(join(work, 'tree', 'sub', 'c.h'), 'z');
    expect((await applet('install', ['-m', '755', 'tree/a.c', 'installed'])).exitCode).toBe(0);
    expect((await stat(join(work, 'installed'))).mode & 0o777).toBe(0o755);
    const temp = await applet('mktemp', ['-d', `${work}/tmp.XXXXXX`]);
    expect(temp.exitCode).toBe(0);
    expect((await stat(temp.stdout.trim())).isDirectory()).toBe(true);
    const found = await applet('find', ['tree', '-name', '*.c', '-type', 'f']);
    expect(found.stdout.trim().split('\n').sort()).toEqual(['tree/a.c', 'tree/sub/b.c']);
    await expectOutput('find', ['tree/sub', '-name', 'c.h', '-exec', 'cat', '{}', ';'], '', 'z');
    await expectOutput('xargs', ['-n', '2', 'echo'], 'a b c\n', 'a b\nc\n');
  });

  it('tar with gzip: creates an archive, lists it, extracts it; gzip, gunzip and zcat', async () => {
    await mkdir(join(work, 'pack', 'in'), { recursive: true });
    await writeFile(join(work, 'pack', 'in', 'one.txt'), 'one\n');
    expect((await applet('tar', ['-czf', 'pack/a.tar.gz', '-C', 'pack', 'in'])).exitCode).toBe(0);
    const listed = await applet('tar', ['-tzf', 'pack/a.tar.gz']);
    expect(listed.stdout.trim().split('\n').sort()).toEqual(['in/', 'in/one.txt']);
    await mkdir(join(work, 'unpacked'));
    expect((await applet('tar', ['-xzf', 'pack/a.tar.gz', '-C', 'unpacked'])).exitCode).toBe(0);
    expect(await readFile(join(work, 'unpacked', 'in', 'one.txt'), 'utf8')).toBe('one\n');
    await writeFile(join(work, 'plain.txt'), 'squeeze me\n');
    expect((await applet('gzip', ['plain.txt'])).exitCode).toBe(0);
    await expectOutput('zcat', ['plain.txt.gz'], '', 'squeeze me\n');
    expect((await applet('gunzip', ['plain.txt.gz'])).exitCode).toBe(0);
    expect(await readFile(join(work, 'plain.txt'), 'utf8')).toBe('squeeze me\n');
  });
});

describe('system tools', () => {
  it('env, pwd, sleep, date, uname', async () => {
    await expectOutput('env', ['-i', 'A=1', `${path}/printenv`, 'A'], '', '1\n');
    await expectOutput('pwd', [], '', `${work}\n`);
    expect((await applet('sleep', ['0.1'])).exitCode).toBe(0);
    await expectOutput('date', ['-u', '-d', '@86400', '+%Y-%m-%d %H:%M:%S'], '', '1970-01-02 00:00:00\n');
    await expectOutput('uname', ['-s'], '', 'Linux\n');
  });
});

/** The definitions of an autoconf.h, whatever their order: CONFIG_X (value or #undef), ENABLE_X, IF_X. */
function definitions(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split('\n')) {
    const define = /^#define (CONFIG_\w+|ENABLE_\w+) (.*)$/.exec(line);
    if (define !== null) found.set(define[1] ?? '', define[2] ?? '');
    const undef = /^#undef (CONFIG_\w+)$/.exec(line);
    if (undef !== null) found.set(undef[1] ?? '', 'undefined');
    const when = /^#?\s*define (IF_(?:NOT_)?\w+)\(\.\.\.\)(.*)$/.exec(line);
    if (when !== null && !/"CONFIG_/.test(line)) found.set(when[1] ?? '', (when[2] ?? '').trim());
  }
  return found;
}

describe("the generated headers, against BusyBox's own build on the host", () => {
  let reference: string;

  beforeAll(async () => {
    // The host's kconfig reads busybox.config over allnoconfig's .config; its scripts and gcc
    // generate the headers, as `make` would before compiling.
    const tree = join(work, 'reference');
    await mkdir(tree);
    await execa('tar', ['-xjf', distfile('busybox-1.35.0.tar.bz2'), '-C', tree]);
    reference = join(tree, 'busybox-1.35.0');
    const quiet = { cwd: reference, input: '' } as const;
    await execa('make', ['allnoconfig'], quiet);
    const ours = new Map<string, string>();
    for (const line of (await readFile(CONFIG, 'utf8')).split('\n')) {
      const option = /^(CONFIG_\w+)=(.*)$/.exec(line);
      if (option !== null) ours.set(option[1] ?? '', option[2] ?? '');
    }
    const merged = (await readFile(join(reference, '.config'), 'utf8')).split('\n').map((line) => {
      const name = /^# (CONFIG_\w+) is not set$/.exec(line)?.[1] ?? /^(CONFIG_\w+)=/.exec(line)?.[1];
      if (name === undefined) return line;
      const value = ours.get(name);
      return value !== undefined ? `${name}=${value}` : `# ${name} is not set`;
    });
    await writeFile(join(reference, '.config'), merged.join('\n'));
    await execa('make', ['oldconfig'], quiet);
    await execa('make', ['include/autoconf.h'], quiet);
    await execa('make', ['applets/applet_tables', 'include/applet_tables.h', 'include/usage_compressed.h'], quiet);
  }, 600_000);

  it("busybox.config is what kconfig keeps: every option it sets stays, nothing else is switched on", async () => {
    const kept = (await readFile(join(reference, '.config'), 'utf8')).split('\n').filter((l) => /^CONFIG_/.test(l));
    const ours = (await readFile(CONFIG, 'utf8')).split('\n').filter((l) => /^CONFIG_/.test(l));
    expect(kept.sort()).toEqual(ours.sort());
  });

  it('autoconf.h: the same definition of every option (kconfig orders them by menu, bbgen by file)', async () => {
    const ours = definitions(await readFile(await chainOutput('busybox', 'share/busybox/generated/autoconf.h'), 'utf8'));
    const theirs = definitions(await readFile(join(reference, 'include', 'autoconf.h'), 'utf8'));
    expect(ours.size).toBeGreaterThan(3000);
    expect(ours).toEqual(theirs);
  });

  it('applets.h, usage.h, applet_tables.h, NUM_APPLETS.h: the same bytes', async () => {
    for (const name of ['applets.h', 'usage.h', 'applet_tables.h', 'NUM_APPLETS.h']) {
      const ours = await readFile(await chainOutput('busybox', `share/busybox/generated/${name}`), 'utf8');
      expect(ours, name).toBe(await readFile(join(reference, 'include', name), 'utf8'));
    }
  });

  it('usage_compressed.h: the same usage text and length (the bzip2 form is unused and left empty)', async () => {
    const upToPacked = (text: string): string => text.slice(0, text.indexOf('#define PACKED_USAGE'));
    const ours = await readFile(await chainOutput('busybox', 'share/busybox/generated/usage_compressed.h'), 'utf8');
    const theirs = await readFile(join(reference, 'include', 'usage_compressed.h'), 'utf8');
    expect(ours).toContain('#define UNPACKED_USAGE_LENGTH ');
    expect(upToPacked(ours)).toBe(upToPacked(theirs));
  });
});

describe('a corrupt BusyBox tarball fails the stage with one line from bunzip2', () => {
  it('a flipped bit in a block', async () => {
    // A copy of the chain beside a link to the seeds; the stages before busybox are the shared
    // store's, so only this stage runs.
    const copy = copyChains(join(work, 'copy'));
    const stageDir = join(copy, '17-busybox');
    const bad = Buffer.from(await readFile(distfile('busybox-1.35.0.tar.bz2')));
    bad[300_000] = (bad[300_000] ?? 0) ^ 0x10;
    writeFileSync(join(stageDir, 'bad.tar.bz2'), bad);
    const manifest = readFileSync(join(stageDir, 'stage.yaml'), 'utf8');
    const source = /  - path: src\/busybox-1\.35\.0\.tar\.bz2\n(    [^\n]*\n)+/.exec(manifest);
    expect(source).not.toBeNull();
    const replaced = `  - { path: src/busybox-1.35.0.tar.bz2, file: bad.tar.bz2, sha256: "${await sha256File(join(stageDir, 'bad.tar.bz2'))}" }\n`;
    writeFileSync(join(stageDir, 'stage.yaml'), manifest.replace(source?.[0] ?? '', replaced));
    const chain = await loadChain(copy);
    const store = await Store.open(SHARED_STORE);
    const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), until: 'busybox' });
    const outcome = result.outcomes.get('busybox');
    expect(result.ok).toBe(false);
    const log = outcome?.status === 'failed' && outcome.logFile !== undefined ? readFileSync(outcome.logFile, 'utf8') : '';
    if (outcome?.status === 'failed' && outcome.workDir !== undefined) await rm(outcome.workDir, { recursive: true, force: true });
    expect(log).toContain('bunzip2: src/busybox-1.35.0.tar.bz2: corrupt data (a block or stream CRC does not match)\n');
  }, 600_000);
});
