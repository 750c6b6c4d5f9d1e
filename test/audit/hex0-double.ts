// Stands in for src/formats/hex0.ts (assembleHex0) on a tree that does not have it yet, so the
// seed check can be tested either way: hex digit pairs become bytes; `#` and `;` comment to the
// end of the line. Tests prefer the project's own assembler when it is there.
import { loadHex0Assembler, type Hex0Assembler } from '../../src/audit/hex0-assembler.js';

export const hex0Double: Hex0Assembler = (text) => {
  const digits = text.replace(/[#;][^\n]*/g, '').replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(digits) || digits.length % 2 !== 0) throw new Error('not hex0');
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
};

export async function hex0ForTests(): Promise<Hex0Assembler> {
  return (await loadHex0Assembler()) ?? hex0Double;
}
