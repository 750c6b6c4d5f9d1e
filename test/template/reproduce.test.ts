import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sha256 } from '../../src/digest.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { buildTemplate } from '../../src/template/build.js';
import { reproduceTemplate } from '../../src/template/reproduce.js';
import { sha256 } from '../support/rig.js';
import { makeTemplateRig, RIG_STAGES, type TemplateRig } from './template-rig.js';

const sandbox = createBwrapSandbox();
const UPSTREAM = 'upstream source text\n';
let rig: TemplateRig;
let earlier: string;
let work: string;

// The base stage also reads an upstream source, declared by URL: a rebuild needs it from somewhere.
const stages = {
  ...RIG_STAGES,
  base: {
    ...RIG_STAGES.base!,
    script: `${RIG_STAGES.base!.script}/bin/busybox test -s /src/upstream.txt\n`,
    tweak: (manifest: Record<string, unknown>) =>
      (manifest.inputs as unknown[]).push({
        path: 'src/upstream.txt',
        url: 'https://example.invalid/upstream.txt',
        sha256: sha256(UPSTREAM),
      }),
  },
};

beforeAll(async () => {
  rig = await makeTemplateRig(stages);
  const store = await Store.open(rig.storeDir);
  // As `kindling fetch` would have left it: the source in the store under its hash.
  await store.importBytes(Buffer.from(UPSTREAM), sha256(UPSTREAM) as Sha256);
  earlier = join(rig.dir, 'out');
  const result = await buildTemplate({ chain: rig.chain, template: rig.template, store, sandbox, outDir: earlier });
  if (!result.ok) throw new Error('the first build failed');
  work = join(rig.dir, 'work');
  await mkdir(work);
});
afterAll(() => rig.cleanup());

describe('reproducing a template', () => {
  it('takes only sources from the old store, runs every stage again, and leaves nothing behind when identical', async () => {
    const result = await reproduceTemplate({
      chain: rig.chain,
      template: rig.template,
      sandbox,
      against: earlier,
      sourcesFrom: await Store.open(rig.storeDir),
      workDir: work,
    });
    if (!result.ok) throw new Error(JSON.stringify(result.build));
    expect(result.comparison).toEqual({ identical: true, differences: [] });
    expect([...result.build.stages.outcomes.values()].map((o) => o.status === 'verified' && o.cached)).toEqual([false, false]);
    expect(result.outDir).toBeUndefined();
    expect(await readdir(work)).toEqual([]);
  });

  it('fails, keeping its store for inspection, when a source is not to be had', async () => {
    // The chain's sources are fetched before any stage runs: a source no mirror serves stops it there.
    await expect(reproduceTemplate({ chain: rig.chain, template: rig.template, sandbox, against: earlier, workDir: work })).rejects.toThrow(
      /1 of 1 sources could not be obtained:\n  upstream\.txt/,
    );
    const kept = (await readdir(work)).filter((name) => name.startsWith(`kindling-reproduce-${rig.template.name}-`));
    expect(kept).toHaveLength(1);
    expect(await readdir(join(work, kept[0]!))).toContain('store');
  });
});
