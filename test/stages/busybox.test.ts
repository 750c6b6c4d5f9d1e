// Stage 17-busybox in the real chain, run by kindling under bubblewrap: BusyBox 1.35.0 compiled
// by the chain's tcc against the chain's musl. Each applet a configure script and a Makefile
// need runs here on a small input, with an empty environment in a scratch directory, and must
// give the output written below (what POSIX and GNU's tools give for the same command).
import { mkdtemp, readFile, rm, writeFile, mkdir, stat, readlink, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOutput } from '../support/amd64.js';
import { chainOutputWithSources } from '../programs/unpack/tools.js';

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
