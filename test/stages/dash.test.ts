// Stage 16-dash in the real chain, run by kindling under bubblewrap: dash 0.5.12 compiled by the
// chain's TinyCC with the chain's C library, with no make and no shell. Here the chain's dash runs
// shell scripts (test/stages/dash-scripts) and must print, to both streams, what the host's dash
// prints for them and exit with the same status. And mktables, which stands in for dash's two
// shell-script generators in the stage, must write what those scripts write when the host's sh
// runs them. The host's dash, sh, gcc and tar are only yardsticks; nothing here enters the chain.
import { readdirSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMD64_CHAIN } from '../support/amd64.js';
import { chainOutputWithSources, distfile } from '../programs/unpack/tools.js';

const STAGE_DIR = join(AMD64_CHAIN, '16-dash');
const SCRIPTS = join(import.meta.dirname, 'dash-scripts');
const HOST_DASH = '/usr/bin/dash';

let work: string;
let dash: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-dash-'));
  dash = await chainOutputWithSources('dash', 'bin/dash');
}, 1_800_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface ShellRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
}

/**
 * Runs `shell script` in a fresh directory holding only the script (also its HOME), with a fixed
 * environment; that directory's path reads DIR in what it prints, so two runs can be compared.
 */
async function runScript(shell: string, script: string, label: string): Promise<ShellRun> {
  const dir = join(work, `${label}-${script}`);
  await mkdir(dir);
  await copyFile(join(SCRIPTS, script), join(dir, script));
  const run = await execa(shell, [script], {
    cwd: dir,
    reject: false,
    env: { PATH: '/usr/bin:/bin', HOME: dir, LC_ALL: 'C' },
    extendEnv: false,
    timeout: 60_000,
  });
  const neutral = (text: string): string => text.split(dir).join('DIR');
  return { stdout: neutral(run.stdout), stderr: neutral(run.stderr), exitCode: run.exitCode };
}

describe("the chain's dash runs scripts as the host's dash does", () => {
  const scripts = readdirSync(SCRIPTS).filter((name) => name.endsWith('.sh')).sort();

  it('has a script for each feature the stage promises', () => {
    expect(scripts).toEqual([
      'builtins.sh', 'case.sh', 'functions.sh', 'heredocs.sh', 'loops.sh', 'misc.sh', 'pipes.sh', 'redirections.sh', 'status.sh', 'traps.sh', 'vars.sh',
    ]);
  });

  for (const script of scripts) {
    it(`${script}: same output, same errors, same exit status`, async () => {
      const host = await runScript(HOST_DASH, script, 'host');
      const chain = await runScript(dash, script, 'chain');
      expect(host.stdout.length).toBeGreaterThan(0);
      expect(chain).toEqual(host);
    }, 120_000);
  }

  it('runs traps, exit statuses and signal names as written (not only as the host does)', async () => {
    const traps = await runScript(dash, 'traps.sh', 'expected');
    expect(traps.exitCode).toBe(4);
    expect(traps.stdout.split('\n')).toEqual(expect.arrayContaining(['got USR1', 'got INT', 'function trap TERM', 'TERM', 'INT', '65', 'exiting with 4']));
    const status = await runScript(dash, 'status.sh', 'expected');
    expect(status.exitCode).toBe(9);
    expect(status.stdout.split('\n').slice(0, 6)).toEqual(['0', '1', '42', '127', 'elif-taken', '5']);
  }, 120_000);

  it('reads a script on its standard input and a command with -c', async () => {
    const piped = await execa(dash, [], { input: 'x=4\necho $((x * x))\n', reject: false });
    expect(piped.stdout).toBe('16');
    const command = await execa(dash, ['-c', 'echo "$0 $1"; exit 3', 'zero', 'one'], { reject: false });
    expect(command.stdout).toBe('zero one');
    expect(command.exitCode).toBe(3);
  });
});

describe('untar-v7', () => {
  /** untar-v7 built by the host's gcc, and the release's archive, decompressed by the host. */
  async function prepare(): Promise<{ untar: string; archive: Buffer }> {
    const untar = join(work, 'untar-v7');
    await execa('gcc', ['-std=c99', '-Wall', '-Werror', '-o', untar, join(STAGE_DIR, 'untar-v7.c')]);
    const archive = (await execa('gzip', ['-dc', distfile('dash-0.5.12.tar.gz')], { encoding: 'buffer' })).stdout;
    return { untar, archive: Buffer.from(archive) };
  }

  it("extracts dash's old-format archive as the host's tar does", async () => {
    const { untar, archive } = await prepare();
    await writeFile(join(work, 'good.tar'), archive);
    await mkdir(join(work, 'by-host'));
    await execa('tar', ['-xf', join(work, 'good.tar'), '-C', join(work, 'by-host')]);
    await execa(untar, [join(work, 'good.tar'), join(work, 'by-untar-v7')]);
    const diff = await execa('diff', ['-r', join(work, 'by-host'), join(work, 'by-untar-v7')], { reject: false });
    expect(diff.stdout).toBe('');
    expect(diff.exitCode).toBe(0);
  }, 60_000);

  it('stops at a damaged header or a cut-short archive, naming the archive and the byte', async () => {
    const { untar, archive } = await prepare();
    const corrupt = Buffer.from(archive);
    corrupt.writeUInt8(corrupt.readUInt8(512 + 10) ^ 0x20, 512 + 10); // a letter of the second entry's name: its checksum no longer holds
    await writeFile(join(work, 'corrupt.tar'), corrupt);
    const bad = await execa(untar, [join(work, 'corrupt.tar'), join(work, 'out-corrupt')], { reject: false });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toBe(`untar-v7: ${join(work, 'corrupt.tar')}: bad header checksum at byte 512`);
    await writeFile(join(work, 'short.tar'), archive.subarray(0, 512 + 512 + 100));
    const short = await execa(untar, [join(work, 'short.tar'), join(work, 'out-short')], { reject: false });
    expect(short.exitCode).toBe(1);
    expect(short.stderr).toBe(`untar-v7: ${join(work, 'short.tar')}: cut short inside a file at byte 1024`);
  }, 60_000);
});

describe('mktables', () => {
  it("writes, byte for byte, what dash's mktokens and mkbuiltins write when the host's sh runs them", async () => {
    const source = join(work, 'source');
    await mkdir(source);
    await execa('tar', ['-xzf', distfile('dash-0.5.12.tar.gz'), '-C', source]);
    const src = join(source, 'dash-0.5.12', 'src');
    // builtins.def as the stage makes it: builtins.def.in through the preprocessor with config.h.
    await execa('gcc', ['-E', '-P', '-x', 'c', '-include', join(STAGE_DIR, 'config.h'), join(src, 'builtins.def.in'), '-o', join(src, 'builtins.def')]);
    const upstream = join(work, 'upstream');
    const ours = join(work, 'ours');
    await mkdir(upstream);
    await mkdir(ours);
    await execa('sh', [join(src, 'mktokens')], { cwd: upstream, env: { TMPDIR: upstream } });
    await execa('sh', [join(src, 'mkbuiltins'), join(src, 'builtins.def')], { cwd: upstream, env: { TMPDIR: upstream } });
    const mktables = join(work, 'mktables');
    await execa('gcc', ['-std=c99', '-Wall', '-Werror', '-o', mktables, join(STAGE_DIR, 'mktables.c')]);
    await execa(mktables, ['tokens', join(src, 'mktokens')], { cwd: ours });
    await execa(mktables, ['builtins', join(src, 'builtins.def')], { cwd: ours });
    for (const file of ['token.h', 'token_vars.h', 'builtins.c', 'builtins.h']) {
      const expected = await readFile(join(upstream, file), 'utf8');
      expect(expected.length).toBeGreaterThan(100);
      expect(await readFile(join(ours, file), 'utf8'), file).toBe(expected);
    }
  }, 120_000);

  it('refuses a token list it cannot find, naming the file', async () => {
    const bad = join(work, 'no-tokens');
    await writeFile(bad, '#!/bin/sh\necho nothing here\n');
    const mktables = join(work, 'mktables-bad');
    await execa('gcc', ['-std=c99', '-o', mktables, join(STAGE_DIR, 'mktables.c')]);
    const run = await execa(mktables, ['tokens', bad], { cwd: work, reject: false });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(`mktables: ${bad}: no token list (a here-document from <<\\! to !)`);
  });
});
