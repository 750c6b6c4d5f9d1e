// The aarch64 chain's M0 macro assembler (stage 05-M0 of stages/aarch64, written in hex2), built
// by the aarch64 chain's own catm and hex2 and run through qemu-user. It is the amd64 M0 for
// another processor, so the two are checked against each other: the same input must give the
// same hex2 text, byte for byte, and the same message and exit status, on every feature, every
// error and the largest M0 input there is (b0's). It is also checked against the TypeScript
// reference, and on an aarch64 program written in M0 that is assembled by the chain and runs.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m0ToHex2 } from '../../src/formats/m0.js';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';

interface M0Run {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  /** The output file's bytes, or undefined when M0 wrote none. */
  readonly output: Buffer | undefined;
}

let m0: { aarch64: string; amd64: string };
let work: string;
let runCount = 0;

/** Runs one M0 on `source` in a fresh directory, the same relative paths for both (they are in messages). */
async function runM0(program: string, source: string | Uint8Array): Promise<M0Run> {
  runCount += 1;
  const dir = join(work, `run-${runCount}`);
  await mkdir(dir);
  await writeFile(join(dir, 'in.M0'), source);
  await writeFile(join(dir, 'out.hex2'), 'left alone');
  const result = await execa(program, ['in.M0', 'out.hex2'], { reject: false, cwd: dir, env: {}, extendEnv: false });
  return { exitCode: result.exitCode, stderr: result.stderr, output: await readFile(join(dir, 'out.hex2')).catch(() => undefined) };
}

/** Both M0s on the same source: the same output, message and exit status. Returns the aarch64 run. */
async function expectBothAgree(source: string | Uint8Array): Promise<M0Run> {
  const [arm, amd] = await Promise.all([runM0(m0.aarch64, source), runM0(m0.amd64, source)]);
  expect(arm.stderr).toBe(amd.stderr);
  expect(arm.exitCode).toBe(amd.exitCode);
  expect(arm.output?.equals(amd.output ?? Buffer.alloc(0))).toBe(true);
  return arm;
}

describe.skipIf(!CAN_RUN_AARCH64)('M0 for aarch64 (chain stage)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-m0-aarch64-'));
    m0 = { aarch64: await aarch64ChainOutput('M0', 'bin/M0'), amd64: await chainOutput('M0', 'bin/M0') };
  }, 180_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("gives the amd64 M0's output, byte for byte, on b0's whole source (the largest M0 input)", async () => {
    const b0 = join(AMD64_CHAIN, '06-b0');
    const source = Buffer.concat([await readFile(join(b0, 'amd64.M0')), await readFile(join(b0, 'b0.M0'))]);
    const run = await expectBothAgree(source);
    expect(run.exitCode).toBe(0);
    expect(run.output!.length).toBeGreaterThan(30_000);
  });

  it('agrees with the amd64 M0 and the reference on every feature', async () => {
    const source = [
      'DEFINE nop 1F2003D5  DEFINE ret C0035FD6',
      "DEFINE spaced '01 02  03 04'  DEFINE empty ''",
      'nop ret spaced empty ; a comment',
      '"a string\\n\\t\\\\\\"\\0" # another comment',
      "'aB cd' !-128 !255 @-32768 @0xFFFF %-2147483648 %0xFFFFFFFF %42",
      ':label %label $label &label %a>b',
      'DEFINE nop D503201F nop',
      '',
      '"spans',
      'lines"',
    ].join('\n');
    const run = await expectBothAgree(source);
    expect(run.exitCode).toBe(0);
    expect(run.output!.toString()).toBe(m0ToHex2(source, 'in.M0'));
  });

  it('agrees with the amd64 M0 on every error, message and exit status included, leaving OUT alone', async () => {
    const cases = ['!300', '@-32769', '%0x1FFFFFFFF', '!99999999999999999999', '!0xZZ', '!-', '!', 'zz', 'DEFINE', 'DEFINE a', "DEFINE a 'g0'",
      "'123'", "'0g'", '"abc', "'ab", '"bad\\q"', 'ok "x\n\n"unclosed', 'DEFINE "x" 00'];
    for (const source of cases) {
      const run = await expectBothAgree(source);
      expect([source, run.exitCode]).toEqual([source, 1]);
      expect(run.stderr).toMatch(/^M0: in\.M0:\d+: /);
      expect(run.output?.toString()).toBe('left alone');
    }
    const usage = await execa(m0.aarch64, ['only-one'], { reject: false });
    expect([usage.exitCode, usage.stderr]).toEqual([2, 'usage: M0 INPUT OUTPUT']);
    const missing = await execa(m0.aarch64, [join(work, 'no-such-file'), join(work, 'never')], { reject: false });
    expect([missing.exitCode, missing.stderr]).toEqual([1, `M0: cannot open input file: ${join(work, 'no-such-file')}`]);
    const directory = await execa(m0.aarch64, [work, join(work, 'never')], { reject: false });
    expect([directory.exitCode, directory.stderr]).toEqual([1, `M0: cannot read input file: ${work}`]);
  });

  it("passes the aarch64 hex2's field references through, and the chain assembles an aarch64 program written in M0 that runs", async () => {
    const program = [
      'DEFINE mov_x0,#1 200080D2   DEFINE mov_x2,#6 C20080D2   DEFINE mov_x8,#64 080880D2',
      'DEFINE mov_x0,#5 A00080D2   DEFINE mov_x8,#93 A80B80D2  DEFINE svc 010000D4',
      'DEFINE adr_x1 01000010      DEFINE b 00000014           DEFINE cbz_x0 00000034',
      ':_start',
      '  mov_x0,#1 =message adr_x1 mov_x2,#6 mov_x8,#64 svc   # write(1, message, 6)',
      '  ^done b',
      ':message "M0 ok\\n" !0 # padded to 8 bytes',
      ':done',
      '  mov_x0,#5 mov_x8,#93 svc   # exit(5)',
    ].join('\n');
    const run = await runM0(m0.aarch64, program);
    expect(run.stderr).toBe('');
    expect(run.output!.toString().split('\n')[4]).toBe('200080D2 =message 01000010 C20080D2 080880D2 010000D4');
    const dir = join(work, 'program');
    await mkdir(dir);
    const common = join(AARCH64_CHAIN, 'common');
    await writeFile(join(dir, 'program.hex2'), run.output!);
    const catm = await aarch64ChainOutput('catm', 'bin/catm');
    const hex2 = await aarch64ChainOutput('hex2', 'bin/hex2');
    await execa(catm, ['full.hex2', join(common, 'elf64.hex2'), 'program.hex2', join(common, 'elf64-end.hex2')], { cwd: dir });
    await execa(hex2, ['full.hex2', 'program'], { cwd: dir });
    const ran = await execa(join(dir, 'program'), [], { reject: false });
    expect([ran.exitCode, ran.stdout]).toEqual([5, 'M0 ok']);
  });
});
