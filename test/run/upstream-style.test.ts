// A chain written as another project's bootstrap is laid out: its seeds under upstream's names and
// an upstream source tree beside the chain (read as one `tree:` input per stage), tools and
// temporaries in one directory (artifact/), and scripts in upstream kaem's dialect — variables,
// continuations, comments at line ends, `cd`, PATH, `set -x`, a script that runs another —
// passed with `--file`. The runner that executes that dialect is kindling's stage 18-kaem, built
// in the chain itself: the chain takes kindling's stages from hex0 to cc and 18-kaem as they are
// (copied beside its own), so every program still traces to the two seeds. Written with
// placeholder hashes and `kindling lock`; then it verifies from empty stores under bubblewrap and
// (the runner and the upstream-style stages) under qemu with the same bytes, `audit` reads every
// script — the nested one too — and finds nothing wrong, and `trace` names what each stage reads.
// Nothing comes from the network.
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, kindling } from '../support/cli.js';

const PLACEHOLDER = `"${'e'.repeat(64)}"`;
const SEED = 'bootstrap-seeds/POSIX/AMD64';
/** kindling's stages this chain takes as they are: from hex0 to cc, and the kaem cc builds. */
const KINDLING_STAGES = ['01-hex0', '02-hex1', '03-hex2', '04-catm', '05-M0', '06-b0', '07-cc', '18-kaem', 'common'];
let dir: string;
let chainDir: string;

function stageYaml(name: string, inputs: string[], script: string, outputs: string[], scratch = false): string {
  return [
    '# yaml-language-server: $schema=../../schema/stage.schema.json',
    `name: ${name}`,
    'inputs:',
    `  - { path: tools/kaem, stage: kaem, output: bin/kaem, sha256: ${PLACEHOLDER} }`,
    ...inputs.map((line) => `  - ${line}`),
    `  - { path: AMD64, tree: ../../upstream/AMD64, sha256: ${PLACEHOLDER} }`,
    `run: { init: tools/kaem, args: [--verbose, --file, AMD64/${script}], timeout: 120 }`,
    'outputs:',
    ...outputs.map((path) => `  - { path: ${path}, sha256: ${PLACEHOLDER}, executable: true }`),
    ...(scratch ? ['scratch: [tmp]'] : []),
    '',
  ].join('\n');
}

/** mini-1: hex0 rebuilds itself and assembles hex1 from inside artifact/; a second script, with the caller's variables, tries hex1 on hex2's source. */
const MINI_1 = [
  '# mini-1.kaem — hex0 from its seed, then hex1, written as upstream writes its steps',
  'set -ex',
  'ARCH="AMD64"                         # the directory of the architecture',
  'SEEDS=bootstrap-seeds/POSIX/${ARCH}',
  '${SEEDS}/hex0-seed ${ARCH}/hex0_${ARCH}.hex0 \\',
  '    artifact/hex0',
  'cd artifact',
  './hex0 ../${ARCH}/hex1_${ARCH}.hex0 hex1   # the rebuilt hex0 assembles hex1',
  'cd ..',
  'tools/kaem --verbose --file ${ARCH}/mini-1-again.kaem',
  '',
].join('\n');
const MINI_1_AGAIN = ['# run by mini-1.kaem, whose ARCH it sees', 'artifact/hex1 ${ARCH}/hex2_${ARCH}.hex1 tmp/hex2-early', ''].join('\n');
/** mini-2: hex2 assembled by hex1, found through PATH. */
const MINI_2 = ['set -x', 'PATH=artifact', 'hex1 AMD64/hex2_AMD64.hex1 \\', '  artifact/hex2', ''].join('\n');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-upstream-style-'));
  const upstream = join(dir, 'upstream');
  await mkdir(join(upstream, SEED), { recursive: true });
  await mkdir(join(upstream, 'AMD64'), { recursive: true });
  const copy = (from: string, to: string): Promise<void> => copyFile(join(REPO, from), join(upstream, to));
  await copy('seeds/amd64/hex0', `${SEED}/hex0-seed`);
  await copy('seeds/amd64/kaem', `${SEED}/kaem-optional-seed`);
  await copy('seeds/amd64/hex0.hex0', 'AMD64/hex0_AMD64.hex0');
  await copy('seeds/amd64/kaem.hex0', 'AMD64/kaem-minimal.hex0');
  await copy('stages/amd64/02-hex1/hex1.hex0', 'AMD64/hex1_AMD64.hex0');
  await copy('stages/amd64/03-hex2/hex2.hex1', 'AMD64/hex2_AMD64.hex1');
  await writeFile(join(upstream, 'AMD64', 'README'), 'upstream notes no stage reads\n');
  await writeFile(join(upstream, 'AMD64', 'mini-1.kaem'), MINI_1);
  await writeFile(join(upstream, 'AMD64', 'mini-1-again.kaem'), MINI_1_AGAIN);
  await writeFile(join(upstream, 'AMD64', 'mini-2.kaem'), MINI_2);

  chainDir = join(dir, 'chain');
  for (const stage of KINDLING_STAGES) await cp(join(REPO, 'stages', 'amd64', stage), join(chainDir, stage), { recursive: true });
  await mkdir(join(chainDir, '20-mini-1'), { recursive: true });
  await mkdir(join(chainDir, '21-mini-2'), { recursive: true });
  await writeFile(
    join(chainDir, 'chain.yaml'),
    [
      'name: upstream-style',
      'arch: amd64',
      'sources: [../upstream]',
      'seeds:',
      `  - { name: hex0, binary: ../upstream/${SEED}/hex0-seed, source: ../upstream/AMD64/hex0_AMD64.hex0 }`,
      `  - { name: kaem, binary: ../upstream/${SEED}/kaem-optional-seed, source: ../upstream/AMD64/kaem-minimal.hex0 }`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(chainDir, '20-mini-1', 'stage.yaml'),
    stageYaml(
      'mini-1',
      [`{ path: ${SEED}/hex0-seed, seed: hex0, sha256: ${PLACEHOLDER} }`],
      'mini-1.kaem',
      ['artifact/hex0', 'artifact/hex1'],
      true,
    ),
  );
  await writeFile(
    join(chainDir, '21-mini-2', 'stage.yaml'),
    stageYaml('mini-2', [`{ path: artifact/hex1, stage: mini-1, output: artifact/hex1, sha256: ${PLACEHOLDER} }`], 'mini-2.kaem', [
      'artifact/hex2',
    ]),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface StatusJson {
  readonly stages: readonly {
    readonly stage: string;
    readonly verified: boolean;
    readonly record?: { readonly outputs: readonly { path: string; sha256: string }[] };
  }[];
}

async function outputsOf(store: string): Promise<unknown> {
  const status = await kindling(['status', '--json', '--chain', chainDir, '--store', store]);
  expect(status.exitCode).toBe(0);
  const parsed = JSON.parse(status.stdout) as StatusJson;
  return parsed.stages.map((s) => [s.stage, s.verified, s.record?.outputs]);
}

describe('a chain in the style of an upstream bootstrap', () => {
  it('is locked, then gives the same bytes under bubblewrap and qemu, and is audited without an error', async () => {
    const locked = await kindling(['lock', '--chain', chainDir, '--store', join(dir, 'store-lock')]);
    expect(locked.all).toContain('chain locked');
    expect(locked.exitCode).toBe(0);
    expect(await readFile(join(chainDir, '20-mini-1', 'stage.yaml'), 'utf8')).not.toContain('e'.repeat(64));

    const bwrap = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', chainDir, '--store', join(dir, 'store-bwrap')]);
    expect(bwrap.all).toContain("chain 'upstream-style': 10 stages verified (bwrap)");
    // Under qemu the runner and the upstream-style stages run; hex0 to cc come from bubblewrap's
    // store (their equivalence under both backends is the amd64 chain's own test).
    const qemu = await kindling([
      'bootstrap',
      '--sandbox',
      'qemu',
      '--accel',
      'tcg',
      '--jobs',
      '1',
      '--chain',
      chainDir,
      '--stages',
      'kaem,mini-1,mini-2',
      '--from-store',
      join(dir, 'store-bwrap'),
      '--store',
      join(dir, 'store-qemu'),
    ]);
    expect(qemu.all).toContain("chain 'upstream-style': 3 stages verified (qemu)");
    const fromBwrap = await outputsOf(join(dir, 'store-bwrap'));
    expect(await outputsOf(join(dir, 'store-qemu'))).toEqual(fromBwrap);
    // The hex0 the chain rebuilds is the seed it started from, byte for byte.
    expect(JSON.stringify(fromBwrap)).toContain(
      JSON.stringify({ path: 'artifact/hex0', sha256: '50f18e656c571b3bf37d3e1fb6004a617d9f80aa19c24a8984c0c5880ef2f1ca' }),
    );

    const audit = await kindling(['audit', '--chain', chainDir, '--records', join(dir, 'store-qemu')]);
    expect(audit.all).not.toMatch(/\berror\b/i);
    // The scripts, files of the upstream tree passed as arguments, are read (the one mini-1 runs
    // too: only it runs artifact/hex1): every program they run is a seed, the runner built by the
    // chain, or made earlier in the same stage, and none is an upstream binary.
    expect(audit.all).toContain(
      `runs: tools/kaem ← stage kaem:bin/kaem; ${SEED}/hex0-seed ← seed hex0; artifact/hex0 ← built-here made by AMD64/mini-1.kaem:5; artifact/hex1 ← built-here made by AMD64/mini-1.kaem:8`,
    );
    expect(audit.all).toContain('runs: tools/kaem ← stage kaem:bin/kaem; artifact/hex1 ← stage mini-1:artifact/hex1');
    expect(audit.all).toContain('PASS: 0 errors, 0 warnings');
    expect(audit.exitCode).toBe(0);
  }, 600_000);

  it('trace names the tree files each stage reads, and the one it never reads stays out', async () => {
    const traced = await kindling(['trace', 'mini-2', '--chain', chainDir, '--store', join(dir, 'store-bwrap')]);
    expect(traced.exitCode).toBe(0);
    expect(traced.stdout).toContain('  AMD64/hex2_AMD64.hex1  (in input AMD64)');
    expect(traced.stdout).toContain('  - { path: AMD64/mini-2.kaem, file: ../../upstream/AMD64/mini-2.kaem, sha256: "');
    expect(traced.stdout).not.toContain('AMD64/README');
    expect(traced.stdout).toContain('  artifact/hex2  (a declared output)');
  }, 120_000);

  it('refuses an output inside an input tree, naming the file and field', async () => {
    const broken = join(dir, 'broken');
    await cp(chainDir, broken, { recursive: true });
    const manifest = await readFile(join(chainDir, '20-mini-1', 'stage.yaml'), 'utf8');
    await writeFile(join(broken, '20-mini-1', 'stage.yaml'), manifest.replace('path: artifact/hex1,', 'path: AMD64/hex1,'));
    const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', broken, '--store', join(dir, 'store-broken')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("outputs[1].path: 'AMD64/hex1' overlaps 'AMD64'");
  }, 60_000);
});
