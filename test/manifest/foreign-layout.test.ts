// A chain laid out as another project's bootstrap often is: its seeds under their own names and an
// upstream source tree beside the chain, read through chain.yaml's `sources` and `tree:` inputs.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kindling } from '../support/cli.js';
import { makeRig, type Rig } from '../support/rig.js';

const BB = '/bin/busybox';
const PLACEHOLDER = 'e'.repeat(64);
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** The rig's one stage, rewritten to read an upstream tree and a seed named by chain.yaml. */
async function foreignChain(script: string): Promise<{ stageFile: string; upstream: string }> {
  rig = await makeRig({ build: { script: '', outputs: { 'out/result': '' } } });
  const upstream = join(rig.dir, 'upstream');
  await mkdir(join(upstream, 'src', 'tools'), { recursive: true });
  await mkdir(join(upstream, 'bootstrap-seeds'), { recursive: true });
  await writeFile(join(upstream, 'src', 'hello.txt'), 'hello from upstream\n');
  await writeFile(join(upstream, 'src', 'tools', 'gen.sh'), `${BB} sed s/upstream/the-tree/ /src/hello.txt\n`);
  await chmod(join(upstream, 'src', 'tools', 'gen.sh'), 0o755);
  await writeFile(join(upstream, 'bootstrap-seeds', 'hex0-seed'), 'seed bytes');
  await writeFile(join(upstream, 'bootstrap-seeds', 'hex0_AMD64.hex0'), '# its source\n');
  await writeFile(
    join(rig.chainDir, 'chain.yaml'),
    [
      'name: foreign',
      'arch: amd64',
      'sources: [../upstream]',
      'seeds:',
      '  - { name: hex0, binary: ../upstream/bootstrap-seeds/hex0-seed, source: ../upstream/bootstrap-seeds/hex0_AMD64.hex0 }',
      '',
    ].join('\n'),
  );
  const stageDir = join(rig.chainDir, '01-build');
  await writeFile(join(stageDir, 'build.sh'), script);
  const stageFile = join(stageDir, 'stage.yaml');
  await writeFile(
    stageFile,
    [
      'name: build',
      'inputs:',
      `  - { path: bin/busybox, file: ../tools/busybox, sha256: ${PLACEHOLDER}, executable: true }`,
      `  - { path: build.sh, file: build.sh, sha256: ${PLACEHOLDER} }`,
      `  - { path: src, tree: ../../upstream/src, sha256: ${PLACEHOLDER} }`,
      `  - { path: seed/hex0, seed: hex0, sha256: ${PLACEHOLDER} }`,
      'run: { init: bin/busybox, args: [sh, /build.sh], timeout: 30 }',
      'outputs:',
      `  - { path: out/result, sha256: ${PLACEHOLDER} }`,
      '',
    ].join('\n'),
  );
  return { stageFile, upstream };
}

const readsTheTree = `${BB} sh /src/tools/gen.sh > /out/result; ${BB} cat /seed/hex0 >> /out/result\n`;

describe('a chain with named seeds and an upstream tree beside it', () => {
  it('is locked with one hash for the whole tree, then verifies from an empty store; a changed upstream file is caught', async () => {
    const { stageFile, upstream } = await foreignChain(readsTheTree);
    const locked = await kindling(['lock', '--chain', rig!.chainDir, '--store', rig!.storeDir]);
    expect(locked.all).toContain('chain locked');
    expect(locked.stdout).toContain('(tree ../../upstream/src)');
    expect(await readFile(stageFile, 'utf8')).not.toContain(PLACEHOLDER);

    const fresh = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig!.chainDir, '--store', join(rig!.dir, 'fresh')]);
    expect(fresh.all).toContain("chain 'foreign': 1 stage verified (bwrap)");
    expect(fresh.exitCode).toBe(0);

    await writeFile(join(upstream, 'src', 'hello.txt'), 'hello from somewhere else\n');
    const changed = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig!.chainDir, '--store', join(rig!.dir, 'fresh2')]);
    expect(changed.exitCode).toBe(1);
    expect(changed.stdout).toMatch(/input src from tree .*upstream\/src has sha256 [0-9a-f]{64}, the manifest expects/);
  });

  it('reports a stage that changes a file of its input tree', async () => {
    await foreignChain(`${readsTheTree}echo extra >> /src/hello.txt\n`);
    // lock stops at the first run: an input changed is not something lock writes down.
    const locked = await kindling(['lock', '--chain', rig!.chainDir, '--store', rig!.storeDir]);
    expect(locked.exitCode).toBe(1);
    expect(locked.stdout).toMatch(/the stage changed its input src \(expected [0-9a-f]{64}, found [0-9a-f]{64}\)/);
  });

  it('refuses a tree or a seed outside the chain directory when chain.yaml declares no source there', async () => {
    const { stageFile } = await foreignChain(readsTheTree);
    const chainYaml = join(rig!.chainDir, 'chain.yaml');
    await writeFile(chainYaml, (await readFile(chainYaml, 'utf8')).replace('sources: [../upstream]\n', ''));
    const noSources = await kindling(['lock', '--chain', rig!.chainDir, '--store', rig!.storeDir]);
    expect(noSources.exitCode).toBe(2);
    expect(noSources.stderr).toMatch(
      /chain\.yaml: seeds\[0\]\.binary: '..\/upstream\/bootstrap-seeds\/hex0-seed' resolves outside the chain directory/,
    );

    await writeFile(chainYaml, 'name: foreign\narch: amd64\nseeds: seeds\n');
    await writeFile(stageFile, (await readFile(stageFile, 'utf8')).replace(/  - \{ path: seed\/hex0.*\n/, ''));
    const treeOutside = await kindling(['lock', '--chain', rig!.chainDir, '--store', rig!.storeDir]);
    expect(treeOutside.exitCode).toBe(2);
    expect(treeOutside.stderr).toMatch(
      /01-build\/stage\.yaml: inputs\[path=src\]\.tree: '..\/..\/upstream\/src' resolves outside the chain directory/,
    );
  });
});
