// Stands in for src/formats/hex0.ts (assembleHex0) on a tree that does not have it yet, so the
// seed check can be tested either way: hex digit pairs become bytes; `#` and `;` comment to the
// end of the line. Tests prefer the project's own assembler when it is there.
import { loadHex0Assembler, type Hex0Assembler } from '../../src/audit/hex0-assembler.js';

export const hex0Double: Hex0Assembler = (text, fileName) => {
  const out = new Uint8Array(text.length >> 1);
  let length = 0;
  let high = -1;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x23 || c === 0x3b) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i += 1;
      continue;
    }
    if (c <= 0x20) continue;
    const lower = c | 0x20;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
    if (digit < 0) throw new Error(`${fileName}: '${String.fromCharCode(c)}' is not a hex digit`);
    if (high < 0) high = digit;
    else {
      out[length++] = (high << 4) | digit;
      high = -1;
    }
  }
  if (high >= 0) throw new Error(`${fileName}: odd number of hex digits`);
  return out.slice(0, length);
};

export async function hex0ForTests(): Promise<Hex0Assembler> {
  return (await loadHex0Assembler()) ?? hex0Double;
}
