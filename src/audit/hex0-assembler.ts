// The reference hex0 assembler that the seed check compares each seed with. It lives in
// src/formats/hex0.ts; it is looked up when the audit runs, so the audit still reports (with a
// warning) on a tree that does not have it.
export type Hex0Assembler = (text: string, fileName: string) => Uint8Array;

// A variable, not a literal: the module is found at run time, so a tree without it still builds.
const HEX0_MODULE = '../formats/hex0.js';

export async function loadHex0Assembler(): Promise<Hex0Assembler | undefined> {
  try {
    const module = (await import(HEX0_MODULE)) as { assembleHex0?: unknown };
    return typeof module.assembleHex0 === 'function' ? (module.assembleHex0 as Hex0Assembler) : undefined;
  } catch {
    return undefined;
  }
}
