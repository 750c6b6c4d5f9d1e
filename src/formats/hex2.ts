// Reference assembler for hex2: hex0 plus named labels.
//   :name      defines name at the current output offset
//   !name      8-bit relative    (signed)   target − address after the field
//   @name      16-bit relative   (signed)
//   %name      32-bit relative   (signed)
//   $name      16-bit absolute   (unsigned) HEX2_BASE_ADDRESS + offset; with this base it never
//              fits, so `$` only serves in the difference form below
//   &name      32-bit absolute   (unsigned)
//   Xa>b       any of the five prefixes: offset(a) − offset(b) instead, range-checked for the
//              field's width and signedness (e.g. `%ELF_end>ELF_base` is the size of the file)
// Label names are runs of non-blank characters; a definition may not contain '>'.
// The chain's own hex2 (stages/amd64/03-hex2/hex2.hex1) follows these rules.
import { AssemblyError } from './assembly-error.js';
import { scanHex, sourceBytes, type HexToken } from './hex-scanner.js';
import { labelOffsets } from './label-offsets.js';
import { SIGNED_16, SIGNED_32, SIGNED_8, UNSIGNED_16, UNSIGNED_32, fits, littleEndian, type FieldRange } from './little-endian.js';

/** Where the ELF header (written in hex2 at the start of every program) loads the file. */
export const HEX2_BASE_ADDRESS = 0x00600000;

interface Hex2Reference {
  readonly width: 1 | 2 | 4;
  readonly relative: boolean;
  readonly range: FieldRange;
}

const REFERENCES: Readonly<Record<string, Hex2Reference>> = {
  '!': { width: 1, relative: true, range: SIGNED_8 },
  '@': { width: 2, relative: true, range: SIGNED_16 },
  '%': { width: 4, relative: true, range: SIGNED_32 },
  $: { width: 2, relative: false, range: UNSIGNED_16 },
  '&': { width: 4, relative: false, range: UNSIGNED_32 },
};

type LabelToken = Extract<HexToken, { kind: 'label' }>;

export function assembleHex2(source: string | Uint8Array, fileName: string): Uint8Array {
  const tokens = scanHex(sourceBytes(source), fileName, { prefixes: ':!@%$&', nameLength: 'word' });

  // Pass 1: the offset of every label, so references may point forward.
  const labels = labelOffsets(
    tokens,
    fileName,
    (prefix) => (REFERENCES[prefix] as Hex2Reference).width,
    (name) => (name.includes('>') ? `label name '${name}' contains '>'` : undefined),
  );

  const offsetOf = (token: LabelToken, name: string): number => {
    const found = labels.get(name);
    if (found === undefined) throw new AssemblyError(fileName, token.line, `undefined label '${name}'`);
    return found;
  };

  // Pass 2: the bytes.
  const out: number[] = [];
  for (const token of tokens) {
    if (token.kind === 'byte') {
      out.push(token.value);
      continue;
    }
    if (token.prefix === ':') continue;
    const reference = REFERENCES[token.prefix] as Hex2Reference;
    const split = token.name.indexOf('>');
    let value: number;
    if (split >= 0) {
      value = offsetOf(token, token.name.slice(0, split)) - offsetOf(token, token.name.slice(split + 1));
    } else if (reference.relative) {
      value = offsetOf(token, token.name) - (out.length + reference.width);
    } else {
      value = HEX2_BASE_ADDRESS + offsetOf(token, token.name);
    }
    if (!fits(value, reference.range)) {
      throw new AssemblyError(
        fileName,
        token.line,
        `${token.prefix}${token.name}: value ${value} does not fit in ${reference.width * 8} bits` +
          ` (${reference.range.min}..${reference.range.max})`,
      );
    }
    out.push(...littleEndian(value, reference.width));
  }
  return Uint8Array.from(out);
}
