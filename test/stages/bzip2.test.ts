// Stage 12-bzip2 in the real chain, run by kindling under bubblewrap: bunzip2 (bzip2 1.0.8's
// library and the stage's driver, compiled by the chain's cc) and the TinyCC tarball it
// decompresses inside the chain. The host's bzip2 and tar are only the reference the chain's
// results are compared with. A corrupt tarball given to a copy of the chain must fail the stage
// with bunzip2's message and leave the store as it was.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src/digest.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, selectStages } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ensureSources } from '../../src/sources/ensure.js';
import { Store } from '../../src/store/store.js';
import { AMD64_CHAIN, DISTFILES, chainOutput, copyChains } from '../support/amd64.js';
import { chainOutputWithSources, distfile, runTool } from '../programs/unpack/tools.js';

const TCC_TARBALL = 'tcc-0.9.27-git20200814.62c30a4a.tar.bz2';
const TCC_TAR = 'src/tcc-0.9.27-git20200814.62c30a4a.tar';

let work: string;
let bunzip2: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-bzip2-'));
  bunzip2 = await chainOutputWithSources('bzip2', 'bin/bunzip2');
}, 300_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function hostBunzip2(path: string): Promise<Buffer> {
  const result = await execa('bzip2', ['-dc', path], { encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(result.stdout);
}

describe('stage 12-bzip2', () => {
  it('pins both tarballs by the sha256 the distfiles list', async () => {
    const chain = await loadChain(AMD64_CHAIN);
    const stage = chain.stages.find((s) => s.name === 'bzip2');
    const sums = readFileSync(join(distfile(TCC_TARBALL), '..', 'SHA256SUMS'), 'utf8');
    const sources = stage?.inputs.filter((i) => i.origin.kind === 'url') ?? [];
    expect(sources.map((s) => s.path)).toEqual(['src/bzip2-1.0.8.tar.gz', `${TCC_TAR}.bz2`]);
    for (const source of sources) expect(sums).toContain(`${source.sha256}  ${source.path.slice('src/'.length)}\n`);
  });

  it('decompresses the TinyCC tarball inside the chain to the bytes bzip2 -dc gives', async () => {
    const tar = await chainOutputWithSources('bzip2', TCC_TAR);
    expect((await readFile(tar)).equals(await hostBunzip2(distfile(TCC_TARBALL)))).toBe(true);
  });

  it('lists the archive as the chain-built untar lists it outside the chain', async () => {
    const tar = await chainOutputWithSources('bzip2', TCC_TAR);
    const list = await chainOutputWithSources('bzip2', `${TCC_TAR}.list`);
    const run = await runTool(await chainOutput('unpack', 'bin/untar'), ['-t', tar]);
    expect(run.exitCode).toBe(0);
    const text = await readFile(list, 'utf8');
    expect(text).toBe(run.stdout);
    const host = await execa('tar', ['-tjf', distfile(TCC_TARBALL)]);
    const hostFiles = host.stdout.split('\n').filter((l) => l !== '' && !l.endsWith('/'));
    expect(text.split('\n').filter((l) => l.startsWith('f ')).length).toBe(hostFiles.length);
    expect(text).toContain(' tcc.c\n');
  });

  it("decompresses bzip2's own sample files to its reference outputs", async () => {
    await execa('tar', ['-xzf', distfile('bzip2-1.0.8.tar.gz'), '-C', work]);
    for (const n of [1, 2, 3]) {
      const out = join(work, `sample${n}.out`);
      const run = await runTool(bunzip2, [join(work, 'bzip2-1.0.8', `sample${n}.bz2`), out]);
      expect(run).toEqual({ exitCode: 0, stdout: '', stderr: '' });
      expect((await readFile(out)).equals(await readFile(join(work, 'bzip2-1.0.8', `sample${n}.ref`)))).toBe(true);
    }
  });

  it('decompresses streams written one after another', async () => {
    const one = await execa('bzip2', ['-c'], { input: 'first\n', encoding: 'buffer' });
    const two = await execa('bzip2', ['-c'], { input: 'second\n', encoding: 'buffer' });
    writeFileSync(join(work, 'two.bz2'), Buffer.concat([Buffer.from(one.stdout), Buffer.from(two.stdout)]));
    const run = await runTool(bunzip2, [join(work, 'two.bz2'), join(work, 'two')]);
    expect(run.exitCode).toBe(0);
    expect(readFileSync(join(work, 'two'), 'utf8')).toBe('first\nsecond\n');
  });
});

describe('bunzip2 refuses bad input with one line, exit 1 and no output file', () => {
  let good: Buffer;
  beforeAll(async () => {
    good = await readFile(distfile(TCC_TARBALL));
  });

  async function expectRejected(name: string, data: Buffer, message: string): Promise<void> {
    const input = join(work, name);
    writeFileSync(input, data);
    const run = await runTool(bunzip2, [input, join(work, `${name}.out`)]);
    expect(run).toEqual({ exitCode: 1, stdout: '', stderr: `bunzip2: ${input}: ${message}\n` });
    expect(readdirSync(work)).not.toContain(`${name}.out`);
  }

  it('a flipped bit in a block (its block CRC no longer matches)', async () => {
    const bad = Buffer.from(good);
    bad[200_000] = (bad[200_000] ?? 0) ^ 0x10;
    await expectRejected('flipped.bz2', bad, 'corrupt data (a block or stream CRC does not match)');
  });

  it('a wrong stream CRC', async () => {
    const bad = Buffer.from(good);
    bad[bad.length - 3] = (bad[bad.length - 3] ?? 0) ^ 1;
    await expectRejected('crc.bz2', bad, 'corrupt data (a block or stream CRC does not match)');
  });

  it('a file cut short', async () => {
    await expectRejected('cut.bz2', good.subarray(0, 300_000), 'truncated (the stream ends early)');
  });

  it('bytes that are not bzip2, and an empty file', async () => {
    await expectRejected('text.bz2', Buffer.from('hello\n'), 'not bzip2 data (bad magic)');
    await expectRejected('empty.bz2', Buffer.alloc(0), 'empty input');
  });
});

describe('a corrupt TinyCC tarball fails the stage and stores nothing', () => {
  let chainDir: string;
  let store: Store;

  /** The files of the store: its objects and its records. */
  const storeListing = (): string[] =>
    readdirSync(store.root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /^(objects|stages)\//.test(relative(store.root, join(e.parentPath, e.name))))
      .map((e) => relative(store.root, join(e.parentPath, e.name)))
      .sort();

  beforeAll(async () => {
    chainDir = copyChains(join(work, 'copy'));
    store = await Store.open(join(work, 'store'));
    const chain = await loadChain(chainDir);
    const deps = selectStages(chain, 'bzip2').filter((s) => s.name !== 'bzip2');
    await ensureSources({ ...chain, stages: selectStages(chain, 'bzip2') }, store, { distfiles: DISTFILES, retries: 0 });
    for (const stage of deps) {
      const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), until: stage.name });
      expect(result.ok).toBe(true);
    }
  }, 300_000);

  /** Gives the stage `data` as the TinyCC tarball (a file beside its manifest) and runs it. */
  async function runWith(data: Buffer): Promise<{ ok: boolean; log: string }> {
    const stageDir = join(chainDir, '12-bzip2');
    writeFileSync(join(stageDir, 'bad.tar.bz2'), data);
    const manifest = readFileSync(join(AMD64_CHAIN, '12-bzip2', 'stage.yaml'), 'utf8');
    const source = /  - path: src\/tcc-[^\n]*\.tar\.bz2\n(    [^\n]*\n)+/.exec(manifest);
    expect(source).not.toBeNull();
    const replaced = `  - { path: ${TCC_TAR}.bz2, file: bad.tar.bz2, sha256: "${await sha256File(join(stageDir, 'bad.tar.bz2'))}" }\n`;
    writeFileSync(join(stageDir, 'stage.yaml'), manifest.replace(source?.[0] ?? '', replaced));
    const chain = await loadChain(chainDir);
    const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), until: 'bzip2' });
    const outcome = result.outcomes.get('bzip2');
    const log = outcome?.status === 'failed' && outcome.logFile !== undefined ? readFileSync(outcome.logFile, 'utf8') : '';
    if (outcome?.status === 'failed' && outcome.workDir !== undefined) await rm(outcome.workDir, { recursive: true, force: true });
    return { ok: result.ok, log };
  }

  it('a bad CRC', async () => {
    const before = storeListing();
    const bad = Buffer.from(await readFile(distfile(TCC_TARBALL)));
    bad[bad.length - 3] = (bad[bad.length - 3] ?? 0) ^ 1;
    const { ok, log } = await runWith(bad);
    expect(ok).toBe(false);
    expect(log).toContain(`bunzip2: ${TCC_TAR}.bz2: corrupt data (a block or stream CRC does not match)\n`);
    expect(storeListing()).toEqual(before);
  }, 120_000);

  it('a truncated file', async () => {
    const before = storeListing();
    const { ok, log } = await runWith((await readFile(distfile(TCC_TARBALL))).subarray(0, 500_000));
    expect(ok).toBe(false);
    expect(log).toContain(`bunzip2: ${TCC_TAR}.bz2: truncated (the stream ends early)\n`);
    expect(storeListing()).toEqual(before);
  }, 120_000);
});
