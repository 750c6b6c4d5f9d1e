// The chain's catm (stage 04-catm, written in hex2), built by kindling from its source: it must
// join files byte for byte (large and empty ones too), fail cleanly without leaving a partial OUT,
// and serve as the later stages use it: ELF header + program + end marker, then hex2, then run.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleHex2 } from '../../src/formats/hex2.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { catmCommonCases, catmHarness } from '../support/catm-cases.js';

let catm: string;
let work: string;
const harness = catmHarness(() => catm, () => work);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-catm-'));
  catm = await chainOutput('catm', 'bin/catm');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('catm (chain stage)', () => {
  catmCommonCases(harness);

  it('puts the ELF header and end marker around a hex2 program, which hex2 turns into a running program', async () => {
    const hex2 = await chainOutput('hex2', 'bin/hex2');
    const program = `:_start
      B8 01 00 00 00           # mov eax, 1: write
      BF 01 00 00 00           # mov edi, 1: stdout
      BE &message              # mov esi, the message's address
      BA %message_end>message  # mov edx, its length
      0F 05                    # syscall
      B8 3C 00 00 00           # mov eax, 60: exit
      BF 07 00 00 00           # mov edi, 7
      0F 05                    # syscall
      :message 6A 6F 69 6E 65 64 0A :message_end   # "joined\\n"
`;
    const common = join(AMD64_CHAIN, 'common');
    const header = await readFile(join(common, 'elf64.hex2'));
    const end = await readFile(join(common, 'elf64-end.hex2'));
    const dir = await harness.caseDir({ 'elf64.hex2': header, 'program.hex2': program, 'elf64-end.hex2': end });
    expect((await harness.run(dir, ['full.hex2', 'elf64.hex2', 'program.hex2', 'elf64-end.hex2'])).exitCode).toBe(0);
    const full = await readFile(join(dir, 'full.hex2'));
    expect(full.equals(Buffer.concat([header, Buffer.from(program), end]))).toBe(true);
    const assembled = await execa(hex2, ['full.hex2', 'prog'], { reject: false, cwd: dir });
    expect(assembled.stderr).toBe('');
    expect(new Uint8Array(await readFile(join(dir, 'prog')))).toEqual(assembleHex2(full, 'full.hex2'));
    const ran = await execa(join(dir, 'prog'), [], { reject: false });
    expect(ran.exitCode).toBe(7);
    expect(ran.stdout).toBe('joined');
  });
});
