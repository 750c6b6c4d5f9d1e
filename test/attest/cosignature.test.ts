// The cosignature/v1 bytes, checked from the C2SP definition with node:crypto directly, and the
// written-out proof forms read back.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignatureLine, cosignatureVerifierKey, verifyCosignatures } from '../../src/attest/log/cosignature.js';
import { parseNote, signNote } from '../../src/attest/log/note.js';
import { formatProof, parseProof } from '../../src/attest/log/proof-text.js';
import { makeRebuilders, removeTempDirs, tempDir, type Rebuilder } from './rig.js';

let log: Rebuilder, witness: Rebuilder, other: Rebuilder;
beforeAll(async () => {
  [log, witness, other] = (await makeRebuilders(await tempDir('cosig'), ['log.example', 'witness.example', 'other'])) as [
    Rebuilder,
    Rebuilder,
    Rebuilder,
  ];
});
afterAll(removeTempDirs);

const TEXT = 'log.example\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

describe('cosignature/v1', () => {
  it('signs "cosignature/v1\\ntime T\\n" and the checkpoint, with the 0x04 key hash and an 8-byte big-endian time', () => {
    const line = cosignatureLine(TEXT, witness.key, 1_700_000_000);
    const [dash, name, b64] = line.trimEnd().split(' ');
    expect([dash, name]).toEqual(['\u2014', 'witness.example']);
    const bytes = Buffer.from(b64!, 'base64');
    expect(bytes.length).toBe(4 + 8 + 64);
    const raw = witness.key.publicKey.raw;
    const keyHash = createHash('sha256')
      .update('witness.example\n')
      .update(Buffer.from([0x04]))
      .update(raw)
      .digest()
      .subarray(0, 4);
    expect(bytes.subarray(0, 4).equals(keyHash)).toBe(true);
    expect(bytes.readBigUInt64BE(4)).toBe(1_700_000_000n);
    const spki = createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]),
      format: 'der',
      type: 'spki',
    });
    expect(verify(null, Buffer.from(`cosignature/v1\ntime 1700000000\n${TEXT}`), spki, bytes.subarray(12))).toBe(true);
    expect(cosignatureVerifierKey(witness.key.publicKey)).toBe(
      `witness.example+${keyHash.toString('hex')}+${Buffer.concat([Buffer.from([4]), raw]).toString('base64')}`,
    );
  });

  it('counts a trusted witness once, names a forged one, and ignores the log key and unknown witnesses', () => {
    const note = signNote(TEXT, [log.key]).concat(
      cosignatureLine(TEXT, witness.key, 5),
      cosignatureLine(TEXT, witness.key, 6),
      cosignatureLine(TEXT, other.key, 5),
    );
    const trusted = new Map([
      [witness.key.publicKey.keyId, witness.key.publicKey],
      [log.key.publicKey.keyId, log.key.publicKey],
    ]);
    expect(verifyCosignatures(parseNote(note), trusted)).toEqual({ verified: [{ name: 'witness.example', timestamp: 5 }], invalid: [] });
    // The time is signed: changing it breaks the cosignature.
    const line = cosignatureLine(TEXT, witness.key, 5);
    const bytes = Buffer.from(line.trimEnd().split(' ')[2]!, 'base64');
    bytes.writeBigUInt64BE(9n, 4);
    const forged = `${signNote(TEXT, [log.key])}\u2014 witness.example ${bytes.toString('base64')}\n`;
    expect(verifyCosignatures(parseNote(forged), trusted)).toEqual({ verified: [], invalid: ['witness.example'] });
  });
});

describe('proof files', () => {
  it('writes inclusion proofs as c2sp.org/tlog-proof@v1 and reads both forms back', () => {
    const checkpoint = signNote(TEXT, [log.key]);
    const hashes = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
    const inclusion = formatProof({ kind: 'inclusion', index: 5, proof: hashes, checkpoint });
    expect(inclusion.startsWith(`c2sp.org/tlog-proof@v1\nindex 5\n${Buffer.from(hashes[0]!).toString('base64')}\n`)).toBe(true);
    expect(parseProof(inclusion, 'p')).toEqual({ kind: 'inclusion', index: 5, proof: hashes, checkpoint });
    const consistency = formatProof({ kind: 'consistency', oldSize: 3, proof: hashes, checkpoint });
    expect(parseProof(consistency.trimEnd(), 'p')).toEqual({ kind: 'consistency', oldSize: 3, proof: hashes, checkpoint });
    expect(() => parseProof(inclusion.replace('index 5', 'index -1'), 'p.tlog-proof')).toThrow(
      'p.tlog-proof: expected a line "index <number>", found "index -1"',
    );
  });
});
