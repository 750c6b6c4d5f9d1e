// Pass 1 of the hex1 and hex2 assemblers: the output offset of every label, so that a reference
// may point forward. Each format says how much room a reference takes (hex1's `%` four bytes, an
// aarch64 branch none: it fills the word that follows) and may refuse a label's name.
import { AssemblyError } from './assembly-error.js';
import type { HexToken } from './hex-scanner.js';

export function labelOffsets(
  tokens: readonly HexToken[],
  fileName: string,
  referenceWidth: (prefix: string) => number,
  refuseName?: (name: string) => string | undefined,
): Map<string, number> {
  const labels = new Map<string, number>();
  let offset = 0;
  for (const token of tokens) {
    if (token.kind === 'byte') offset += 1;
    else if (token.prefix === ':') {
      const refused = refuseName?.(token.name);
      if (refused !== undefined) throw new AssemblyError(fileName, token.line, refused);
      if (labels.has(token.name)) throw new AssemblyError(fileName, token.line, `label '${token.name}' defined twice`);
      labels.set(token.name, offset);
    } else offset += referenceWidth(token.prefix);
  }
  return labels;
}
