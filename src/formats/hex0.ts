// The hex0 format, assembled in TypeScript: an implementation independent of the hex0 seed, so
// that the seed's output can be checked against it (and the seed against its own source).
//
// hex0 is hex1 without labels: pairs of hex digits (either case) become bytes, `#` and `;` start
// a comment to the end of the line, blanks (any byte up to 0x20) are skipped. The seed skips any
// other character too; this assembler rejects it, so that a slip in a hand-written source is
// reported with its line instead of silently dropped. The same for a final unpaired digit.
import { scanHex, sourceBytes } from './hex-scanner.js';

const NO_LABELS = { prefixes: '', nameLength: 'one-character' } as const;

/** Assemble hex0 source; throws AssemblyError naming `fileName` and the line of the fault. */
export function assembleHex0(source: string | Uint8Array, fileName: string): Uint8Array {
  const tokens = scanHex(sourceBytes(source), fileName, NO_LABELS);
  const bytes = new Uint8Array(tokens.length);
  tokens.forEach((token, i) => {
    // Without label prefixes the scanner yields nothing but bytes.
    if (token.kind === 'byte') bytes[i] = token.value;
  });
  return bytes;
}
