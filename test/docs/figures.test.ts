// Figures the docs quote about files of the repository — seed and guest init sizes, the line
// counts of sources — checked against the files, so that a change to a file that moves a figure
// fails here until the prose says the new one. (Figures of runs — times, store sizes — are
// measurements, and stay with the benchmarks.)
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countChainHandwritten } from '../../src/audit/handwritten.js';
import { loadChain } from '../../src/manifest/chain.js';
import { REPO } from '../support/cli.js';

const read = (path: string): Promise<string> => readFile(join(REPO, path), 'utf8');
const size = async (path: string): Promise<number> => (await stat(join(REPO, path))).size;
const lineCount = async (path: string): Promise<number> =>
  (await read(path)).split('\n').length - ((await read(path)).endsWith('\n') ? 1 : 0);
/** "1,474" → 1474. */
const number = (text: string): number => Number(text.replace(/,/g, ''));

/** Every line count of the files below `dir`, added up. */
async function treeLines(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(join(REPO, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await treeLines(path) : await lineCount(path);
  }
  return total;
}

function figure(text: string, pattern: RegExp, where: string): number {
  const match = pattern.exec(text);
  if (match === null) throw new Error(`${where}: no figure matches ${String(pattern)}`);
  return number(match[1]!);
}

describe('figures in the docs', () => {
  it('give the seeds their sizes, and their sources their line counts', async () => {
    const readme = await read('README.md');
    expect(figure(readme, /`hex0` \(\*\*([\d,]+) bytes\*\*\) and `kaem`/, 'README.md')).toBe(await size('seeds/amd64/hex0'));
    expect(figure(readme, /`kaem` \(\*\*([\d,]+) bytes\*\*\), in `seeds\/amd64\/`/, 'README.md')).toBe(await size('seeds/amd64/kaem'));
    for (const seed of ['hex0', 'kaem']) {
      const row = new RegExp(
        `\\| \`${seed}\` seed \\| \\*\\*([\\d,]+) bytes\\*\\* \\(\`seeds/aarch64/${seed}\\.hex0\`, ([\\d,]+) lines\\)`,
      );
      expect(figure(readme, row, 'README.md')).toBe(await size(`seeds/aarch64/${seed}`));
      expect(number(row.exec(readme)![2]!)).toBe(await lineCount(`seeds/aarch64/${seed}.hex0`));
      for (const arch of ['amd64', 'aarch64']) {
        const table = await read(`seeds/${arch}/README.md`);
        expect(figure(table, new RegExp(`\\| \`${seed}\` \\| ([\\d,]+) bytes \\|`), `seeds/${arch}/README.md`)).toBe(
          await size(`seeds/${arch}/${seed}`),
        );
      }
    }
  });

  it('give the guest inits their sizes', async () => {
    const sandbox = await read('src/sandbox/README.md');
    expect(figure(sandbox, /far larger than ([\d,]+) bytes/, 'src/sandbox/README.md')).toBe(await size('src/sandbox/guest/amd64/init'));
    expect(figure(sandbox, /which AArch64 Linux lacks\), ([\d,]+) bytes/, 'src/sandbox/README.md')).toBe(
      await size('src/sandbox/guest/aarch64/init'),
    );
    expect(figure(await read('README.md'), /`src\/sandbox\/guest\/aarch64\/init\.hex0`, ([\d,]+) bytes/, 'README.md')).toBe(
      await size('src/sandbox/guest/aarch64/init'),
    );
  });

  it("give cc's sources their line counts (stages/amd64/07-cc/LANGUAGE.md)", async () => {
    const language = await read('stages/amd64/07-cc/LANGUAGE.md');
    const rows = [...language.matchAll(/^\| `([^`]+)` \| .* \| (\d+) \|$/gm)];
    expect(rows.length).toBeGreaterThanOrEqual(14);
    for (const [, file, lines] of rows) {
      const path = `stages/amd64/07-cc/${file!}`;
      const counted = file!.endsWith('/') ? await treeLines(path) : await lineCount(path);
      expect([file, number(lines!)]).toEqual([file, counted]);
    }
  });

  it('give the hand-written hex and assembly the lines `kindling audit --handwritten` counts', async () => {
    const count = await countChainHandwritten(await loadChain(join(REPO, 'stages', 'amd64')), join(REPO, 'seeds', 'amd64'));
    const readme = await read('README.md');
    expect(figure(readme, /counts the hand-written hex and assembly every stage reads: ([\d,]+) lines/, 'README.md')).toBe(count.total);
    expect(figure(readme, /lines, of which\s+([\d,]+) are the aarch64 chain's/, 'README.md')).toBe(count.fromSources?.total);
    expect(figure(readme, /The chain's own ([\d,]+) lines, from the seeds/, 'README.md')).toBe(count.stage0Posix?.counted);
  });

  it("give the aarch64 chain's hand-written lines as `kindling audit --chain stages/aarch64 --handwritten` counts them", async () => {
    const count = await countChainHandwritten(await loadChain(join(REPO, 'stages', 'aarch64')), join(REPO, 'seeds', 'aarch64'));
    const readme = await read('README.md');
    expect(figure(readme, /the aarch64 chain rests on ([\d,]+) hand-written\s+lines/, 'README.md')).toBe(count.total);
    expect(figure(readme, /--handwritten`: ([\d,]+) of code/, 'README.md')).toBe(count.code);
    expect(figure(readme, /--handwritten`: [\d,]+ of code, ([\d,]+) of comment only/, 'README.md')).toBe(count.comment);
    expect(figure(readme, /of comment only\), ([\d,]+) of them\s+`cc-aarch64\.M0`/, 'README.md')).toBe(count.fromSources?.total);
  });
});
