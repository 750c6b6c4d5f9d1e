// Damaged programs for the compilers' robustness tests (b0 on amd64 and on AArch64): a test
// program with bytes deleted, inserted and copied at random, from a fixed seed so that every run
// sees the same inputs and a failure can be replayed.

/** A small deterministic generator (mulberry32) of numbers in [0, 1). */
export function randomFrom(start: number): () => number {
  let seed = start;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes a damaged b0 program gets: the language's punctuation, quotes, blanks, a few letters and digits. */
const INSERTED = Buffer.from('(){}[];,=+-*/%<>!~&|^\'"\\ \nax_09@');

/** One of `originals`, picked by `random`, with one to four edits: a deletion, an inserted byte, or a copied run. */
export function damagedProgram(originals: readonly Buffer[], random: () => number): Buffer {
  const pick = (n: number): number => Math.floor(random() * n);
  let bytes = Buffer.from(originals[pick(originals.length)] ?? Buffer.alloc(0));
  for (let k = 0; k <= pick(3); k += 1) {
    const at = pick(bytes.length + 1);
    const choice = random();
    if (choice < 0.4) bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + pick(5))]);
    else if (choice < 0.8)
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([INSERTED[pick(INSERTED.length)] ?? 32]), bytes.subarray(at)]);
    else {
      const from = pick(bytes.length + 1);
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(from, from + 1 + pick(20)), bytes.subarray(at)]);
    }
  }
  return bytes;
}
