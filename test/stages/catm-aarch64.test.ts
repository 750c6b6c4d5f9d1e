// The aarch64 chain's catm (stage 04-catm of stages/aarch64, written in hex2), built by kindling
// from its source and run through qemu-user: it must join files byte for byte (large and empty
// ones too), fail cleanly without leaving a partial OUT, and serve as the later stages use it:
// ELF header + program + end marker (stages/aarch64/common), then hex2, then run.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AARCH64_CHAIN, CAN_RUN_AARCH64, aarch64ChainOutput } from '../support/aarch64.js';
import { catmCommonCases, catmHarness } from '../support/catm-cases.js';

let catm: string;
let work: string;
const harness = catmHarness(() => catm, () => work);

describe.skipIf(!CAN_RUN_AARCH64)('catm for aarch64 (chain stage)', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-catm-aarch64-'));
    catm = await aarch64ChainOutput('catm', 'bin/catm');
  }, 120_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  catmCommonCases(harness);

  it('puts the ELF header and end marker around a hex2 program, which hex2 turns into a running program', async () => {
    const hex2 = await aarch64ChainOutput('hex2', 'bin/hex2');
    const program = `:_start
      20 00 80 D2              # mov x0, #1: stdout
      =message 01 00 00 10     # adr x1, message
      &length 02 00 00 18      # ldr w2, length: the message's length
      08 08 80 D2              # mov x8, #64: write
      01 00 00 D4              # svc #0
      E0 00 80 D2              # mov x0, #7
      A8 0B 80 D2              # mov x8, #93: exit
      01 00 00 D4              # svc #0
      :length %message_end>message
      :message 6A 6F 69 6E 65 64 0A :message_end   # "joined\\n"
`;
    const common = join(AARCH64_CHAIN, 'common');
    const header = await readFile(join(common, 'elf64.hex2'));
    const end = await readFile(join(common, 'elf64-end.hex2'));
    const dir = await harness.caseDir({ 'elf64.hex2': header, 'program.hex2': program, 'elf64-end.hex2': end });
    expect((await harness.run(dir, ['full.hex2', 'elf64.hex2', 'program.hex2', 'elf64-end.hex2'])).exitCode).toBe(0);
    const full = await readFile(join(dir, 'full.hex2'));
    expect(full.equals(Buffer.concat([header, Buffer.from(program), end]))).toBe(true);
    const assembled = await execa(hex2, ['full.hex2', 'prog'], { reject: false, cwd: dir });
    expect(assembled.stderr).toBe('');
    expect((await stat(join(dir, 'prog'))).size).toBe(120 + 8 * 4 + 4 + 7);
    const ran = await execa(join(dir, 'prog'), [], { reject: false });
    expect(ran.stdout).toBe('joined');
    expect(ran.exitCode).toBe(7);
  });
});
