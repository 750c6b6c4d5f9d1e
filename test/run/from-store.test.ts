// One backend runs only some stages, on results another backend built before them
// (`bootstrap --from-store DIR --stages a,b`): the stages they depend on are taken verified from the
// other store, never run, and a damaged or missing result there stops the run before any stage.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { runChain } from '../../src/run/run-chain.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { Store } from '../../src/store/store.js';
import { sha256Bytes } from '../../src/digest.js';
import { makeRig, sha256, type Rig, type RigStage } from '../support/rig.js';
import { kindling } from '../support/cli.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const THREE: Record<string, RigStage> = {
  first: { script: `printf 'one\\n' > /out/one\n`, outputs: { 'out/one': 'one\n' } },
  second: {
    script: `/bin/busybox cat /in/one /in/one > /out/two\n`,
    outputs: { 'out/two': 'one\none\n' },
    from: { 'in/one': ['first', 'out/one'] },
  },
  third: {
    script: `/bin/busybox cat /in/two /in/two > /out/four\n`,
    outputs: { 'out/four': 'one\none\none\none\n' },
    from: { 'in/two': ['second', 'out/two'] },
  },
};

/** The bubblewrap backend, noting which stage roots it was asked to run (by their script). */
function watched(): { sandbox: Sandbox; ran: string[] } {
  const inner = createBwrapSandbox();
  const ran: string[] = [];
  return {
    ran,
    sandbox: {
      ...inner,
      run: async (request) => {
        ran.push(await readFile(join(request.root, 'build.sh'), 'utf8'));
        return inner.run(request);
      },
    },
  };
}

async function build(storeDir: string) {
  const chain = await loadChain(rig!.chainDir);
  return runChain({ chain, store: await Store.open(storeDir), sandbox: createBwrapSandbox(), jobs: 1 });
}

describe('bootstrap --from-store', () => {
  it('runs only the named stages; what they depend on is taken verified from the other store, record and all', async () => {
    rig = await makeRig(THREE);
    const other = join(rig.dir, 'bwrap-store');
    expect((await build(other)).ok).toBe(true);
    const chain = await loadChain(rig.chainDir);
    const store = await Store.open(rig.storeDir);
    const { sandbox, ran } = watched();
    let taken: readonly string[] = [];
    const result = await runChain({
      chain,
      store,
      sandbox,
      until: ['third'],
      fromStore: await Store.open(other),
      onTaken: (t) => (taken = t),
    });
    expect(result.ok).toBe(true);
    expect(taken).toEqual(['first', 'second']);
    expect(ran).toEqual([THREE.third!.script]);
    // The taken record is the other store's, byte for byte: it still says what built it.
    const otherStore = await Store.open(other);
    const second = result.outcomes.get('second');
    if (second?.status !== 'verified') throw new Error('second not verified');
    expect(second.cached).toBe(true);
    expect(await readFile(store.recordPath(second.record.stageKey), 'utf8')).toEqual(
      await readFile(otherStore.recordPath(second.record.stageKey), 'utf8'),
    );
    expect(await readFile(store.objectPath(sha256Bytes('one\none\n')), 'utf8')).toBe('one\none\n');
  });

  it('stops before any stage runs when the other store lacks a result or holds a damaged one', async () => {
    rig = await makeRig(THREE);
    const other = join(rig.dir, 'bwrap-store');
    const chain = await loadChain(rig.chainDir);
    const { sandbox, ran } = watched();
    const attempt = async () =>
      runChain({
        chain,
        store: await Store.open(join(rig!.dir, `store-${Math.random()}`)),
        sandbox,
        until: ['third'],
        fromStore: await Store.open(other),
      });
    await expect(attempt()).rejects.toThrow(/--from-store .*: stage first has no result there/);

    expect((await build(other)).ok).toBe(true);
    const damaged = (await Store.open(other)).objectPath(sha256Bytes('one\n'));
    await chmod(damaged, 0o644);
    await writeFile(damaged, 'One\n');
    await expect(attempt()).rejects.toThrow(
      new RegExp(`stage first has a result there that is not used: output out/one: the stored object has sha256 ${sha256('One\n')}`),
    );
    expect(ran).toEqual([]);
  });

  it('is a usage error without --stages, and --stages with --until', async () => {
    const noStages = await kindling(['bootstrap', '--sandbox', 'bwrap', '--from-store', '/nonexistent']);
    expect(noStages.exitCode).toBe(2);
    expect(noStages.stderr).toContain('--from-store needs --stages');
    const both = await kindling(['bootstrap', '--sandbox', 'bwrap', '--until', 'a', '--stages', 'a']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('--until or --stages');
  });

  it('needs no upstream source of a stage it takes: sources are fetched for the stages that run', async () => {
    // first takes an upstream source, found in a distfiles directory only by the run that builds it.
    const upstream = 'upstream bytes\n';
    rig = await makeRig({
      ...THREE,
      first: {
        script: `/bin/busybox head -c 3 /src/upstream.txt > /out/one\n`,
        outputs: { 'out/one': 'ups' },
        tweak: (manifest) => {
          (manifest.inputs as unknown[]).push({
            path: 'src/upstream.txt',
            url: 'http://127.0.0.1:9/upstream.txt',
            sha256: sha256(upstream),
          });
        },
      },
      second: { ...THREE.second!, outputs: { 'out/two': 'upsups' } },
      third: { ...THREE.third!, outputs: { 'out/four': 'ups'.repeat(4) } },
    });
    const distfiles = join(rig.dir, 'distfiles');
    await mkdir(distfiles);
    await writeFile(join(distfiles, 'upstream.txt'), upstream);
    const other = join(rig.dir, 'bwrap-store');
    const chain = await loadChain(rig.chainDir);
    expect(
      (
        await runChain({
          chain,
          store: await Store.open(other),
          sandbox: createBwrapSandbox(),
          jobs: 1,
          sources: { distfiles: [distfiles] },
        })
      ).ok,
    ).toBe(true);
    // No distfiles now, and the URL leads nowhere: only third runs, on what first and second made.
    const { sandbox, ran } = watched();
    const result = await runChain({
      chain,
      store: await Store.open(rig.storeDir),
      sandbox,
      until: ['third'],
      fromStore: await Store.open(other),
      sources: { retries: 0 },
    });
    expect([...result.outcomes.values()].map((o) => o.status)).toEqual(['verified', 'verified', 'verified']);
    expect(result.ok).toBe(true);
    expect(ran).toEqual([THREE.third!.script]);
  });
});
