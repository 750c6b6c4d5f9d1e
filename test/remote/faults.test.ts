// A hostile or broken remote, played by a real nginx whose files the test changes: an object
// replaced, a record removed, a statement replayed for another stage, the server stopping in the
// middle of a transfer, a slow server, an object over the size limit, halts. Each is caught or
// survived: the stage is left to build here and nothing wrong is stored.
import { cp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTrustedKeys } from '../../src/attest/key-files.js';
import type { PublicKey } from '../../src/attest/keys.js';
import { sha256File } from '../../src/digest.js';
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { DEFAULT_LIMITS, RemoteClient, type RemoteLimits } from '../../src/remote/http.js';
import { encodeDocument, resultIndexPath, type ResultIndex } from '../../src/remote/layout.js';
import { pullResults, RemoteHaltedError, type PullReport } from '../../src/remote/pull.js';
import { stageKey } from '../../src/run/stage-key.js';
import { Store } from '../../src/store/store.js';
import { removeTempDirs } from '../attest/rig.js';
import { startNginx, type Nginx } from '../../src/remote/local-nginx.js';
import type { Rig } from '../support/rig.js';
import { build, makeRebuilder, run, tempDir, threeStageChain, trustOf, type Rebuilder } from './remote-rig.js';

const BIG = 4_000_000;
let nginx: Nginx;
let rig: Rig;
let chain: Chain;
let dir: string;
let snapshot: string;
let alice: Rebuilder, bob: Rebuilder;
let trusted: ReadonlyMap<string, PublicKey>;
let trust: string;
let storeCount = 0;

beforeAll(async () => {
  nginx = await startNginx();
  rig = await threeStageChain(BIG);
  chain = await loadChain(rig.chainDir);
  dir = await tempDir('remote-faults');
  [alice, bob] = (await Promise.all(['alice', 'bob'].map((name) => makeRebuilder(dir, name)))) as [Rebuilder, Rebuilder];
  await build(rig, alice);
  await build(rig, bob);
  for (const rebuilder of [alice, bob]) {
    const pushed = await run(['push', '--remote', nginx.base, '--store', rebuilder.store, '--key', rebuilder.key]);
    expect(pushed.exitCode, pushed.all).toBe(0);
  }
  trust = await trustOf(dir, [alice, bob]);
  trusted = await loadTrustedKeys(trust);
  snapshot = join(dir, 'snapshot');
  await cp(nginx.root, snapshot, { recursive: true });
});

// Every test starts from the server as the two rebuilders left it.
beforeEach(async () => {
  await rm(nginx.root, { recursive: true, force: true });
  await cp(snapshot, nginx.root, { recursive: true });
});

afterAll(async () => {
  await nginx?.stop();
  await rig?.cleanup();
  await removeTempDirs();
});

async function pull(
  base: string,
  limits: Partial<RemoteLimits> = {},
  threshold = 2,
): Promise<{ report: PullReport; store: Store; warnings: string[] }> {
  const store = await Store.open(join(dir, 'stores', `puller-${storeCount++}`));
  const client = new RemoteClient(base, { ...DEFAULT_LIMITS, ...limits });
  const warnings: string[] = [];
  try {
    const report = await pullResults({
      chain,
      stages: chain.stages,
      store,
      client,
      trusted,
      threshold,
      onWarning: (message) => warnings.push(message),
    });
    return { report, store, warnings };
  } finally {
    await client.close();
  }
}

function statuses(report: PullReport): string[][] {
  return report.stages.map((entry) => [entry.stage, entry.status]);
}

/** Nothing wrong stored: every object hashes to its name, no temporary file is left, every record is the manifest's. */
async function expectSound(store: Store): Promise<void> {
  for (const sub of await readdir(join(store.root, 'objects'))) {
    for (const name of await readdir(join(store.root, 'objects', sub)))
      expect(await sha256File(join(store.root, 'objects', sub, name))).toBe(name);
  }
  expect(await readdir(join(store.root, 'tmp'))).toEqual([]);
  for (const name of await readdir(join(store.root, 'stages'))) {
    const record = JSON.parse(await readFile(join(store.root, 'stages', name), 'utf8')) as {
      stage: string;
      outputs: { path: string; sha256: string }[];
    };
    const stage = chain.stages.find((candidate) => candidate.name === record.stage)!;
    expect(record.outputs.map((o) => [o.path, o.sha256]).sort()).toEqual(stage.outputs.map((o) => [o.path, o.sha256]).sort());
  }
}

function stageNamed(name: string) {
  return chain.stages.find((stage) => stage.name === name)!;
}

async function readIndex(stage: string, rebuilder: Rebuilder): Promise<ResultIndex> {
  const keyId = [...trusted.values()].find((key) => key.name === rebuilder.name)!.keyId;
  return JSON.parse(await readFile(join(nginx.root, resultIndexPath(stageKey(stageNamed(stage)), keyId)), 'utf8')) as ResultIndex;
}

describe('a hostile or broken remote', () => {
  it('untouched, every stage is taken', async () => {
    const { report, store } = await pull(nginx.base);
    expect(statuses(report)).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'pulled'],
      ['gamma', 'pulled'],
    ]);
    await expectSound(store);
  });

  it('an object replaced on the server is refused by its hash, and the stage is built here', async () => {
    const output = stageNamed('beta').outputs[0]!;
    await writeFile(join(nginx.root, 'cas', output.sha256), 'alpha\nalpha, and a backdoor\n');
    const { report, store, warnings } = await pull(nginx.base);
    expect(statuses(report)).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'not-pulled'],
      ['gamma', 'pulled'],
    ]);
    expect(warnings.join('\n')).toMatch(
      /beta: not taken from the remote \(.*hashing to [0-9a-f]{64}, not its name: the object was replaced/,
    );
    expect(await store.has(output.sha256)).toBe(false);
    await expectSound(store);
    const built = await run(['bootstrap', '--chain', rig.chainDir, '--store', store.root, '--sandbox', 'bwrap', '--json']);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.stdout).toContain('"type":"stage-started","stage":"beta"');
    expect(await store.has(output.sha256)).toBe(true);
  });

  it('a record removed from the server leaves its signer out, and below the threshold the stage is built here', async () => {
    const index = await readIndex('gamma', alice);
    await rm(join(nginx.root, 'cas', index.record));
    const { report, store, warnings } = await pull(nginx.base);
    expect(statuses(report)).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'pulled'],
      ['gamma', 'not-pulled'],
    ]);
    expect(warnings.join('\n')).toContain(
      `gamma: alice's result on the remote is refused: record ${nginx.base}/cas/${index.record} is missing from the remote`,
    );
    await expectSound(store);
    // One honest signer is enough at threshold 1.
    const { report: atOne } = await pull(nginx.base, {}, 1);
    expect(statuses(atOne)).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'pulled'],
      ['gamma', 'pulled'],
    ]);
  });

  it('a statement replayed for another stage is refused, whether its index names the other run or this one', async () => {
    const keyId = [...trusted.values()].find((key) => key.name === 'alice')!.keyId;
    const alphaIndex = await readIndex('alpha', alice);
    const betaPath = join(nginx.root, resultIndexPath(stageKey(stageNamed('beta')), keyId));
    // Alice's alpha index, copied whole into her beta slot.
    await writeFile(betaPath, encodeDocument(alphaIndex));
    const first = await pull(nginx.base);
    expect(statuses(first.report)[1]).toEqual(['beta', 'not-pulled']);
    expect(first.warnings.join('\n')).toContain("beta: alice's result on the remote is refused");
    // An index rewritten to name beta's run, pointing at alice's signed statement about alpha.
    await writeFile(betaPath, encodeDocument({ ...alphaIndex, stageKey: stageKey(stageNamed('beta')) }));
    const second = await pull(nginx.base);
    expect(statuses(second.report)[1]).toEqual(['beta', 'not-pulled']);
    expect(second.warnings.join('\n')).toMatch(/the statement is about rig\/alpha .*not rig\/beta .*replayed from another stage/);
    await expectSound(first.store);
    await expectSound(second.store);
  });

  it('an object over the size limit is not taken', async () => {
    const { report, store, warnings } = await pull(nginx.base, { maxObjectBytes: 1_000_000 });
    expect(statuses(report)).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'pulled'],
      ['gamma', 'not-pulled'],
    ]);
    expect(warnings.join('\n')).toMatch(/gamma: not taken .*over the limit of 1000000/);
    await expectSound(store);
  });

  it('a slow server is cut off at the deadline; what arrived in time is kept', async () => {
    const slow = await startNginx({ root: nginx.root, directives: ['limit_rate 256k;'] });
    try {
      const { report, store, warnings } = await pull(slow.base, { deadlineMs: 2_000 });
      expect(statuses(report)).toEqual([
        ['alpha', 'pulled'],
        ['beta', 'pulled'],
        ['gamma', 'not-pulled'],
      ]);
      expect(warnings.join('\n')).toMatch(/gamma: not taken .*no complete answer within 2 s/);
      await expectSound(store);
    } finally {
      await slow.stop();
    }
  });

  it('a server that stops in the middle of a transfer leaves no partial object behind', async () => {
    const slow = await startNginx({ root: nginx.root, directives: ['limit_rate 256k;'] });
    const store = await Store.open(join(dir, 'stores', `puller-${storeCount++}`));
    const client = new RemoteClient(slow.base);
    const warnings: string[] = [];
    const pulling = pullResults({
      chain,
      stages: chain.stages,
      store,
      client,
      trusted,
      threshold: 2,
      onWarning: (message) => warnings.push(message),
    });
    // Stop the server once the large object is arriving: a temporary file part-way to its size.
    for (let waited = 0; waited < 400; waited += 1) {
      const temps = (await readdir(join(store.root, 'tmp'))).filter((name) => name.startsWith('pull.'));
      const sizes = await Promise.all(
        temps.map((name) =>
          stat(join(store.root, 'tmp', name)).then(
            (s) => s.size,
            () => 0,
          ),
        ),
      );
      if (sizes.some((size) => size > 100_000)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await slow.stop();
    const report = await pulling;
    await client.close();
    expect(statuses(report)).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'pulled'],
      ['gamma', 'not-pulled'],
    ]);
    expect(warnings.join('\n')).toMatch(/gamma: not taken from the remote/);
    await expectSound(store);
  });

  it('a halt published on the remote stops every pull until it is released', async () => {
    const halt = await run([
      'attest',
      'halt',
      '--chain',
      'rig',
      '--reason',
      'beta differs between rebuilders',
      '--key',
      alice.key,
      '--out',
      join(dir, 'halts'),
    ]);
    expect(halt.exitCode, halt.all).toBe(0);
    const haltFile = halt.stdout.trim();
    expect(
      (await run(['push', '--remote', nginx.base, '--store', join(dir, 'empty-store'), '--key', alice.key, '--halt', haltFile])).exitCode,
    ).toBe(0);
    await expect(pull(nginx.base, {}, 1)).rejects.toThrow(RemoteHaltedError);
    const refused = await run([
      'bootstrap',
      '--chain',
      rig.chainDir,
      '--store',
      join(dir, 'halted-store'),
      '--sandbox',
      'bwrap',
      '--remote',
      nginx.base,
      '--trust',
      trust,
      '--threshold',
      '1',
    ]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('halted by trusted signers');
    expect(refused.stderr).toContain('beta differs between rebuilders');
    // One halter is below a threshold of two: a warning for the auditor, not a stop.
    const { report: atTwo } = await pull(nginx.base, {}, 2);
    expect(statuses(atTwo).map(([, status]) => status)).toEqual(['pulled', 'pulled', 'pulled']);

    await new Promise((resolve) => setTimeout(resolve, 5));
    const release = await run([
      'attest',
      'release',
      '--chain',
      'rig',
      '--reason',
      'beta explained',
      '--key',
      alice.key,
      '--out',
      join(dir, 'halts'),
    ]);
    expect(
      (
        await run([
          'push',
          '--remote',
          nginx.base,
          '--store',
          join(dir, 'empty-store'),
          '--key',
          alice.key,
          '--halt',
          release.stdout.trim(),
        ])
      ).exitCode,
    ).toBe(0);
    const { report } = await pull(nginx.base, {}, 1);
    expect(statuses(report).map(([, status]) => status)).toEqual(['pulled', 'pulled', 'pulled']);
  });
});
