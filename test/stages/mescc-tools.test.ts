// mescc-tools 1.4.0 as the chain builds it (stage 10-mescc-tools): upstream C from the release
// tarball and its M2libc, unpacked by the chain's gunzip and untar, compiled by the chain's cc,
// inside the sandbox. Here the programs it outputs are checked against the chain's own tools
// where the formats overlap: mescc-tools' hex2 reads the chain's hex2 format, and M1 reads M0
// text (DEFINE, strings without escapes, !N @N %N, 'HEX', labels and references). Each must
// give the same bytes as the chain's M0 and hex2 on the chain's own programs. Then kaem runs a
// script that assembles and runs a program with them, and blood-elf and get_machine do their
// jobs.
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/digest.js';
import { loadStage } from '../../src/manifest/stage.js';
import { AMD64_CHAIN, CC_B0_SOURCES, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';

const STAGE_DIR = join(AMD64_CHAIN, '10-mescc-tools');
const COMMON_DIR = join(AMD64_CHAIN, 'common');
const B0_DIR = join(AMD64_CHAIN, '06-b0');
const CC_DIR = join(AMD64_CHAIN, '07-cc');
const B0_PROGRAMS = join(REPO, 'test', 'programs', 'b0');
/** How mescc-tools is told the chain's target: amd64, little-endian, loaded at 0x600000. */
const TARGET = ['--little-endian', '--architecture', 'amd64'];
const BASE = ['--base-address', '0x600000'];

const elfHeader = (): string => readFileSync(join(COMMON_DIR, 'elf64.hex2'), 'latin1');
const elfEnd = (): string => readFileSync(join(COMMON_DIR, 'elf64-end.hex2'), 'latin1');

let work: string;
let built: { readonly m1: string; readonly hex2: string; readonly bloodElf: string; readonly kaem: string; readonly getMachine: string };
let chain: { readonly m0: string; readonly hex2: string; readonly catm: string; readonly b0: string; readonly cc: string };
let runs = 0;

async function run(tool: string, args: readonly string[]): Promise<void> {
  await execa(tool, args, { env: {}, extendEnv: false });
}

/** A file in the work directory holding text. */
async function file(name: string, text: string): Promise<string> {
  runs += 1;
  const path = join(work, `${runs}-${name}`);
  await writeFile(path, text, 'latin1');
  return path;
}

/** Links hex2 text (ELF header and end marker around it) with both hex2s; returns both results. */
async function linkBoth(hex2Text: string, name: string): Promise<{ readonly chain: Buffer; readonly mescc: Buffer }> {
  const linked = await file(`${name}.hex2`, elfHeader() + hex2Text + elfEnd());
  const byChain = `${linked}.chain`;
  const byMescc = `${linked}.mescc`;
  await run(chain.hex2, [linked, byChain]);
  await run(built.hex2, ['-f', linked, ...TARGET, ...BASE, '-o', byMescc]);
  return { chain: await readFile(byChain), mescc: await readFile(byMescc) };
}

/** Assembles M0 text with the chain's M0 and with M1, links both with the chain's hex2. */
async function assembleBoth(m0Text: string, name: string): Promise<{ readonly m0: Buffer; readonly m1: Buffer }> {
  const source = await file(`${name}.M0`, m0Text);
  await run(chain.m0, [source, `${source}.m0.hex2`]);
  await run(built.m1, ['-f', source, ...TARGET, '-o', `${source}.m1.hex2`]);
  const byM0 = await linkBoth(await readFile(`${source}.m0.hex2`, 'latin1'), `${name}-m0`);
  const byM1 = await linkBoth(await readFile(`${source}.m1.hex2`, 'latin1'), `${name}-m1`);
  return { m0: byM0.chain, m1: byM1.chain };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-mescc-tools-'));
  built = {
    m1: await chainOutput('mescc-tools', 'bin/M1'),
    hex2: await chainOutput('mescc-tools', 'bin/hex2'),
    bloodElf: await chainOutput('mescc-tools', 'bin/blood-elf'),
    kaem: await chainOutput('mescc-tools', 'bin/kaem'),
    getMachine: await chainOutput('mescc-tools', 'bin/get_machine'),
  };
  chain = {
    m0: await chainOutput('M0', 'bin/M0'),
    hex2: await chainOutput('hex2', 'bin/hex2'),
    catm: await chainOutput('catm', 'bin/catm'),
    b0: await chainOutput('b0', 'bin/b0'),
    cc: await chainOutput('cc', 'bin/cc'),
  };
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the stage', () => {
  it('outputs the five programs with the hashes its manifest declares, each of which runs', async () => {
    const stage = await loadStage(join(STAGE_DIR, 'stage.yaml'), AMD64_CHAIN);
    expect(stage.outputs.map((o) => o.path)).toEqual(['bin/M1', 'bin/hex2', 'bin/blood-elf', 'bin/kaem', 'bin/get_machine']);
    const programs = [built.m1, built.hex2, built.bloodElf, built.kaem, built.getMachine];
    for (const [i, output] of stage.outputs.entries()) expect(await sha256File(programs[i] ?? '')).toBe(output.sha256);
    const versions = await Promise.all(programs.map(async (p) => (await execa(p, ['--version'], { env: {}, extendEnv: false })).stdout));
    expect(versions.map((v) => v.split('\n')[0])).toEqual(['M1 1.4.0', 'hex2 1.4.0', 'blood-elf 2.0.0', 'kaem version 1.4.0', 'get_machine 1.4.0']);
  });
});

describe("mescc-tools' hex2 links the chain's hex2 programs to the chain's bytes", () => {
  it('catm (its hex2 source holds its own ELF header)', async () => {
    const source = join(AMD64_CHAIN, '04-catm', 'catm.hex2');
    const out = join(work, 'catm-by-mescc');
    await run(built.hex2, ['-f', source, ...TARGET, ...BASE, '-o', out]);
    expect(await readFile(out)).toEqual(await readFile(chain.catm));
  });

  it('M0 (between the ELF header and end marker)', async () => {
    const both = await linkBoth(readFileSync(join(AMD64_CHAIN, '05-M0', 'M0.hex2'), 'latin1'), 'M0');
    expect(both.mescc).toEqual(both.chain);
    expect(both.mescc).toEqual(await readFile(chain.m0));
  });

  it('b0 (the hex2 text the chain M0 makes of it)', async () => {
    const source = await file('b0.M0', readFileSync(join(B0_DIR, 'amd64.M0'), 'latin1') + readFileSync(join(B0_DIR, 'b0.M0'), 'latin1'));
    await run(chain.m0, [source, `${source}.hex2`]);
    const both = await linkBoth(await readFile(`${source}.hex2`, 'latin1'), 'b0');
    expect(both.mescc).toEqual(both.chain);
    expect(both.mescc).toEqual(await readFile(chain.b0));
  });

  it('refuses an undefined label, as the chain hex2 does', async () => {
    const source = await file('undefined.hex2', ':start\n%nowhere\n');
    const mescc = await execa(built.hex2, ['-f', source, ...TARGET, ...BASE, '-o', `${source}.out`], { reject: false, env: {}, extendEnv: false });
    const ours = await execa(chain.hex2, [source, `${source}.chain`], { reject: false, env: {}, extendEnv: false });
    expect(mescc.exitCode).not.toBe(0);
    expect(ours.exitCode).not.toBe(0);
  });
});

describe('M1 assembles M0 text to the bytes the chain M0 gives', () => {
  it('every feature the two formats share', async () => {
    // M1 has no string escapes, and a DEFINE applies to every use of its name (in M0 a later
    // DEFINE overrides from that point on): both are left out here.
    const text = [
      'DEFINE nop 90', 'DEFINE mov_eax, B8', 'DEFINE ret C3', ':_start',
      'nop mov_eax, %42 mov_eax, %-1 mov_eax, %0x7fffffff  # comment',
      '!5 !-128 !0xff @1000 @-2 @0xFFFF %123456 ; another comment',
      "'DEADBEEF' \"hello\" \"a b\" \"x\" \"\"",
      ':here', '%here !here @here &here %_start &_start @_start', 'nop ret', ':end_label', '',
    ].join('\n');
    const both = await assembleBoth(text, 'features');
    expect(both.m1).toEqual(both.m0);
    // And what it is: nop, mov eax, 42, ... (the ELF header is 120 bytes).
    expect(both.m1.subarray(120, 126)).toEqual(Buffer.from([0x90, 0xb8, 42, 0, 0, 0]));
  });

  it('cc compiled by itself: its M0 (after the b0 and cc macros) gives cc', async () => {
    const sources = CC_B0_SOURCES;
    const out = join(work, 'cc.M0');
    await run(chain.cc, ['--b0', join(B0_DIR, 'rt.b0'), ...sources, out]);
    const macros = readFileSync(join(B0_DIR, 'amd64.M0'), 'latin1') + readFileSync(join(CC_DIR, 'cc.M0'), 'latin1');
    const both = await assembleBoth(macros + (await readFile(out, 'latin1')), 'cc');
    expect(both.m1).toEqual(both.m0);
    expect(both.m1).toEqual(await readFile(chain.cc));
  }, 120_000);

  const programs = readdirSync(B0_PROGRAMS).filter((f) => f.endsWith('.b0'));
  it(`the ${programs.length} b0 test programs, compiled by the chain's b0`, async () => {
    expect(programs.length).toBeGreaterThanOrEqual(10);
    for (const program of programs) {
      const out = join(work, `${program}.M0`);
      await run(chain.b0, [join(B0_DIR, 'rt.b0'), join(B0_PROGRAMS, program), out]);
      const both = await assembleBoth(readFileSync(join(B0_DIR, 'amd64.M0'), 'latin1') + (await readFile(out, 'latin1')), program);
      expect({ program, same: both.m1.equals(both.m0) }).toEqual({ program, same: true });
    }
  }, 120_000);

  it('refuses an undefined word naming it and its line, as the chain M0 does', async () => {
    const source = await file('undefined.M0', 'DEFINE nop 90\nnop undefined_word\n');
    const m0 = await execa(chain.m0, [source, `${source}.hex2`], { reject: false, env: {}, extendEnv: false });
    const m1 = await execa(built.m1, ['-f', source, ...TARGET, '-o', `${source}.m1.hex2`], { reject: false, env: {}, extendEnv: false });
    expect(m0.exitCode).not.toBe(0);
    expect(m1.exitCode).not.toBe(0);
    expect(m0.stderr).toContain('undefined_word');
    expect(m1.stderr).toContain(`${source}:2 :Received invalid other; undefined_word`);
  });
});

describe('kaem, built from mescc-tools, runs a script', () => {
  it('with variables, built-ins and programs: assembles, links and runs a program with M1 and hex2', async () => {
    const dir = await mkdtemp(join(work, 'kaem-'));
    // exit(7) by the exit system call: mov eax, 60; mov edi, 7; syscall.
    await writeFile(join(dir, 'exit7.M1'), 'DEFINE mov_eax, B8\nDEFINE mov_edi, BF\nDEFINE syscall 0F05\n:_start\nmov_eax, %60 mov_edi, %7 syscall\n');
    await writeFile(join(dir, 'header.hex2'), elfHeader());
    await writeFile(join(dir, 'end.hex2'), elfEnd());
    const script = [
      'ARCH=amd64',
      `M1 -f exit7.M1 --little-endian --architecture \${ARCH} -o exit7.hex2`,
      `${chain.catm} linked.hex2 header.hex2 exit7.hex2 end.hex2`,
      `hex2 -f linked.hex2 --little-endian --architecture \${ARCH} --base-address 0x600000 -o exit7`,
      'echo built for ${ARCH}',
      'get_machine',
      '',
    ].join('\n');
    await writeFile(join(dir, 'build.kaem'), script);
    const bin = join(work, 'kaem-bin');
    await execa('mkdir', ['-p', bin]);
    for (const [name, path] of [['M1', built.m1], ['hex2', built.hex2], ['get_machine', built.getMachine]] as const) {
      await execa('cp', [path, join(bin, name)]);
    }
    const result = await execa(built.kaem, ['--strict', '-f', 'build.kaem'], { cwd: dir, env: { PATH: bin }, extendEnv: false, reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').sort()).toEqual(['amd64', 'built for amd64']);
    await chmod(join(dir, 'exit7'), 0o755);
    const program = await execa(join(dir, 'exit7'), [], { reject: false });
    expect(program.exitCode).toBe(7);
    // The chain's own tools give the same executable.
    const both = await assembleBoth(readFileSync(join(dir, 'exit7.M1'), 'latin1'), 'exit7');
    expect(await readFile(join(dir, 'exit7'))).toEqual(both.m0);
  });

  it('stops at the first failing command in --strict mode, with a non-zero status', async () => {
    const script = await file('fail.kaem', 'echo before\n/nonexistent/program\necho after\n');
    const result = await execa(built.kaem, ['--strict', '-f', script], { env: {}, extendEnv: false, reject: false });
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toContain('before');
    expect(result.stdout).not.toContain('after');
  });
});

describe('blood-elf and get_machine', () => {
  it('blood-elf writes an ELF symbol table naming the labels of an M1 file', async () => {
    const source = await file('labels.M1', ':main\n:helper_function\n');
    await run(built.bloodElf, ['--64', '--little-endian', '-f', source, '-o', `${source}.footer`]);
    const footer = await readFile(`${source}.footer`, 'latin1');
    expect(footer).toContain(':ELF_section_headers');
    expect(footer).toContain(':ELF_str_main\t"main"');
    expect(footer).toContain(':ELF_str_helper_function\t"helper_function"');
    expect(footer).toContain('&helper_function');
  });

  it('get_machine names the machine (uname)', async () => {
    const result = await execa(built.getMachine, [], { env: {}, extendEnv: false });
    expect(result.stdout).toBe('amd64');
  });
});
