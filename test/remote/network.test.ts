// Rebuilders sharing results through a real nginx: two honest, one whose result was tampered with.
// The honest two agree; a fresh machine takes their results and builds nothing; the tampered result
// is refused, reported with both hashes, and kept as evidence, locally and on the server.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../attest/rig.js';
import { startNginx, type Nginx } from '../../src/remote/local-nginx.js';
import type { Rig } from '../support/rig.js';
import { build, makeRebuilder, run, tamper, tempDir, threeStageChain, trustOf, type Rebuilder } from './remote-rig.js';

let nginx: Nginx;
let rig: Rig;
let dir: string;
let alice: Rebuilder, bob: Rebuilder, carol: Rebuilder;
let tampered: { honest: string; tampered: string };

beforeAll(async () => {
  nginx = await startNginx();
  rig = await threeStageChain();
  dir = await tempDir('remote-network');
  [alice, bob, carol] = (await Promise.all(['alice', 'bob', 'carol'].map((name) => makeRebuilder(dir, name)))) as [
    Rebuilder,
    Rebuilder,
    Rebuilder,
  ];
  for (const rebuilder of [alice, bob, carol]) await build(rig, rebuilder);
  tampered = await tamper(carol, 'beta', 'out/beta.txt', 'alpha\nalpha, and a backdoor\n');
  for (const rebuilder of [alice, bob, carol]) {
    const pushed = await run(['push', '--remote', nginx.base, '--store', rebuilder.store, '--key', rebuilder.key]);
    expect(pushed.exitCode, pushed.all).toBe(0);
    expect(pushed.all).toContain('3 result(s) signed by');
  }
});

afterAll(async () => {
  await nginx?.stop();
  await rig?.cleanup();
  await removeTempDirs();
});

describe('a network of rebuilders on nginx', () => {
  it('stores objects, records and statements in the Bazel cache layout, and never the same object twice', async () => {
    const cas = await readdir(join(nginx.root, 'cas'));
    const ac = await readdir(join(nginx.root, 'ac'));
    expect(cas.every((name) => /^[0-9a-f]{64}$/.test(name))).toBe(true);
    // Three signers, three stages: one index each.
    expect(ac).toHaveLength(9);
    // The tampered output is on the server too, where its publisher put it.
    expect(cas).toContain(tampered.tampered);
    expect(cas).toContain(tampered.honest);
    const second = await run(['push', '--remote', nginx.base, '--store', alice.store, '--key', alice.key]);
    // Output and log already there; only the three small indexes are written again.
    expect(second.all).toMatch(/pushed rig\/alpha \(0 object\(s\) sent, 2 already there\)/);
    expect(Number(/\((\d+) bytes sent\)/.exec(second.all)?.[1])).toBeLessThan(2000);
  });

  it('a fresh machine takes the agreed results and builds nothing; the tampered one is refused and kept as evidence', async () => {
    const dave = await makeRebuilder(dir, 'dave');
    const trust = await trustOf(dir, [alice, bob, carol]);
    // No --threshold: the default (two signers, a majority of three) is used and said.
    const result = await run([
      'bootstrap',
      '--chain',
      rig.chainDir,
      '--store',
      dave.store,
      '--sandbox',
      'bwrap',
      '--remote',
      nginx.base,
      '--trust',
      trust,
      '--json',
    ]);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stderr).toContain('remote: a pulled result counts when 2 of the 3 trusted signers agree (the default');
    const events = result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            stage?: string;
            cached?: boolean;
            stages?: { stage: string; status: string; signers?: string[] }[];
          },
      );
    // Nothing ran: every stage was verified from the store the pull filled.
    expect(events.filter((event) => event.type === 'stage-started')).toEqual([]);
    expect(events.filter((event) => event.type === 'stage-verified').map((event) => [event.stage, event.cached])).toEqual([
      ['alpha', true],
      ['beta', true],
      ['gamma', true],
    ]);
    const pull = events.find((event) => event.type === 'pull-finished');
    expect(pull?.stages?.map((entry) => [entry.stage, entry.status, entry.signers])).toEqual([
      ['alpha', 'pulled', ['alice', 'bob', 'carol']],
      ['beta', 'pulled', ['alice', 'bob']],
      ['gamma', 'pulled', ['alice', 'bob', 'carol']],
    ]);
    // The disagreement, with both hashes, on stderr.
    expect(result.stderr).toContain(`beta: carol claim out/beta.txt is ${tampered.tampered}, but the manifest says ${tampered.honest}`);
    // The evidence: the tampered bytes, kept locally beside a report, and still on the server.
    const kept = await readFile(join(dave.store, 'evidence', 'objects', tampered.tampered), 'utf8');
    expect(kept).toBe('alpha\nalpha, and a backdoor\n');
    expect((await stat(join(nginx.root, 'cas', tampered.tampered))).isFile()).toBe(true);
    // The records say where the results came from, and are not signed again as dave's rebuilds.
    const records = await readdir(join(dave.store, 'stages'));
    expect(records).toHaveLength(3);
    const attest = await run(['attest', '--records', dave.store, '--key', dave.key, '--out', join(dir, 'dave-statements')]);
    expect(attest.exitCode).not.toBe(0);
    expect(attest.stderr).toContain('no provenance records');
    const audit = await run(['audit', '--chain', rig.chainDir, '--store', dave.store]);
    expect(audit.stdout).toContain(`evidence: beta out/beta.txt: manifest ${tampered.honest}, carol ${tampered.tampered}`);
    expect(audit.stdout).toContain(join(dave.store, 'evidence', 'objects', tampered.tampered));
  });

  it('below the threshold a stage is built here, and results signed by untrusted keys count for nothing', async () => {
    const erin = await makeRebuilder(dir, 'erin');
    // alice and carol: for beta one says honest, one tampered, so two agreeing signers cannot be found.
    const trust = await trustOf(dir, [alice, carol]);
    const result = await run([
      'pull',
      '--chain',
      rig.chainDir,
      '--store',
      erin.store,
      '--remote',
      nginx.base,
      '--trust',
      trust,
      '--threshold',
      '2',
      '--json',
    ]);
    expect(result.exitCode, result.all).toBe(0);
    const report = JSON.parse(result.stdout) as { stages: { stage: string; status: string }[]; disagreements: { claimed: string }[] };
    expect(report.stages.map((entry) => [entry.stage, entry.status])).toEqual([
      ['alpha', 'pulled'],
      ['beta', 'not-pulled'],
      ['gamma', 'pulled'],
    ]);
    expect(report.disagreements.map((entry) => entry.claimed)).toEqual([tampered.tampered]);
    const built = await run(['bootstrap', '--chain', rig.chainDir, '--store', erin.store, '--sandbox', 'bwrap', '--json']);
    expect(built.exitCode, built.all).toBe(0);
    expect(built.stdout).toContain('"type":"stage-started","stage":"beta"');
    expect(built.stdout).not.toContain('"type":"stage-started","stage":"alpha"');

    // Nobody here is trusted: nothing is taken.
    const frank = await makeRebuilder(dir, 'frank');
    const nobody = await trustOf(dir, [frank]);
    const none = await run([
      'pull',
      '--chain',
      rig.chainDir,
      '--store',
      frank.store,
      '--remote',
      nginx.base,
      '--trust',
      nobody,
      '--threshold',
      '1',
      '--json',
    ]);
    expect((JSON.parse(none.stdout) as { stages: { status: string }[] }).stages.map((entry) => entry.status)).toEqual([
      'not-pulled',
      'not-pulled',
      'not-pulled',
    ]);
  });

  it('one trusted key meets no default threshold, and a threshold above the trusted keys is refused, before anything runs', async () => {
    const grace = await makeRebuilder(dir, 'grace');
    const one = await trustOf(dir, [alice]);
    const alone = await run([
      'bootstrap',
      '--chain',
      rig.chainDir,
      '--store',
      grace.store,
      '--sandbox',
      'bwrap',
      '--remote',
      nginx.base,
      '--trust',
      one,
    ]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toContain('--trust holds 1 key(s), and by default a pulled result needs 2 independent signers');
    const tooMany = await run([
      'pull',
      '--chain',
      rig.chainDir,
      '--store',
      grace.store,
      '--remote',
      nginx.base,
      '--trust',
      one,
      '--threshold',
      '2',
    ]);
    expect(tooMany.exitCode).toBe(2);
    expect(tooMany.stderr).toContain('--threshold 2 can never be met: --trust holds 1 key(s)');
    expect(await readdir(join(grace.store, 'stages')).catch(() => [])).toEqual([]);
    // Said explicitly, one signer's word is taken.
    const taken = await run([
      'pull',
      '--chain',
      rig.chainDir,
      '--store',
      grace.store,
      '--remote',
      nginx.base,
      '--trust',
      one,
      '--threshold',
      '1',
      '--json',
    ]);
    expect(taken.exitCode, taken.all).toBe(0);
    expect(taken.stderr).toContain('remote: a pulled result counts when 1 of the 1 trusted signers agree (--threshold)');
  });
});
