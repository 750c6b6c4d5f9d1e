// The one check of a hand-written binary against its commented hex0 source, used wherever kindling
// trusts one: `kindling seeds` (src/seeds/verify.ts), the audit (src/audit/seeds.ts) and the guest
// init before it enters a VM (src/sandbox/guest-init.ts). A person who has read the source has
// checked the binary only if the binary is exactly what the source assembles to, by kindling's own
// hex0 assembler, written apart from the seeds (src/formats/hex0.ts).
import { AssemblyError } from '../formats/assembly-error.js';
import { assembleHex0 } from '../formats/hex0.js';
import { bytesDifference, describeDifference, type Difference } from '../audit/first-difference.js';

/** Turns a hex0 source into bytes; injectable so a test can show the check with an assembler that disagrees. */
export type Hex0Assembler = (source: string | Uint8Array, fileName: string) => Uint8Array;

export const referenceHex0: Hex0Assembler = (source, fileName) => assembleHex0(source, fileName);

export type SourceCheck =
  | { readonly result: 'matches' }
  /** `difference` compares the binary (left) with the assembled source (right). */
  | { readonly result: 'differs'; readonly difference: Difference }
  | { readonly result: 'invalid'; readonly message: string };

/** Whether `binary` is exactly what `source` (named `sourceName` in messages) assembles to. */
export function checkSeedSource(
  binary: Uint8Array,
  source: string | Uint8Array,
  sourceName: string,
  assembler: Hex0Assembler = referenceHex0,
): SourceCheck {
  let assembled: Uint8Array;
  try {
    assembled = assembler(source, sourceName);
  } catch (error) {
    if (!(error instanceof AssemblyError)) throw error;
    return { result: 'invalid', message: error.message };
  }
  const difference = bytesDifference(binary, assembled);
  return difference === undefined ? { result: 'matches' } : { result: 'differs', difference };
}

/** The first difference of a failed check, in words: where, and the byte of each side. */
export function describeSourceDifference(difference: Difference): string {
  return describeDifference(difference, 'the binary', 'the assembled source');
}
