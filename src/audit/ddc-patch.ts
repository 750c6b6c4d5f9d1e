// The line patches a stage carries (stages/amd64/13-tcc/tinycc.patch, tccelf.patch): pairs of "-OLD" and "+NEW"
// lines, '#' lines are comments. Applied here as the stage's replace-line program applies them,
// so a build outside the chain starts from the sources the chain compiles.

/** `text` with each OLD line, which must occur exactly once, replaced by its NEW line. */
export function applyLinePatch(patch: string, text: string, patchName = 'patch'): string {
  const lines = text.split('\n');
  const pairs = patch.split('\n').filter((l) => l.startsWith('-') || l.startsWith('+'));
  if (pairs.length % 2 !== 0) throw new Error(`${patchName}: a "-" line without its "+" line`);
  for (let i = 0; i < pairs.length; i += 2) {
    const old = pairs[i]!.slice(1);
    const index = lines.indexOf(old);
    if (index < 0 || lines.indexOf(old, index + 1) >= 0) throw new Error(`${patchName}: line not found exactly once: ${old}`);
    lines[index] = pairs[i + 1]!.slice(1);
  }
  return lines.join('\n');
}
