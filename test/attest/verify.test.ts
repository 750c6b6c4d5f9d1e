import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestHalt, attestRecords, signStatement } from '../../src/attest/attest.js';
import { checkHalts } from '../../src/attest/check-halts.js';
import { pae, signEnvelope, type DsseEnvelope } from '../../src/attest/dsse.js';
import { loadEvidence } from '../../src/attest/evidence.js';
import { loadTrustedKeys } from '../../src/attest/key-files.js';
import { stageResultStatement } from '../../src/attest/statement.js';
import type { ExpectedChain } from '../../src/attest/expected-chain.js';
import { verifyEvidence } from '../../src/attest/verify.js';
import { sha256Bytes } from '../../src/digest.js';
import type { ProvenanceRecord } from '../../src/run/record.js';
import { makeRebuilders, manifestText, record, removeTempDirs, tempDir, trustDir, writeRecords, type Rebuilder } from './rig.js';

afterAll(removeTempDirs);

const hex0 = record({ stage: 'hex0', outputs: { 'bin/hex0': 'hex0 binary' }, startedAt: '2026-11-25T10:00:00.000Z' });
const hex1 = record({
  stage: 'hex1',
  outputs: { 'bin/hex1': 'hex1 binary', 'share/hex1.txt': 'notes' },
  startedAt: '2026-11-25T10:01:00.000Z',
});
const hex1Different = record({
  stage: 'hex1',
  outputs: { 'bin/hex1': 'hex1 binary, backdoored', 'share/hex1.txt': 'notes' },
  startedAt: '2026-11-25T10:01:00.000Z',
});
const hex2 = record({ stage: 'hex2', outputs: { 'bin/hex2': 'hex2 binary' }, startedAt: '2026-11-25T10:02:00.000Z' });
const chain: ExpectedChain = {
  name: 'amd64',
  stages: ['hex0', 'hex1', 'hex2'].map((name) => ({ name, manifestSha256: sha256Bytes(manifestText(name)) })),
};

let root: string;
let alice: Rebuilder, bob: Rebuilder, carol: Rebuilder, mallory: Rebuilder;
let trustABC: string;

beforeAll(async () => {
  root = await tempDir('verify');
  [alice, bob, carol, mallory] = (await makeRebuilders(root, ['alice', 'bob', 'carol', 'mallory'])) as [
    Rebuilder,
    Rebuilder,
    Rebuilder,
    Rebuilder,
  ];
  trustABC = await trustDir(root, [alice, bob, carol]);
});

let scenarioCount = 0;
/** A fresh attestations dir where each rebuilder attests its own records. */
async function scenario(runs: readonly [Rebuilder, readonly ProvenanceRecord[]][]): Promise<string> {
  const dir = join(root, `scenario-${scenarioCount++}`);
  for (const [rebuilder, records] of runs) {
    const recordsDir = await writeRecords(join(dir, 'records', rebuilder.name), records);
    await attestRecords(recordsDir, rebuilder.key, join(dir, 'attestations', rebuilder.name));
  }
  return join(dir, 'attestations');
}

async function judge(attestations: string, trust: string, threshold: number, expected?: ExpectedChain) {
  return verifyEvidence(await loadEvidence(attestations, await loadTrustedKeys(trust)), threshold, expected);
}

async function writeEnvelope(dir: string, name: string, envelope: DsseEnvelope): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), JSON.stringify(envelope));
}

describe('verify: agreement of independent rebuilders', () => {
  it('accepts every stage when the threshold of trusted rebuilders agree, and reports too few signers above it', async () => {
    const attestations = await scenario([
      [alice, [hex0, hex1]],
      [bob, [hex0, hex1]],
      [carol, [hex0, hex1]],
    ]);
    const atThree = await judge(attestations, trustABC, 3);
    expect(atThree.accepted).toBe(true);
    expect(atThree.stages.map((s) => [s.stage, s.status, s.claims[0]?.signers.map((x) => x.name)])).toEqual([
      ['hex0', 'agreed', ['alice', 'bob', 'carol']],
      ['hex1', 'agreed', ['alice', 'bob', 'carol']],
    ]);
    expect(atThree.firstDivergence).toBeUndefined();
    const atFour = await judge(attestations, trustABC, 4);
    expect(atFour.accepted).toBe(false);
    expect(atFour.stages.map((s) => s.status)).toEqual(['insufficient', 'insufficient']);
  });

  it('names the dissenting rebuilder, the first stage where they part ways and the first differing file', async () => {
    const attestations = await scenario([
      [alice, [hex0, hex1]],
      [bob, [hex0, hex1]],
      [carol, [hex0, hex1Different]],
    ]);
    const atTwo = await judge(attestations, trustABC, 2);
    expect(atTwo.accepted).toBe(true);
    const stage = atTwo.stages.find((s) => s.stage === 'hex1');
    expect(stage?.claims.map((claim) => claim.signers.map((s) => s.name))).toEqual([['alice', 'bob'], ['carol']]);
    expect(atTwo.firstDivergence).toMatchObject({ stage: 'hex1', difference: { path: 'bin/hex1' } });
    expect(atTwo.firstDivergence?.difference?.digests).toEqual([sha256Bytes('hex1 binary'), sha256Bytes('hex1 binary, backdoored')]);

    const atThree = await judge(attestations, trustABC, 3);
    expect(atThree.accepted).toBe(false);
    expect(atThree.stages.map((s) => [s.stage, s.status])).toEqual([
      ['hex0', 'agreed'],
      ['hex1', 'disagreed'],
    ]);
  });

  it('lists an untrusted signer and does not count it', async () => {
    const attestations = await scenario([
      [alice, [hex0]],
      [mallory, [hex0]],
    ]);
    const report = await judge(attestations, await trustDir(root, [alice]), 2);
    expect(report.accepted).toBe(false);
    expect(report.stages[0]?.status).toBe('insufficient');
    expect(report.stages[0]?.claims[0]?.signers.map((s) => s.name)).toEqual(['alice']);
    expect(report.ignoredSignatures).toEqual([expect.objectContaining({ keyid: mallory.key.publicKey.keyId, reason: 'untrusted' })]);
  });

  it('ignores a forged signature claiming a trusted key id', async () => {
    const attestations = await scenario([[alice, [hex1Different]]]);
    const statement = stageResultStatement(hex1Different);
    const forged: DsseEnvelope = {
      ...signStatement(statement, mallory.key),
      signatures: [{ keyid: bob.key.publicKey.keyId, sig: randomBytes(64).toString('base64') }],
    };
    await writeEnvelope(join(attestations, 'forged'), 'forged.json', forged);
    const report = await judge(attestations, trustABC, 2);
    expect(report.stages[0]?.status).toBe('insufficient');
    expect(report.stages[0]?.claims[0]?.signers.map((s) => s.name)).toEqual(['alice']);
    expect(report.ignoredSignatures).toEqual([
      expect.objectContaining({ reason: 'invalid', name: 'bob', file: join('forged', 'forged.json') }),
    ]);
  });

  it('ignores a re-encoded envelope whose payload changed while the signature was kept', async () => {
    const attestations = await scenario([[alice, [hex1Different]]]);
    const genuine = signStatement(stageResultStatement(hex1), bob.key);
    // The attacker swaps in alice's outputs but keeps bob's signature.
    const changed = { ...stageResultStatement(hex1Different) };
    await writeEnvelope(join(attestations, 'reencoded'), 'changed.json', {
      ...genuine,
      payload: Buffer.from(JSON.stringify(changed)).toString('base64'),
    });
    // Even the same statement serialised differently is a different payload: the signature covers bytes.
    await writeEnvelope(join(attestations, 'reencoded'), 'pretty.json', {
      ...genuine,
      payload: Buffer.from(JSON.stringify(stageResultStatement(hex1), null, 2)).toString('base64'),
    });
    const report = await judge(attestations, trustABC, 2);
    expect(report.accepted).toBe(false);
    expect(report.stages.flatMap((s) => s.claims.flatMap((claim) => claim.signers.map((x) => x.name)))).toEqual(['alice']);
    expect(report.ignoredSignatures.map((ignored) => [ignored.file, ignored.reason, ignored.name])).toEqual([
      [join('reencoded', 'changed.json'), 'invalid', 'bob'],
      [join('reencoded', 'pretty.json'), 'invalid', 'bob'],
    ]);
  });

  it('does not count a statement replayed for another stage', async () => {
    // bob's validly signed statement says "hex2" but carries hex1's manifest and stage key.
    const replayed: ProvenanceRecord = { ...hex1, stage: 'hex2', outputs: hex2.outputs };
    const attestations = await scenario([
      [alice, [hex2]],
      [bob, [replayed]],
    ]);
    // bob's genuine hex1 envelope copied under a hex2 file name counts, if at all, for hex1 only.
    await writeEnvelope(join(attestations, 'copied'), 'amd64.hex2.copy.json', signStatement(stageResultStatement(hex1), bob.key));

    // carol's validly signed statement has hex2's manifest and inputs but hex1's stage key.
    await writeEnvelope(
      join(attestations, 'stitched'),
      'carol.json',
      signStatement(stageResultStatement({ ...hex2, stageKey: hex1.stageKey }), carol.key),
    );

    const unordered = await judge(attestations, trustABC, 2);
    expect(unordered.unreadable).toEqual([
      {
        file: join('stitched', 'carol.json'),
        reason: expect.stringMatching(/stage key [0-9a-f]{16}… is not the one its manifest and inputs give/),
      },
    ]);
    const hex2Verdicts = unordered.stages.filter((s) => s.stage === 'hex2');
    expect(hex2Verdicts.map((s) => [s.stageKey, s.status, s.claims[0]?.signers.map((x) => x.name)])).toEqual(
      expect.arrayContaining([
        [hex2.stageKey, 'insufficient', ['alice']],
        [hex1.stageKey, 'insufficient', ['bob']],
      ]),
    );
    expect(unordered.accepted).toBe(false);

    const ordered = await judge(attestations, trustABC, 2, chain);
    expect(ordered.misplaced).toEqual([
      expect.objectContaining({
        stage: 'hex2',
        signer: expect.objectContaining({ name: 'bob' }),
        reason: expect.stringContaining('manifest'),
      }),
    ]);
    expect(ordered.stages.map((s) => [s.stage, s.status, s.claims.flatMap((c) => c.signers.map((x) => x.name))])).toEqual([
      ['hex0', 'insufficient', []],
      ['hex1', 'insufficient', ['bob']],
      ['hex2', 'insufficient', ['alice']],
    ]);
  });

  it('counts a signer once however many times it signed, and not at all when it signed two different results', async () => {
    const attestations = await scenario([
      [alice, [hex1]],
      [carol, [hex1]],
    ]);
    await writeEnvelope(join(attestations, 'again'), 'alice-again.json', signStatement(stageResultStatement(hex1), alice.key));
    await writeEnvelope(join(attestations, 'again'), 'carol-other.json', signStatement(stageResultStatement(hex1Different), carol.key));
    const report = await judge(attestations, trustABC, 2);
    expect(report.stages[0]?.status).toBe('disagreed');
    expect(report.stages[0]?.claims.map((claim) => claim.signers.map((s) => s.name))).toEqual([['alice']]);
    expect(report.stages[0]?.equivocators.map((s) => s.name)).toEqual(['carol']);
  });

  it('counts each trusted signature of an envelope signed by several keys', async () => {
    const dir = join(root, 'multi');
    await writeEnvelope(
      dir,
      'both.json',
      signEnvelope('application/vnd.in-toto+json', Buffer.from(JSON.stringify(stageResultStatement(hex0))), [alice.key, bob.key]),
    );
    const report = await judge(dir, trustABC, 2);
    expect(report.accepted).toBe(true);
    expect(report.stages[0]?.claims[0]?.signers.map((s) => s.name)).toEqual(['alice', 'bob']);
  });

  it('orders stages by chain order when a chain is given, else by when runs started', async () => {
    const attestations = await scenario([
      [alice, [hex2, hex0, hex1]],
      [bob, [hex1, hex2, hex0]],
    ]);
    const report = await judge(attestations, trustABC, 2);
    expect(report.stages.map((s) => s.stage)).toEqual(['hex0', 'hex1', 'hex2']);
    const reversed: ExpectedChain = { name: 'amd64', stages: [...chain.stages].reverse() };
    expect((await judge(attestations, trustABC, 2, reversed)).stages.map((s) => s.stage)).toEqual(['hex2', 'hex1', 'hex0']);
  });

  it('checks the DSSE pre-authentication encoding against the specification’s example', () => {
    expect(Buffer.from(pae('http://example.com/HelloWorld', Buffer.from('hello world'))).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
  });
});

describe('halt statements', () => {
  it('refuses a halted stage naming who halted and why, until a matching release lifts it', async () => {
    const attestations = await scenario([
      [alice, [hex0, hex1]],
      [bob, [hex0, hex1]],
    ]);
    const halts = join(attestations, 'halts');
    const t0 = new Date('2026-11-25T11:00:00.000Z');
    await attestHalt('halt', { chain: 'amd64', stage: 'hex1' }, 'hex1 source tarball replaced upstream', alice.key, halts, t0);
    const oneHalter = await judge(attestations, trustABC, 2);
    expect(oneHalter.accepted).toBe(true);
    expect(oneHalter.haltsBelowThreshold.map((h) => h.halters.map((x) => x.name))).toEqual([['alice']]);

    await attestHalt('halt', { chain: 'amd64', stage: 'hex1' }, 'confirmed: tarball differs from the release', bob.key, halts, t0);
    // An untrusted signer's release changes nothing.
    await attestHalt('release', { chain: 'amd64', stage: 'hex1' }, 'all good', mallory.key, halts, new Date('2026-11-25T12:00:00.000Z'));
    const halted = await judge(attestations, trustABC, 2);
    expect(halted.accepted).toBe(false);
    expect(halted.stages.map((s) => [s.stage, s.status])).toEqual([
      ['hex0', 'agreed'],
      ['hex1', 'halted'],
    ]);
    expect(halted.stages[1]?.halts[0]?.halters.map((h) => [h.name, h.reason])).toEqual([
      ['alice', 'hex1 source tarball replaced upstream'],
      ['bob', 'confirmed: tarball differs from the release'],
    ]);
    const verdict = await checkHalts({ attestationsDir: attestations, trust: trustABC, threshold: 2, chain: 'amd64', stage: 'hex1' });
    expect(verdict.halted).toBe(true);
    expect((await checkHalts({ attestationsDir: attestations, trust: trustABC, threshold: 2, chain: 'amd64', stage: 'hex0' })).halted).toBe(
      false,
    );
    const chainWide = await checkHalts({ attestationsDir: attestations, trust: trustABC, threshold: 2, chain: 'amd64' });
    expect(chainWide.halts.map((h) => h.scope)).toEqual([{ chain: 'amd64', stage: 'hex1' }]);

    // A release for another scope does not lift it; bob's release for this scope does.
    await attestHalt('release', { chain: 'amd64' }, 'chain is fine', bob.key, halts, new Date('2026-11-25T12:00:00.000Z'));
    expect((await judge(attestations, trustABC, 2)).stages[1]?.status).toBe('halted');
    await attestHalt(
      'release',
      { chain: 'amd64', stage: 'hex1' },
      'tarball restored, hashes match again',
      bob.key,
      halts,
      new Date('2026-11-25T12:00:00.000Z'),
    );
    const released = await judge(attestations, trustABC, 2);
    expect(released.accepted).toBe(true);
    expect(released.haltsBelowThreshold.map((h) => h.halters.map((x) => x.name))).toEqual([['alice']]);
  });

  it('lets a chain halt stop every stage of the chain, and not other chains', async () => {
    const attestations = await scenario([
      [alice, [hex0, hex1]],
      [bob, [hex0, hex1]],
    ]);
    for (const key of [alice.key, bob.key])
      await attestHalt('halt', { chain: 'amd64' }, 'seed kaem under review', key, join(attestations, 'halts'));
    const report = await judge(attestations, trustABC, 2);
    expect(report.stages.map((s) => s.status)).toEqual(['halted', 'halted']);
    expect(report.halts.map((h) => h.scope)).toEqual([{ chain: 'amd64' }]);
    expect((await checkHalts({ attestationsDir: attestations, trust: trustABC, threshold: 2, chain: 'amd64' })).halted).toBe(true);
    expect((await checkHalts({ attestationsDir: attestations, trust: trustABC, threshold: 2, chain: 'riscv64' })).halted).toBe(false);
  });

  it('does not let a halt statement be retargeted: subject and predicate must name the same scope', async () => {
    const dir = join(root, 'retarget');
    await attestHalt('halt', { chain: 'amd64', stage: 'hex1' }, 'reason', alice.key, dir);
    const written = await attestHalt('halt', { chain: 'amd64', stage: 'hex1' }, 'reason', alice.key, join(root, 'retarget-source'));
    const envelope = JSON.parse(await readFile(written.path, 'utf8')) as DsseEnvelope;
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { predicate: Record<string, unknown> };
    statement.predicate.stage = 'hex0';
    // Re-signed by alice herself (so the signature is valid) but the subject still names hex1.
    await writeEnvelope(dir, 'mixed.json', signEnvelope(envelope.payloadType, Buffer.from(JSON.stringify(statement)), [alice.key]));
    const evidence = await loadEvidence(dir, await loadTrustedKeys(trustABC));
    expect(evidence.halts.map((h) => h.predicate.stage)).toEqual(['hex1']);
    expect(evidence.unreadable).toEqual([
      expect.objectContaining({ file: 'mixed.json', reason: 'subject does not name the halted scope' }),
    ]);
  });
});
