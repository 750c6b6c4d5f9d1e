import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { classifyLines, countChainHandwritten, countHandwritten } from '../../src/audit/handwritten.js';
import { renderHtml } from '../../src/audit/render-html.js';
import { handwrittenLines, renderText } from '../../src/audit/render-text.js';
import { loadChain } from '../../src/manifest/chain.js';
import { kindling, REPO } from '../support/cli.js';

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

  it("counts the files the stages declare from chain.yaml's sources, each once, and names where they come from", async () => {
    dir = await mkdtemp(join(tmpdir(), 'kindling-handwritten-'));
    const seeds = join(dir, 'seeds');
    const other = join(dir, 'other', '07-cc');
    const chain = join(dir, 'chain');
    await mkdir(seeds);
    await mkdir(join(other, 'tree'), { recursive: true });
    await writeFile(join(seeds, 'hex0'), 'seed bytes');
    await writeFile(join(seeds, 'hex0.hex0'), '# hex0 seed\n7f 45 4c 46\n');
    await writeFile(join(other, 'shared.M0'), '# shared by both stages\nDEFINE x 00\nDEFINE y 01\n\n');
    await writeFile(join(other, 'tree', 'inner.hex2'), ':label\n00\n');
    await writeFile(join(other, 'unused.M0'), 'DEFINE never 00\n');
    await mkdir(chain);
    await writeFile(join(chain, 'chain.yaml'), 'name: fixture\narch: amd64\nseeds: ../seeds\nsources: [../other/07-cc]\n');
    const hash = 'e'.repeat(64);
    const stage = async (name: string, inputs: string[]): Promise<void> => {
      await mkdir(join(chain, name));
      await writeFile(join(chain, name, 'own.hex1'), `# ${name}\n01 02\n`);
      await writeFile(
        join(chain, name, 'stage.yaml'),
        [
          `name: ${name.slice(3)}`,
          'inputs:',
          `  - { path: bin/hex0, seed: hex0, sha256: ${hash} }`,
          `  - { path: src/own.hex1, file: own.hex1, sha256: ${hash} }`,
          ...inputs.map((input) => `  - ${input}`),
          'run: { init: bin/hex0, timeout: 10 }',
          'outputs:',
          `  - { path: out, sha256: ${hash} }`,
          '',
        ].join('\n'),
      );
    };
    await stage('01-a', [`{ path: src/shared.M0, file: ../../other/07-cc/shared.M0, sha256: ${hash} }`]);
    await stage('02-b', [
      `{ path: lib/shared.M0, file: ../../other/07-cc/shared.M0, sha256: ${hash} }`,
      `{ path: src/tree, tree: ../../other/07-cc/tree, sha256: ${hash} }`,
    ]);
    const count = await countChainHandwritten(await loadChain(chain), seeds);
    expect(count.files.map((f) => [f.path, f.code + f.comment, f.from])).toEqual([
      ['../seeds/hex0.hex0', 2, undefined],
      ['01-a/own.hex1', 2, undefined],
      ['02-b/own.hex1', 2, undefined],
      ['../other/07-cc/shared.M0', 3, '../other/07-cc'],
      ['../other/07-cc/tree/inner.hex2', 2, '../other/07-cc'],
    ]);
    expect(count).toMatchObject({ total: 11, fromSources: { files: 2, code: 4, comment: 1, total: 5 } });
    // stage0-posix's AMD64 path is measured against the chain's own lines only.
    expect(count.stage0Posix).toMatchObject({ counted: 6, ratio: 6 / 7800 });
    const text = handwrittenLines(count);
    expect(text).toContain("  taken from chain.yaml's sources, outside this chain: 2 files, 5 lines (4 code, 1 comment only)");
    expect(text).toContain('    ../other/07-cc/shared.M0: 2 code, 1 comment only');
    expect(text.at(-1)).toBe("  stage0-posix, hex0 to cc_amd64: about 7800 lines; ratio of the chain's own 6 lines 0.00 (0%)");
  });

  it("counts cc-aarch64.M0, which the aarch64 chain takes from the amd64 chain's 07-cc, in the text, JSON and HTML reports", async () => {
    const chainDir = join(REPO, 'stages', 'aarch64');
    const asM0 = (await readFile(join(REPO, 'stages', 'amd64', '07-cc', 'cc-aarch64.M0'), 'utf8')).split('\n');
    const lines = classifyLines(asM0.join('\n'));
    const inOwnDirectories = await countHandwritten([join(REPO, 'seeds', 'aarch64'), chainDir], chainDir, 'aarch64');

    const { stdout, exitCode } = await kindling(['audit', '--chain', chainDir, '--handwritten', '--json']);
    expect(exitCode).toBe(0);
    const json = JSON.parse(stdout) as Awaited<ReturnType<typeof countChainHandwritten>>;
    const named = json.files.filter((f) => f.path.endsWith('cc-aarch64.M0'));
    expect(named).toEqual([{ path: '../amd64/07-cc/cc-aarch64.M0', extension: '.M0', ...lines, from: '../amd64/07-cc' }]);
    expect(json.total).toBe(inOwnDirectories.total + lines.code + lines.comment);
    expect(json.fromSources).toEqual({ files: 1, code: lines.code, comment: lines.comment, total: lines.code + lines.comment });

    const report = await audit({ chainDir });
    expect(report.handwritten).toEqual(json);
    expect(renderText(report)).toContain(`    ../amd64/07-cc/cc-aarch64.M0: ${lines.code} code, ${lines.comment} comment only`);
    expect(renderHtml(report)).toContain(
      `${lines.code + lines.comment} of these lines, in 1 file, are taken from chain.yaml's sources, outside this chain: <code>../amd64/07-cc/cc-aarch64.M0</code>`,
    );
  });

  it("keeps the amd64 chain's own count, and names apart what its aarch64 stages take from the aarch64 chain", async () => {
    const chainDir = join(REPO, 'stages', 'amd64');
    const chain = await loadChain(chainDir);
    const before = await countHandwritten([join(REPO, 'seeds', 'amd64'), chainDir], chainDir, 'amd64');
    const count = await countChainHandwritten(chain, join(REPO, 'seeds', 'amd64'));
    const own = count.files.filter((f) => f.from === undefined);
    expect(own).toEqual(before.files);
    expect(count.stage0Posix).toEqual(before.stage0Posix && { ...before.stage0Posix, counted: before.total });
    // Stages 20-aarch64-b0 and 21-aarch64-cc read the aarch64 chain's M0 and ELF header files.
    const taken = count.files.filter((f) => f.from !== undefined);
    expect(taken.map((f) => f.path)).toContain('../aarch64/06-b0/b0.M0');
    expect(new Set(taken.map((f) => f.from))).toEqual(new Set(['../aarch64']));
    expect(count.total).toBe(before.total + count.fromSources!.total);
  });
});
