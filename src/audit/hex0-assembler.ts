// The reference hex0 assembler that the seed check compares each seed with: the project's own,
// written in TypeScript independently of the seed (src/formats/hex0.ts). Injectable, so a test
// can show what the check does with an assembler that disagrees.
import { assembleHex0 } from '../formats/hex0.js';

export type Hex0Assembler = (text: string, fileName: string) => Uint8Array;

export const referenceHex0: Hex0Assembler = (text, fileName) => assembleHex0(text, fileName);
