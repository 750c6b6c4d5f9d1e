// `kindling asm`: the chain's early formats, assembled by kindling's own TypeScript assemblers.
// For people writing hex or M0 by hand: the result can be compared with what the chain's own
// programs make of the same source, and errors name the file and line.
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { assembleHex0 } from '../formats/hex0.js';
import { assembleHex1 } from '../formats/hex1.js';
import { assembleHex1Aarch64 } from '../formats/hex1-aarch64.js';
import { assembleHex2 } from '../formats/hex2.js';
import { m0ToHex2 } from '../formats/m0.js';
import { KindlingError } from '../errors.js';

/** Each format and what it turns a source into: bytes of a program, or hex2 text for M0. */
const ASSEMBLERS = {
  hex0: (text: string, file: string) => ({ bytes: assembleHex0(text, file), executable: true }),
  hex1: (text: string, file: string) => ({ bytes: assembleHex1(text, file), executable: true }),
  'hex1-aarch64': (text: string, file: string) => ({ bytes: assembleHex1Aarch64(text, file), executable: true }),
  hex2: (text: string, file: string) => ({ bytes: assembleHex2(text, file), executable: true }),
  m0: (text: string, file: string) => ({ bytes: new TextEncoder().encode(m0ToHex2(text, file)), executable: false }),
} as const;

type Format = keyof typeof ASSEMBLERS;

export function register(program: Command): void {
  program
    .command('asm')
    .description(
      "assemble hex0, hex1 (amd64 or aarch64), hex2 or M0 (to hex2 text) with kindling's own assemblers, to compare with the chain's",
    )
    .argument('<format>', 'hex0, hex1, hex1-aarch64, hex2 or m0')
    .argument('<input>', 'source file')
    .argument('<output>', 'file to write (programs get mode 0755)')
    .action(async (format: string, input: string, output: string) => {
      if (!(format in ASSEMBLERS))
        throw new KindlingError('usage', `unknown format '${format}': give hex0, hex1, hex1-aarch64, hex2 or m0`);
      const text = await readFile(input, 'utf8');
      const result = ASSEMBLERS[format as Format](text, input);
      await writeFile(output, result.bytes, { mode: result.executable ? 0o755 : 0o644 });
      process.stdout.write(`${output}: ${result.bytes.length} bytes\n`);
    });
}
