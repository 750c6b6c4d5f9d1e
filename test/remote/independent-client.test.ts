// A client that shares no code with kindling reads a kindling log from nginx and checks it with
// node:crypto and fetch alone, as written in the C2SP specifications (signed-note, tlog-checkpoint,
// tlog-cosignature, tlog-tiles, tlog-proof) and RFC 9162: the log's signature and a witness's
// cosignature on the checkpoint, the root recomputed from the tiles, every entry bundle against the
// level-0 tiles, and an inclusion proof written by `kindling log prove --tlog-proof`.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type Nginx } from '../../src/remote/local-nginx.js';
import { removeTempDirs } from '../attest/rig.js';
import { makeRebuilder, run, tempDir, trustOf, type Rebuilder } from './remote-rig.js';

const ORIGIN = 'independent.example';
const COUNT = 260;
let nginx: Nginx;
let dir: string;
let operator: Rebuilder, witness: Rebuilder;
let witnessKey: string;
let entry: Buffer;
let proofText: string;

// ---- the independent client: nothing below uses kindling ----
const sha256 = (...parts: Uint8Array[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const leaf = (data: Uint8Array): Buffer => sha256(Buffer.from([0]), data);
const node = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);

function ed25519(raw: Buffer) {
  return createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
}

/** A signed-note verifier key: name+hex key hash+base64(type || key); the key hash is checked too. */
function verifierKey(text: string): { name: string; type: number; hash: Buffer; raw: Buffer } {
  // The key itself is base64, which may hold '+': only the first two '+' separate fields.
  const [name = '', hashHex = '', ...rest] = text.trim().split('+');
  const b64 = rest.join('+');
  const bytes = Buffer.from(b64, 'base64');
  const hash = sha256(Buffer.from(`${name}\n`), bytes).subarray(0, 4);
  if (hash.toString('hex') !== hashHex) throw new Error('verifier key hash mismatch');
  return { name, type: bytes[0]!, hash, raw: bytes.subarray(1) };
}

function signatureLines(note: string): { text: string; sigs: { name: string; bytes: Buffer }[] } {
  const at = note.lastIndexOf('\n\n');
  const text = note.slice(0, at + 1);
  const sigs = note
    .slice(at + 2)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [dash, name, b64] = line.split(' ');
      if (dash !== '\u2014') throw new Error('not a signature line');
      return { name: name!, bytes: Buffer.from(b64!, 'base64') };
    });
  return { text, sigs };
}

function checkNoteSignature(note: string, key: ReturnType<typeof verifierKey>): boolean {
  const { text, sigs } = signatureLines(note);
  return sigs.some(
    (sig) =>
      sig.name === key.name &&
      sig.bytes.subarray(0, 4).equals(key.hash) &&
      verify(null, Buffer.from(text), ed25519(key.raw), sig.bytes.subarray(4)),
  );
}

function checkCosignature(note: string, key: ReturnType<typeof verifierKey>): number | undefined {
  const { text, sigs } = signatureLines(note);
  for (const sig of sigs) {
    if (sig.name !== key.name || !sig.bytes.subarray(0, 4).equals(key.hash) || sig.bytes.length !== 76) continue;
    const time = sig.bytes.readBigUInt64BE(4);
    if (verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), ed25519(key.raw), sig.bytes.subarray(12))) return Number(time);
  }
  return undefined;
}

function tileIndexPath(n: number): string {
  const digits = String(n).padStart(Math.ceil(String(n).length / 3) * 3, '0');
  const groups = digits.match(/.{3}/g)!;
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

async function fetchTile(base: string, kind: string, n: number, width: number): Promise<Buffer> {
  const path = `${base}/log/tile/${kind}/${tileIndexPath(n)}${width < 256 ? `.p/${width}` : ''}`;
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** MTH over all leaves (RFC 9162 §2.1.1). */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return node(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** RFC 9162 §2.1.3.2. */
function inclusionRoot(hash: Buffer, index: number, size: number, path: Buffer[]): Buffer | undefined {
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = node(r, p);
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : undefined;
}
// ---- end of the independent client ----

beforeAll(async () => {
  nginx = await startNginx();
  dir = await tempDir('independent');
  operator = await makeRebuilder(dir, ORIGIN);
  witness = await makeRebuilder(dir, 'witness.example');
  const files: string[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    const path = join(dir, `e${i}.json`);
    await writeFile(
      path,
      JSON.stringify({
        payloadType: 'text/plain',
        payload: Buffer.from(`entry ${i}`).toString('base64'),
        signatures: [{ keyid: '', sig: 'AA==' }],
      }),
    );
    files.push(path);
  }
  const log = join(dir, 'log');
  const steps = [
    ['log', 'append', '--log', log, '--origin', ORIGIN, ...files],
    ['log', 'checkpoint', '--log', log, '--key', operator.key],
    ['log', 'publish', '--log', log, '--remote', nginx.base],
  ];
  for (const step of steps) expect((await run(step)).exitCode).toBe(0);
  const witnessed = await run([
    'log',
    'witness',
    '--remote',
    nginx.base,
    '--trust',
    await trustOf(dir, [operator]),
    '--key',
    witness.key,
    '--state',
    join(dir, 'w'),
    '--out',
    join(dir, 'w.note'),
  ]);
  witnessKey = /verifier key of this cosignature: (\S+)/.exec(witnessed.stdout)![1]!;
  expect((await run(['log', 'cosigned', '--log', log, join(dir, 'w.note')])).exitCode).toBe(0);
  expect((await run(['log', 'publish', '--log', log, '--remote', nginx.base])).exitCode).toBe(0);
  entry = await readFile(files[200]!);
  proofText = (await run(['log', 'prove', '--log', log, '--tlog-proof', files[200]!])).stdout;
});

afterAll(async () => {
  await nginx?.stop();
  await removeTempDirs();
});

describe('a client without kindling', () => {
  it('checks the checkpoint, the tiles, the entry bundles and an inclusion proof from the specifications alone', async () => {
    const note = await (await fetch(`${nginx.base}/log/checkpoint`)).text();
    const [origin, sizeText, rootB64] = note.split('\n') as [string, string, string];
    expect([origin, Number(sizeText)]).toEqual([ORIGIN, COUNT]);
    const root = Buffer.from(rootB64, 'base64');
    const logKey = verifierKey(await readFile(operator.pub, 'utf8'));
    expect(logKey).toMatchObject({ name: ORIGIN, type: 1 });
    expect(checkNoteSignature(note, logKey)).toBe(true);
    const cosigner = verifierKey(witnessKey);
    expect(cosigner.type).toBe(4);
    expect(checkCosignature(note, cosigner)).toBeGreaterThan(Date.now() / 1000 - 3600);

    // The tree of 260: a full level-0 tile, a partial one of 4, and a level-1 partial of 1.
    const level0 = Buffer.concat([await fetchTile(nginx.base, '0', 0, 256), await fetchTile(nginx.base, '0', 1, 4)]);
    const leaves = Array.from({ length: COUNT }, (_, i) => level0.subarray(i * 32, i * 32 + 32));
    expect(mth(leaves).equals(root)).toBe(true);
    expect((await fetchTile(nginx.base, '1', 0, 1)).equals(mth(leaves.slice(0, 256)))).toBe(true);
    const bundles = Buffer.concat([await fetchTile(nginx.base, 'entries', 0, 256), await fetchTile(nginx.base, 'entries', 1, 4)]);
    let offset = 0;
    for (let i = 0; i < COUNT; i += 1) {
      const length = bundles.readUInt16BE(offset);
      expect(leaf(bundles.subarray(offset + 2, offset + 2 + length)).equals(leaves[i]!)).toBe(true);
      offset += 2 + length;
    }
    expect(offset).toBe(bundles.length);

    // The tlog-proof: header, index, hashes, a blank line, the checkpoint as served.
    const [head, proofNote] = [proofText.slice(0, proofText.indexOf('\n\n')), proofText.slice(proofText.indexOf('\n\n') + 2)];
    const lines = head.split('\n');
    expect(lines[0]).toBe('c2sp.org/tlog-proof@v1');
    expect(lines[1]).toBe('index 200');
    expect(proofNote.replace(/\n?$/, '\n')).toBe(note);
    const path = lines.slice(2).map((line) => Buffer.from(line, 'base64'));
    expect(inclusionRoot(leaf(entry), 200, COUNT, path)?.equals(root)).toBe(true);
    expect(inclusionRoot(leaf(Buffer.from('something else')), 200, COUNT, path)?.equals(root)).toBe(false);
  });
});
