import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyLines, countHandwritten } from '../../src/audit/handwritten.js';
import { handwrittenLines } from '../../src/audit/render-text.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('hand-written code counter', () => {
  it('splits lines into code, comment only and blank', () => {
    expect(classifyLines('# header\n\n48 89 e5  # mov rbp, rsp\n  ; note\n:label\n\t\n')).toEqual({ code: 2, comment: 2, blank: 2 });
  });

  it('counts .hex0/.hex1/.hex2/.M0/.M1 files under the seeds and chain directories once each, against stage0-posix', async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindling-handwritten-'));
    const seeds = join(dir, 'seeds');
    const chain = join(dir, 'chain');
    await mkdir(seeds);
    await mkdir(join(chain, '01-hex1'), { recursive: true });
    await writeFile(join(seeds, 'hex0.hex0'), '# hex0 seed\n7f 45 4c 46\n');
    await writeFile(join(chain, '01-hex1', 'hex1.hex0'), '# hex1\n# in hex0\n00 01\n02\n');
    await writeFile(join(chain, '01-hex1', 'cc.M1'), 'DEFINE x 00\n; comment\n');
    await writeFile(join(chain, '01-hex1', 'build.kaem'), 'bin/hex0 a b\n');
    await writeFile(join(chain, '01-hex1', 'notes.M0.txt'), 'not counted\n');
    await symlink(join(seeds, 'hex0.hex0'), join(chain, 'again.hex0'));
    const count = await countHandwritten([seeds, chain], chain, 'amd64');
    expect(count.files.map((f) => [f.path, f.code, f.comment])).toEqual([
      ['../seeds/hex0.hex0', 1, 1],
      ['01-hex1/cc.M1', 1, 1],
      ['01-hex1/hex1.hex0', 2, 2],
    ]);
    expect(count).toMatchObject({ code: 4, comment: 4, total: 8, stage0Posix: { lines: 7800 } });
    expect(count.stage0Posix?.ratio).toBeCloseTo(8 / 7800);
    expect(count.byExtension).toEqual({ '.hex0': { files: 2, code: 3, comment: 3 }, '.M1': { files: 1, code: 1, comment: 1 } });
    expect(handwrittenLines(count).at(-1)).toBe('  stage0-posix, hex0 to cc_amd64: about 7800 lines; ratio 0.00 (0%)');
    // stage0-posix's figure is its AMD64 path: another architecture's chain is not measured against it.
    const arm = await countHandwritten([seeds, chain], chain, 'aarch64');
    expect(arm.total).toBe(8);
    expect(arm.stage0Posix).toBeUndefined();
    expect(handwrittenLines(arm).join('\n')).not.toContain('stage0-posix');
  });
});
