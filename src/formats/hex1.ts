// Reference assembler for hex1: hex0 plus one-character labels.
//   :c  defines label c at the current output offset
//   %c  32-bit little-endian relative reference: offset(c) − offset of the byte after the field
//   !c  8-bit relative reference, same rule; must fit in a signed byte
// The chain's own hex1 (stages/amd64/02-hex1/hex1.hex0) follows these rules; this version is the
// independent cross-check that the audit and the tests compare it against.
import { AssemblyError } from './assembly-error.js';
import { scanHex, sourceBytes } from './hex-scanner.js';
import { labelOffsets } from './label-offsets.js';
import { SIGNED_32, SIGNED_8, fits, littleEndian, type FieldRange } from './little-endian.js';

interface Hex1Reference {
  readonly width: 1 | 4;
  readonly range: FieldRange;
}

const REFERENCES: Readonly<Record<string, Hex1Reference>> = {
  '!': { width: 1, range: SIGNED_8 },
  '%': { width: 4, range: SIGNED_32 },
};

export function assembleHex1(source: string | Uint8Array, fileName: string): Uint8Array {
  const tokens = scanHex(sourceBytes(source), fileName, { prefixes: ':%!', nameLength: 'one-character' });

  // Pass 1: the offset of every label. Labels may be used before they are defined.
  const labels = labelOffsets(tokens, fileName, (prefix) => (REFERENCES[prefix] as Hex1Reference).width);

  // Pass 2: the bytes, with every reference resolved and range-checked.
  const out: number[] = [];
  for (const token of tokens) {
    if (token.kind === 'byte') {
      out.push(token.value);
      continue;
    }
    if (token.prefix === ':') continue;
    const reference = REFERENCES[token.prefix] as Hex1Reference;
    const target = labels.get(token.name);
    if (target === undefined) throw new AssemblyError(fileName, token.line, `undefined label '${token.name}'`);
    const value = target - (out.length + reference.width);
    if (!fits(value, reference.range)) {
      throw new AssemblyError(
        fileName,
        token.line,
        `${token.prefix}${token.name}: distance ${value} does not fit in ${reference.width * 8} signed bits`,
      );
    }
    out.push(...littleEndian(value, reference.width));
  }
  return Uint8Array.from(out);
}
