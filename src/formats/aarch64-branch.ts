// AArch64's relative references: a branch is one 32-bit word whose target is a bit field inside
// it, counted in instructions (4 bytes) from the branch itself. These are the fields kindling's
// aarch64 hex1 and hex2 fill in (see stages/aarch64/README.md); each is described by where its
// bits lie, so one encoder serves them all.

export interface BranchField {
  /** What the field is for, in messages. */
  readonly name: string;
  /** The lowest bit of the field in the instruction word. */
  readonly shift: number;
  /** Its width in bits; the distance, in instructions, is a signed number of this many bits. */
  readonly bits: number;
}

/** b and bl: imm26, bits 0-25. */
export const IMM26: BranchField = { name: 'imm26 (b, bl)', shift: 0, bits: 26 };
/** b.cond, cbz, cbnz and ldr (literal): imm19, bits 5-23. */
export const IMM19: BranchField = { name: 'imm19 (b.cond, cbz, cbnz, ldr literal)', shift: 5, bits: 19 };
/** tbz and tbnz: imm14, bits 5-18. */
export const IMM14: BranchField = { name: 'imm14 (tbz, tbnz)', shift: 5, bits: 14 };

/** The word with `distance` bytes (from the word to its target) put in `field`, or why it cannot be. */
export function withBranchField(
  word: number,
  field: BranchField,
  distance: number,
): { readonly word: number } | { readonly error: string } {
  if (distance % 4 !== 0) return { error: `distance ${distance} is not a whole number of instructions (4 bytes)` };
  const instructions = distance / 4;
  const limit = 2 ** (field.bits - 1);
  if (instructions < -limit || instructions >= limit) {
    return { error: `distance ${distance} (${instructions} instructions) does not fit the ${field.bits}-bit ${field.name} field` };
  }
  const mask = (2 ** field.bits - 1) * 2 ** field.shift;
  if ((word & mask) >>> 0 !== 0)
    return { error: `the word 0x${(word >>> 0).toString(16).padStart(8, '0')} already has bits in its ${field.name} field` };
  const bits = (instructions & (2 ** field.bits - 1)) * 2 ** field.shift;
  return { word: (word | bits) >>> 0 };
}
