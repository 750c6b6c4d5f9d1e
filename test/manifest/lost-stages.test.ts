// A chain never loses a stage silently, and a store path where no store can live fails at once:
// each case is an error naming the file, never a chain that runs one stage fewer and exits 0.
import { rename, symlink, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/manifest/errors.js';
import { loadChain } from '../../src/manifest/chain.js';
import { KindlingError } from '../../src/errors.js';
import { Store } from '../../src/store/store.js';
import { kindling } from '../support/cli.js';
import { makeRig, type Rig, type RigStage } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const twoStages: Record<string, RigStage> = {
  first: { script: 'printf 1 > /out/1\n', outputs: { 'out/1': '1' } },
  last: { script: 'printf 2 > /out/2\n', outputs: { 'out/2': '2' } },
};

async function loadError(chainDir: string): Promise<string> {
  try {
    await loadChain(chainDir);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('the chain loaded');
}

describe('a chain that would lose a stage', () => {
  it('refuses a stage.yaml that is a broken symbolic link', async () => {
    rig = await makeRig(twoStages);
    const manifest = join(rig.chainDir, '02-last', 'stage.yaml');
    await rm(manifest);
    await symlink('nowhere.yaml', manifest);
    expect(await loadError(rig.chainDir)).toMatch(/02-last\/stage\.yaml.*cannot be read \(ENOENT\)/);
  });

  it('refuses a stage manifest named stage.yml', async () => {
    rig = await makeRig(twoStages);
    await rename(join(rig.chainDir, '02-last', 'stage.yaml'), join(rig.chainDir, '02-last', 'stage.yml'));
    expect(await loadError(rig.chainDir)).toMatch(/02-last\/stage\.yml.*named stage\.yaml/);
  });

  it('refuses a stage.yaml that is a directory', async () => {
    rig = await makeRig(twoStages);
    await rm(join(rig.chainDir, '02-last', 'stage.yaml'));
    await mkdir(join(rig.chainDir, '02-last', 'stage.yaml'));
    expect(await loadError(rig.chainDir)).toContain('is not a regular file');
  });

  it('refuses a chain.yaml listing a stage directory outside the chain directory', async () => {
    rig = await makeRig(twoStages);
    await rename(join(rig.chainDir, '02-last'), join(rig.dir, 'elsewhere'));
    await writeFile(join(rig.chainDir, 'chain.yaml'), 'name: rig\narch: amd64\nseeds: seeds\nstages: [01-first, ../elsewhere]\n');
    expect(await loadError(rig.chainDir)).toMatch(/stages\[1\].*resolves outside the chain directory/);
  });
});

describe('a store where no store can live', () => {
  it('fails at once with one line, for the library and the command', async () => {
    await expect(Store.open('/proc/kindling-store')).rejects.toThrow(KindlingError);
    await expect(Store.open('/dev/null/store')).rejects.toThrow(/the store \/dev\/null\/store cannot be used \(ENOTDIR\)/);
    const result = await kindling(['status', '--store', '/proc/kindling-store']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/^kindling: the store \/proc\/kindling-store cannot be used \(ENOENT\)/);
  });
});
