import { sha256 } from '@noble/hashes/sha2.js';
import { cp, readFile, rename, rm, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestHalt, signStatement } from '../../src/attest/attest.js';
import { loadTrustedKeys } from '../../src/attest/key-files.js';
import type { PublicKey } from '../../src/attest/keys.js';
import { parseCheckpoint } from '../../src/attest/log/checkpoint.js';
import { appendToLog, issueCheckpoint, proveInclusion, verifyLog } from '../../src/attest/log/log.js';
import { verifyInclusion } from '../../src/attest/log/merkle.js';
import { parseNote, signNote, verifyNote } from '../../src/attest/log/note.js';
import { stageResultStatement } from '../../src/attest/statement.js';
import { makeRebuilders, record, removeTempDirs, tempDir, trustDir, type Rebuilder } from './rig.js';

afterAll(removeTempDirs);

let root: string;
let operator: Rebuilder, witness: Rebuilder, rogue: Rebuilder;
let trusted: ReadonlyMap<string, PublicKey>;
let envelopes: string[];

beforeAll(async () => {
  root = await tempDir('log');
  [operator, witness, rogue] = (await makeRebuilders(root, ['log.example', 'witness', 'rogue'])) as [Rebuilder, Rebuilder, Rebuilder];
  trusted = await loadTrustedKeys(await trustDir(root, [operator, witness]));
  envelopes = [];
  for (const [i, stage] of ['hex0', 'hex1', 'hex2', 'catm', 'M0'].entries()) {
    const path = join(root, `e${i}.json`);
    await writeFile(
      path,
      JSON.stringify(signStatement(stageResultStatement(record({ stage, outputs: { [`bin/${stage}`]: stage } })), operator.key)),
    );
    envelopes.push(path);
  }
  envelopes.push((await attestHalt('halt', { chain: 'amd64' }, 'review', operator.key, join(root, 'halts'))).path);
});

let logCount = 0;
async function newLog(count: number): Promise<string> {
  const dir = join(root, `log-${logCount++}`);
  await appendToLog(dir, envelopes.slice(0, count), 'log.example/kindling');
  return dir;
}

const b64sha = (bytes: Uint8Array): string => Buffer.from(sha256(bytes)).toString('base64');

describe('signed notes and checkpoints', () => {
  it('formats a checkpoint as origin, size and base64 root, signed with an em-dash signature line', async () => {
    const dir = await newLog(1);
    const issued = await issueCheckpoint(dir, operator.key);
    const entry = await readFile(envelopes[0] as string);
    // One leaf: the root is sha256(0x00 || entry), computed here independently.
    expect(issued.note.split('\n').slice(0, 4)).toEqual(['log.example/kindling', '1', b64sha(new Uint8Array([0, ...entry])), '']);
    const line = issued.note.split('\n')[4] ?? '';
    expect(line.startsWith('\u2014 log.example ')).toBe(true);
    const sigBytes = Buffer.from(line.split(' ')[2] ?? '', 'base64');
    expect(sigBytes.length).toBe(68);
    expect(Buffer.from(sigBytes.subarray(0, 4))).toEqual(Buffer.from(operator.key.publicKey.noteKeyHash));
    expect(verifyNote(parseNote(issued.note), trusted).verifiedBy.map((k) => k.name)).toEqual(['log.example']);
  });

  it('rejects a note whose text changed, and ignores signatures by unknown keys', () => {
    const note = signNote('origin\n3\nAAAA\n', [operator.key, rogue.key]);
    const result = verifyNote(parseNote(note), trusted);
    expect(result.verifiedBy.map((k) => k.name)).toEqual(['log.example']);
    expect(result.unknown).toEqual(['rogue']);
    const tampered = verifyNote(parseNote(note.replace('\n3\n', '\n4\n')), trusted);
    expect(tampered.verifiedBy).toEqual([]);
    expect(tampered.invalid).toEqual(['log.example']);
  });

  it('adds a witness co-signature to a checkpoint of the same tree', async () => {
    const dir = await newLog(2);
    await issueCheckpoint(dir, operator.key);
    const cosigned = await issueCheckpoint(dir, witness.key);
    expect(
      verifyNote(parseNote(cosigned.note), trusted)
        .verifiedBy.map((k) => k.name)
        .sort(),
    ).toEqual(['log.example', 'witness']);
  });
});

describe('append-only log', () => {
  it('verifies a log that only grew, with an older checkpoint proven consistent', async () => {
    const dir = await newLog(3);
    const old = await issueCheckpoint(dir, operator.key);
    const appended = await appendToLog(dir, envelopes.slice(2));
    expect(appended.map((entry) => [entry.index, entry.duplicate])).toEqual([
      [2, true],
      [3, false],
      [4, false],
      [5, false],
    ]);
    await issueCheckpoint(dir, operator.key);
    const result = await verifyLog(dir, trusted, old.note);
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({
      ok: true,
      size: 6,
      unsealed: 0,
      checkpoint: { size: 6, signers: ['log.example'] },
      olderCheckpoint: { size: 3, status: 'extended' },
    });
    expect(result.olderCheckpoint?.proofLength).toBeGreaterThan(0);
  });

  it('proves inclusion of an entry against the signed root', async () => {
    const dir = await newLog(6);
    const { checkpoint } = await issueCheckpoint(dir, operator.key);
    for (const [index, path] of envelopes.entries()) {
      const bytes = await readFile(path);
      const proof = await proveInclusion(dir, bytes);
      expect(proof.index).toBe(index);
      const leaf = sha256(new Uint8Array([0, ...bytes]));
      const hashes = proof.proof.map((p) => new Uint8Array(Buffer.from(p, 'base64')));
      expect(verifyInclusion(leaf, index, checkpoint.size, hashes, checkpoint.root)).toBe(true);
    }
    await expect(proveInclusion(dir, Buffer.from('{"payloadType":"x","payload":"","signatures":[]}'))).rejects.toThrow(/not in the log/);
  });

  it('detects an entry changed in place', async () => {
    const dir = await newLog(3);
    const old = await issueCheckpoint(dir, operator.key);
    await appendToLog(dir, [envelopes[3] as string]);
    await issueCheckpoint(dir, operator.key);
    const target = join(dir, 'entries', '000000000001');
    await chmod(target, 0o644);
    const text = await readFile(target, 'utf8');
    await writeFile(target, text.replace('"signatures"', '"signatures" '));
    const result = await verifyLog(dir, trusted, old.note);
    expect(result.ok).toBe(false);
    expect(result.problems.join('\n')).toMatch(/latest checkpoint: the first 4 entries do not hash to its root/);
    expect(result.problems.join('\n')).toMatch(/checkpoints\/3.note: the first 3 entries do not hash to its root/);
    expect(result.olderCheckpoint?.status).toBe('unchecked');
  });

  it('detects an entry removed, whether it leaves a gap or the rest is renumbered', async () => {
    const gap = await newLog(4);
    await issueCheckpoint(gap, operator.key);
    await rm(join(gap, 'entries', '000000000002'));
    expect((await verifyLog(gap, trusted)).problems.join('\n')).toMatch(/entry 2 is missing/);

    const renumbered = await newLog(4);
    await issueCheckpoint(renumbered, operator.key);
    await rm(join(renumbered, 'entries', '000000000002'));
    await rename(join(renumbered, 'entries', '000000000003'), join(renumbered, 'entries', '000000000002'));
    expect((await verifyLog(renumbered, trusted)).problems.join('\n')).toMatch(
      /covers 4 entries but the log holds 3: the log was truncated or an entry removed/,
    );
  });

  it('detects reordered entries', async () => {
    const dir = await newLog(3);
    await issueCheckpoint(dir, operator.key);
    const entries = join(dir, 'entries');
    await rename(join(entries, '000000000000'), join(entries, 'swap'));
    await rename(join(entries, '000000000001'), join(entries, '000000000000'));
    await rename(join(entries, 'swap'), join(entries, '000000000001'));
    expect((await verifyLog(dir, trusted)).problems.join('\n')).toMatch(/do not hash to its root/);
  });

  it('detects a rewritten log re-signed by the operator: its checkpoint does not extend the older one', async () => {
    const honest = await newLog(3);
    const old = await issueCheckpoint(honest, operator.key);
    // A fork: entry 1 dropped, the rest appended, a fresh checkpoint signed with the real key.
    const fork = join(root, 'fork');
    await appendToLog(fork, [envelopes[0], envelopes[2], envelopes[3], envelopes[4]] as string[], 'log.example/kindling');
    await issueCheckpoint(fork, operator.key);
    const alone = await verifyLog(fork, trusted);
    expect(alone.ok).toBe(true); // self-consistent: only an older checkpoint can expose it
    const result = await verifyLog(fork, trusted, old.note);
    expect(result.ok).toBe(false);
    expect(result.olderCheckpoint?.status).toBe('not-extended');
    expect(result.problems.join('\n')).toMatch(/does not extend the older one \(size 3\): the log was rewritten or reordered/);
  });

  it('detects a truncated log against an older, larger checkpoint', async () => {
    const dir = await newLog(5);
    const old = await issueCheckpoint(dir, operator.key);
    const copy = join(root, 'truncated');
    await cp(dir, copy, { recursive: true });
    await rm(join(copy, 'entries', '000000000004'), { force: true });
    await rm(join(copy, 'entries', '000000000003'), { force: true });
    await rm(join(copy, 'checkpoint'));
    await rm(join(copy, 'checkpoints'), { recursive: true });
    // The operator also rebuilds the tree state and tiles from the entries left.
    for (const derived of ['tree', 'tile', 'index']) await rm(join(copy, derived), { recursive: true });
    await issueCheckpoint(copy, operator.key);
    const result = await verifyLog(copy, trusted, old.note);
    expect(result.problems.join('\n')).toMatch(/does not extend the older one \(size 5\): the log was truncated/);
  });

  it('refuses to sign a checkpoint over a log that no longer extends its latest checkpoint', async () => {
    const dir = await newLog(3);
    await issueCheckpoint(dir, operator.key);
    await rm(join(dir, 'entries', '000000000002'));
    await expect(issueCheckpoint(dir, operator.key)).rejects.toThrow(/refusing to sign: .*truncated/);
  });

  it('rejects a checkpoint signed by an untrusted key, or with a forged signature', async () => {
    const dir = await newLog(2);
    await issueCheckpoint(dir, rogue.key);
    expect((await verifyLog(dir, trusted)).problems).toContain('latest checkpoint: no trusted key signed it');
    const note = await readFile(join(dir, 'checkpoint'), 'utf8');
    const text = parseNote(note).text;
    const forgedSig = Buffer.concat([Buffer.from(operator.key.publicKey.noteKeyHash), Buffer.alloc(64, 7)]).toString('base64');
    await writeFile(join(dir, 'checkpoint'), `${text}\n\u2014 log.example ${forgedSig}\n`);
    expect((await verifyLog(dir, trusted)).problems).toEqual(
      expect.arrayContaining(['latest checkpoint: the signature of log.example does not verify']),
    );
  });

  it('reports entries appended after the latest checkpoint as unsealed, and refuses a non-envelope', async () => {
    const dir = await newLog(2);
    await issueCheckpoint(dir, operator.key);
    await appendToLog(dir, [envelopes[2] as string]);
    expect(await verifyLog(dir, trusted)).toMatchObject({ ok: true, size: 3, unsealed: 1 });
    const junk = join(root, 'junk.json');
    await writeFile(junk, '{"hello": 1}');
    await expect(appendToLog(dir, [junk])).rejects.toThrow(/not a DSSE envelope/);
    expect(parseCheckpoint(parseNote(await readFile(join(dir, 'checkpoint'), 'utf8')).text).size).toBe(2);
  });
});
