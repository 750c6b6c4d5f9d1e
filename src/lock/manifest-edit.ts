// Writes new sha256 values into stage manifests and changes nothing else in the file: comments,
// order, the one-line entries and their quoting are what people read and review. The file is
// parsed as a YAML document only to find where each hash is written (the `yaml` package gives every
// node's place in the text); the new hash is then put at exactly that place.
import { readFile, writeFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Sha256 } from '../digest.js';

/** One hash to write: the entry `index` of the manifest's `inputs` or `outputs` list. */
export interface HashEdit {
  readonly section: 'inputs' | 'outputs';
  readonly index: number;
  readonly sha256: Sha256;
}

/**
 * The hash as the file wrote the old one: in the same quotes, or plain. A plain hash of digits only
 * would read as a number, so it is quoted.
 */
function written(firstCharacter: string | undefined, sha256: Sha256): string {
  if (firstCharacter === '"' || firstCharacter === "'") return `${firstCharacter}${sha256}${firstCharacter}`;
  return /[a-f]/.test(sha256) ? sha256 : `"${sha256}"`;
}

/** Applies every edit to one manifest file, in a single write. */
export async function writeManifestHashes(manifestPath: string, edits: readonly HashEdit[]): Promise<void> {
  if (edits.length === 0) return;
  const text = await readFile(manifestPath, 'utf8');
  const document = parseDocument(text);
  const places = edits.map((edit) => {
    const list = document.get(edit.section, true);
    const entry = isSeq(list) ? list.items[edit.index] : undefined;
    const node = isMap(entry) ? entry.get('sha256', true) : undefined;
    if (!isScalar(node) || node.range === undefined || node.range === null) {
      throw new Error(`${manifestPath}: ${edit.section}[${edit.index}] has no sha256 to replace`);
    }
    return { start: node.range[0], end: node.range[1], sha256: edit.sha256 };
  });
  // From the end backwards, so that each place's offsets are still those of the original text.
  let edited = text;
  for (const place of places.sort((a, b) => b.start - a.start)) {
    edited = `${edited.slice(0, place.start)}${written(edited[place.start], place.sha256)}${edited.slice(place.end)}`;
  }
  await writeFile(manifestPath, edited);
}
