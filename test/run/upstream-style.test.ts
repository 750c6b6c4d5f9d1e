// A chain written as another project's bootstrap is laid out: its seeds under upstream's names and
// an upstream source tree beside the chain (read as one `tree:` input per stage), tools and
// temporaries in one directory (artifact/), scripts passed as arguments. Written with placeholder
// hashes and `kindling lock`; then it verifies from empty stores under bubblewrap and under qemu
// with the same bytes, `audit` finds nothing wrong, and `trace` names what each stage reads. The
// programs are kindling's own seeds and early stages, so the test needs nothing from the network.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, kindling } from '../support/cli.js';

const PLACEHOLDER = `"${'e'.repeat(64)}"`;
const SEED = 'bootstrap-seeds/POSIX/AMD64';
let dir: string;
let chainDir: string;

function stageYaml(name: string, inputs: string[], script: string, outputs: string[]): string {
  return [
    '# yaml-language-server: $schema=../../schema/stage.schema.json',
    `name: ${name}`,
    'inputs:',
    `  - { path: ${SEED}/kaem-optional-seed, seed: kaem, sha256: ${PLACEHOLDER} }`,
    ...inputs.map((line) => `  - ${line}`),
    `  - { path: AMD64, tree: ../../upstream/AMD64, sha256: ${PLACEHOLDER} }`,
    `run: { init: ${SEED}/kaem-optional-seed, args: [AMD64/${script}], timeout: 120 }`,
    'outputs:',
    ...outputs.map((path) => `  - { path: ${path}, sha256: ${PLACEHOLDER}, executable: true }`),
    '',
  ].join('\n');
}

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
  // Tools and what they make share one directory, as in upstream's scripts.
  await writeFile(
    join(upstream, 'AMD64', 'mini-1.kaem'),
    [`${SEED}/hex0-seed AMD64/hex0_AMD64.hex0 artifact/hex0`, 'artifact/hex0 AMD64/hex1_AMD64.hex0 artifact/hex1', ''].join('\n'),
  );
  await writeFile(join(upstream, 'AMD64', 'mini-2.kaem'), ['artifact/hex1 AMD64/hex2_AMD64.hex1 artifact/hex2', ''].join('\n'));

  chainDir = join(dir, 'chain');
  await mkdir(join(chainDir, '01-mini-1'), { recursive: true });
  await mkdir(join(chainDir, '02-mini-2'), { recursive: true });
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
    join(chainDir, '01-mini-1', 'stage.yaml'),
    stageYaml('mini-1', [`{ path: ${SEED}/hex0-seed, seed: hex0, sha256: ${PLACEHOLDER} }`], 'mini-1.kaem', [
      'artifact/hex0',
      'artifact/hex1',
    ]),
  );
  await writeFile(
    join(chainDir, '02-mini-2', 'stage.yaml'),
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
    expect(await readFile(join(chainDir, '01-mini-1', 'stage.yaml'), 'utf8')).not.toContain('e'.repeat(64));

    const bwrap = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', chainDir, '--store', join(dir, 'store-bwrap')]);
    expect(bwrap.all).toContain("chain 'upstream-style': 2 stages verified (bwrap)");
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
      '--store',
      join(dir, 'store-qemu'),
    ]);
    expect(qemu.all).toContain("chain 'upstream-style': 2 stages verified (qemu)");
    const fromBwrap = await outputsOf(join(dir, 'store-bwrap'));
    expect(await outputsOf(join(dir, 'store-qemu'))).toEqual(fromBwrap);
    // The hex0 the chain rebuilds is the seed it started from, byte for byte.
    expect(JSON.stringify(fromBwrap)).toContain(
      JSON.stringify({ path: 'artifact/hex0', sha256: '50f18e656c571b3bf37d3e1fb6004a617d9f80aa19c24a8984c0c5880ef2f1ca' }),
    );

    const audit = await kindling(['audit', '--chain', chainDir, '--records', join(dir, 'store-qemu')]);
    expect(audit.all).not.toMatch(/\berror\b/i);
    // The scripts, files of the upstream tree passed as arguments, are read: every program they
    // run is a seed or made earlier in the same stage, and none is an upstream binary.
    expect(audit.all).toContain(
      `runs: ${SEED}/kaem-optional-seed ← seed kaem; ${SEED}/hex0-seed ← seed hex0; artifact/hex0 ← built-here made by AMD64/mini-1.kaem:1`,
    );
    expect(audit.all).toContain(`runs: ${SEED}/kaem-optional-seed ← seed kaem; artifact/hex1 ← stage mini-1:artifact/hex1`);
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
    await mkdir(broken, { recursive: true });
    await copyFile(join(chainDir, 'chain.yaml'), join(broken, 'chain.yaml'));
    await mkdir(join(broken, '01-mini-1'));
    const manifest = await readFile(join(chainDir, '01-mini-1', 'stage.yaml'), 'utf8');
    await writeFile(join(broken, '01-mini-1', 'stage.yaml'), manifest.replace('path: artifact/hex1,', 'path: AMD64/hex1,'));
    const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', broken, '--store', join(dir, 'store-broken')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("outputs[1].path: 'AMD64/hex1' overlaps 'AMD64'");
  }, 60_000);
});
