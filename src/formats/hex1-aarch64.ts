// Reference assembler for the aarch64 hex1: hex0 plus one-character labels, with AArch64's
// relative references (the plan of stages/aarch64/README.md; the chain's own aarch64 hex1 is to
// follow these rules, and this version is its independent cross-check):
//   :c  defines label c at the current output offset
//   ^c  fills the imm26 field (b, bl) of the instruction word that follows: its 4 bytes, written
//       with the field zero; the distance is offset(c) − offset of that word, in instructions
//   &c  the same for the imm19 field at bit 5 (b.cond, cbz, cbnz, ldr literal)
//   %c  a 32-bit little-endian byte distance for data: offset(c) − offset of the byte after it
import { IMM19, IMM26, withBranchField, type BranchField } from './aarch64-branch.js';
import { AssemblyError } from './assembly-error.js';
import { scanHex, sourceBytes } from './hex-scanner.js';
import { labelOffsets } from './label-offsets.js';
import { SIGNED_32, fits, littleEndian } from './little-endian.js';

const BRANCHES: Readonly<Record<string, BranchField>> = { '^': IMM26, '&': IMM19 };

interface PendingBranch {
  readonly prefix: string;
  readonly name: string;
  readonly line: number;
  readonly field: BranchField;
  /** Where the word it fills starts in the output. */
  readonly at: number;
}

export function assembleHex1Aarch64(source: string | Uint8Array, fileName: string): Uint8Array {
  const tokens = scanHex(sourceBytes(source), fileName, { prefixes: ':^&%', nameLength: 'one-character' });

  // Pass 1: the offset of every label. A branch reference takes no room of its own.
  const labels = labelOffsets(tokens, fileName, (prefix) => (prefix === '%' ? 4 : 0));

  const targetOf = (name: string, line: number): number => {
    const target = labels.get(name);
    if (target === undefined) throw new AssemblyError(fileName, line, `undefined label '${name}'`);
    return target;
  };

  // Pass 2: the bytes. A branch reference waits for the 4 bytes of its word, then fills it in.
  const out: number[] = [];
  let pending: PendingBranch | undefined;
  const unfinished = (what: string): never => {
    const branch = pending as PendingBranch;
    throw new AssemblyError(
      fileName,
      branch.line,
      `${branch.prefix}${branch.name} must be followed by the 4 bytes of an instruction word, not ${what}`,
    );
  };
  for (const token of tokens) {
    if (token.kind === 'byte') {
      out.push(token.value);
      if (pending !== undefined && out.length === pending.at + 4) {
        const word = (out[pending.at]! | (out[pending.at + 1]! << 8) | (out[pending.at + 2]! << 16)) + out[pending.at + 3]! * 2 ** 24;
        const filled = withBranchField(word, pending.field, targetOf(pending.name, pending.line) - pending.at);
        if ('error' in filled) throw new AssemblyError(fileName, pending.line, `${pending.prefix}${pending.name}: ${filled.error}`);
        out.splice(pending.at, 4, ...littleEndian(filled.word, 4));
        pending = undefined;
      }
      continue;
    }
    if (pending !== undefined) unfinished(`'${token.prefix}${token.name}'`);
    if (token.prefix === ':') continue;
    const field = BRANCHES[token.prefix];
    if (field !== undefined) {
      if (out.length % 4 !== 0)
        throw new AssemblyError(
          fileName,
          token.line,
          `${token.prefix}${token.name}: the instruction word would start at ${out.length}, not a multiple of 4`,
        );
      pending = { prefix: token.prefix, name: token.name, line: token.line, field, at: out.length };
      continue;
    }
    const value = targetOf(token.name, token.line) - (out.length + 4);
    if (!fits(value, SIGNED_32))
      throw new AssemblyError(fileName, token.line, `%${token.name}: distance ${value} does not fit in 32 signed bits`);
    out.push(...littleEndian(value, 4));
  }
  if (pending !== undefined) unfinished('the end of the input');
  return Uint8Array.from(out);
}
