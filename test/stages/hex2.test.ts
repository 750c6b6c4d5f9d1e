// The chain's hex2 assembler (stage 03-hex2, written in hex1), built by kindling from its source,
// checked against the TypeScript reference on inputs made for each reference kind, on every kind
// of error, on programs it assembles that then run, and on large inputs (the chain's own hex2
// sources, and thousands of generated labels that share hash chains).
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEX2_BASE_ADDRESS, assembleHex2 } from '../../src/formats/hex2.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { assemblerRunner } from '../support/tool-run.js';

let hex2: string;
let work: string;
let elfHeader: string;
let elfEnd: string;

const runHex2 = assemblerRunner(() => hex2, () => work, 'in.hex2');

async function expectSameAsReference(source: string | Uint8Array): Promise<Uint8Array> {
  const run = await runHex2(source);
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const reference = assembleHex2(source, 'in.hex2');
  expect(run.output).toEqual(reference);
  return reference;
}

async function expectFailure(source: string, message: RegExp): Promise<void> {
  const run = await runHex2(source, { outputBefore: 'left alone' });
  expect(run.exitCode).toBe(1);
  expect(run.stderr).toMatch(message);
  // OUT is opened only after both passes succeed: an existing OUT is not touched.
  expect(Buffer.from(run.output ?? []).toString()).toBe('left alone');
  expect(() => assembleHex2(source, 'in.hex2')).toThrow();
}

/** A program between the chain's ELF header and end marker, as the later stages' scripts do. */
function elfProgram(code: string): string {
  return `${elfHeader}\n${code}\n${elfEnd}`;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-hex2-'));
  elfHeader = await readFile(join(AMD64_CHAIN, 'common', 'elf64.hex2'), 'utf8');
  elfEnd = await readFile(join(AMD64_CHAIN, 'common', 'elf64-end.hex2'), 'utf8');
  hex2 = await chainOutput('hex2', 'bin/hex2');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('hex2 (chain stage)', () => {
  it('turns hex pairs into bytes: either case, both comment kinds, digits split by blanks', async () => {
    const out = await expectSameAsReference('aB cd # a comment :x\n ; %y another\n0 1\t\r\nFf\n0#split\n1');
    expect(Array.from(out)).toEqual([0xab, 0xcd, 0x01, 0xff, 0x01]);
  });

  it('encodes every reference width, forward and backward', async () => {
    const out = await expectSameAsReference(':start 90 !end @end %end &start %start !start @start :end\n:after &after');
    const view = Buffer.from(out);
    // end is at 19: 1 + 1 + 2 + 4 + 4 + 4 + 1 + 2 bytes before it
    expect(view.readInt8(1)).toBe(19 - 2);
    expect(view.readInt16LE(2)).toBe(19 - 4);
    expect(view.readInt32LE(4)).toBe(19 - 8);
    expect(view.readUInt32LE(8)).toBe(HEX2_BASE_ADDRESS);
    expect(view.readInt32LE(12)).toBe(-16);
    expect(view.readInt8(16)).toBe(-17);
    expect(view.readInt16LE(17)).toBe(-19);
    expect(view.readUInt32LE(19)).toBe(HEX2_BASE_ADDRESS + 19);
    expect(out.length).toBe(23);
  });

  it('computes label differences with every prefix, negative ones included', async () => {
    const out = await expectSameAsReference(':a 00 00 00 :b %b>a %a>b !a>b @a>b $b>a &b>a !b>a @b>a');
    const view = Buffer.from(out);
    expect(view.readInt32LE(3)).toBe(3);
    expect(view.readInt32LE(7)).toBe(-3);
    expect(view.readInt8(11)).toBe(-3);
    expect(view.readInt16LE(12)).toBe(-3);
    expect(view.readUInt16LE(14)).toBe(3);
    expect(view.readUInt32LE(16)).toBe(3);
  });

  it('takes names as runs of non-blank bytes: comment characters, hex digits, bytes above 0x7F', async () => {
    await expectSameAsReference(':a#b;c 00 %a#b;c # a real comment\n:00 %00 :x:y %x:y');
    await expectSameAsReference(Buffer.from(':caf\xe9 00 %caf\xe9', 'latin1'));
    // Names that differ only late, or only in length, are different labels.
    const out = await expectSameAsReference(':label_long_name_1 00 :label_long_name_2 00 :label 00 %label_long_name_2 %label');
    expect(Buffer.from(out).readInt32LE(3)).toBe(1 - 7);
  });

  it('range-checks 8 and 16-bit values at both ends, and 16-bit absolutes against 0..65535', async () => {
    await expectSameAsReference(`!x ${'00 '.repeat(127)}:x`);
    await expectSameAsReference(`:x ${'00 '.repeat(127)}!x`);
    await expectFailure(`!x ${'00 '.repeat(128)}:x`, /^hex2: in\.hex2:1: value does not fit its field: x$/);
    await expectFailure(`:x ${'00 '.repeat(128)}\n!x`, /in\.hex2:2: value does not fit its field: x/);
    await expectSameAsReference(`:x ${'00 '.repeat(32766)}@x`);
    await expectFailure(`:x ${'00 '.repeat(32767)}@x`, /value does not fit its field: x/);
    await expectFailure(':x $x', /value does not fit its field: x/); // 0x600000 needs more than 16 bits
    await expectFailure(':a 00 :b $a>b', /value does not fit its field: a>b/); // -1 is not unsigned
    await expectFailure(`:a ${'00 '.repeat(200)}:b !b>a`, /value does not fit its field: b>a/); // 200 > 127
  });

  it('rejects bad input with the file, the line and the name, leaving OUT alone', async () => {
    await expectFailure('00\n11\n %nowhere', /^hex2: in\.hex2:3: undefined label: nowhere$/);
    await expectFailure(':a 00\n%a>missing', /in\.hex2:2: undefined label: a>missing/);
    await expectFailure(':a\n\n:a', /in\.hex2:3: label defined twice: a/);
    await expectFailure(':a>b 00', /label name contains '>': a>b/);
    await expectFailure('00 zz', /in\.hex2:1: not hex, comment or label: z/);
    await expectFailure('0 :a', /odd number of hex digits/);
    await expectFailure('00 1', /odd number of hex digits/);
    await expectFailure('& a', /label name missing/);
    await expectFailure('00 %', /label name missing/);
  });

  it('rejects a missing or unreadable input and a wrong argument count', async () => {
    const missing = await execa(hex2, [join(work, 'no-such-file'), join(work, 'never')], { reject: false });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toBe(`hex2: cannot read ${join(work, 'no-such-file')}`);
    const directory = await execa(hex2, [work, join(work, 'never')], { reject: false });
    expect(directory.exitCode).toBe(1);
    expect(directory.stderr).toMatch(/cannot read/);
    await expect(stat(join(work, 'never'))).rejects.toThrow();
    const usage = await execa(hex2, [], { reject: false });
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr).toBe('hex2: usage: hex2 IN OUT');
    const dir = join(work, 'unwritable');
    await mkdir(dir);
    await writeFile(join(dir, 'in.hex2'), '00');
    const unwritable = await execa(hex2, ['in.hex2', 'no/such/dir/out'], { reject: false, cwd: dir });
    expect(unwritable.exitCode).toBe(1);
    expect(unwritable.stderr).toBe('hex2: cannot write no/such/dir/out');
  });

  it('writes OUT with mode 0755, and an empty OUT for an input without bytes', async () => {
    const run = await runHex2('# nothing\n:only_a_label\n');
    expect(run.exitCode).toBe(0);
    expect(run.output).toEqual(new Uint8Array());
    expect((await stat(run.outputPath)).mode & 0o777).toBe(0o755);
  });

  it('assembles the chain sources written in hex2 exactly as the reference does', async () => {
    await expectSameAsReference(await readFile(join(AMD64_CHAIN, '04-catm', 'catm.hex2')));
    const m0 = await readFile(join(AMD64_CHAIN, '05-M0', 'M0.hex2'), 'utf8').catch(() => undefined);
    if (m0 !== undefined) await expectSameAsReference(elfProgram(m0));
  });

  it('handles thousands of labels sharing hash chains, referenced before and after definition', async () => {
    const count = 20000;
    const lines: string[] = [];
    for (let i = 0; i < count; i += 1) {
      // Every label is referenced from far away in both directions.
      lines.push(`:L${i} ${(i % 256).toString(16).padStart(2, '0')} %L${(i * 7919) % count} &L${count - 1 - i}`);
    }
    lines.push(`%L0>L${count - 1}`);
    const out = await expectSameAsReference(lines.join('\n'));
    expect(out.length).toBe(count * 9 + 4);
  });

  it('assembles programs that run: an exit status and a hello-world through write', async () => {
    const exit = await runHex2(
      elfProgram(`:_start
        B8 3C 00 00 00    # mov eax, 60: exit
        BF 2A 00 00 00    # mov edi, 42
        0F 05             # syscall`),
    );
    expect(exit.exitCode).toBe(0);
    expect((await execa(exit.outputPath, [], { reject: false })).exitCode).toBe(42);

    const hello = await runHex2(
      elfProgram(`:_start
        B8 01 00 00 00           # mov eax, 1: write
        BF 01 00 00 00           # mov edi, 1: stdout
        BE &message              # mov esi, the message's address
        BA %message_end>message  # mov edx, its length
        0F 05                    # syscall
        EB !done                 # jmp done
        :message 48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 0A :message_end
        :done B8 3C 00 00 00 31 FF 0F 05   # exit(0)`),
    );
    expect(hello.exitCode).toBe(0);
    const ran = await execa(hello.outputPath, [], { reject: false });
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toBe('Hello, world');
  });
});
