// Is a file text a person can read, or binary? The audit flags binaries that enter the chain from
// outside it; a source file that is not text deserves a second look, so the test is strict.

export type ContentKind = 'elf' | 'binary' | 'text';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/**
 * ELF by its magic; binary for a NUL, a control byte other than tab, newline, form feed, carriage
 * return or escape, or bytes that are not UTF-8; text otherwise.
 */
export function contentKind(bytes: Uint8Array): ContentKind {
  if (bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b)) return 'elf';
  for (const byte of bytes) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d && byte !== 0x1b) || byte === 0x7f) {
      return 'binary';
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'binary';
  }
  return 'text';
}

/** Lines of a text, counting a last line without its newline. */
export function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (const byte of bytes) if (byte === 0x0a) lines += 1;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) lines += 1;
  return lines;
}
