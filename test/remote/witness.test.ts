// Witnesses and proof checks against a real nginx serving a log in the tlog-tiles layout: witnesses
// cosign only checkpoints they proved consistent from the tiles; a client checks inclusion and
// consistency proofs offline against the log key and a threshold of witnesses; a server that rewrites
// history, serves a forked checkpoint or a truncated tile gets a clear refusal, and nothing moves on.
import { cp, mkdir, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, loadTrustedKeys } from '../../src/attest/key-files.js';
import type { PublicKey } from '../../src/attest/keys.js';
import { verifyCosignatures } from '../../src/attest/log/cosignature.js';
import { appendToLog, issueCheckpoint } from '../../src/attest/log/log.js';
import { parseNote } from '../../src/attest/log/note.js';
import { RemoteClient } from '../../src/remote/http.js';
import { startNginx, type Nginx } from '../../src/remote/local-nginx.js';
import { witnessRemoteLog } from '../../src/remote/witness.js';
import { makeRebuilder, run, tempDir, trustOf, type Rebuilder } from './remote-rig.js';
import { removeTempDirs } from '../attest/rig.js';

const ORIGIN = 'log.example';
let nginx: Nginx;
let dir: string;
let operator: Rebuilder, w1: Rebuilder, w2: Rebuilder;
let logTrust: string, witnessTrust: string;
let logKeys: ReadonlyMap<string, PublicKey>;
let files: string[];

async function envelopes(tag: string, count: number): Promise<string[]> {
  const out = join(dir, `envelopes-${tag}`);
  await mkdir(out, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const path = join(out, `${i}.json`);
    await writeFile(
      path,
      JSON.stringify({
        payloadType: 'text/plain',
        payload: Buffer.from(`${tag} ${i}`).toString('base64'),
        signatures: [{ keyid: '', sig: 'AA==' }],
      }),
    );
    paths.push(path);
  }
  return paths;
}

/** Put a log directory on the server as it stands, as a server (honest or not) would hold it. */
async function serve(log: string): Promise<void> {
  await rm(join(nginx.root, 'log'), { recursive: true, force: true });
  await cp(log, join(nginx.root, 'log'), { recursive: true });
}

async function witness(key: Rebuilder, state: string) {
  const client = new RemoteClient(nginx.base);
  try {
    return await witnessRemoteLog(client, { logKeys }, await loadSigningKey(key.key), state);
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  nginx = await startNginx();
  dir = await tempDir('witness');
  operator = await makeRebuilder(dir, ORIGIN);
  w1 = await makeRebuilder(dir, 'witness-one');
  w2 = await makeRebuilder(dir, 'witness-two');
  logTrust = await trustOf(dir, [operator]);
  witnessTrust = await trustOf(dir, [w1, w2]);
  logKeys = await loadTrustedKeys(logTrust);
  files = await envelopes('honest', 303);
});

afterAll(async () => {
  await nginx?.stop();
  await removeTempDirs();
});

describe('witnesses and proofs over a tiled log on nginx', () => {
  const log = () => join(dir, 'log');
  const state = (name: string) => join(dir, `state-${name}`);

  it('witnesses cosign, the operator gathers the cosignatures, and a client checks proofs offline against a threshold of them', async () => {
    await appendToLog(log(), files.slice(0, 3), ORIGIN);
    await issueCheckpoint(log(), await loadSigningKey(operator.key));
    expect((await run(['log', 'publish', '--log', log(), '--remote', nginx.base])).exitCode).toBe(0);

    const cli = await run([
      'log',
      'witness',
      '--remote',
      nginx.base,
      '--trust',
      logTrust,
      '--key',
      w1.key,
      '--state',
      state('w1'),
      '--out',
      join(dir, 'w1.note'),
    ]);
    expect(cli.exitCode, cli.all).toBe(0);
    expect(cli.stdout).toMatch(
      /^cosigned log\.example at size 3 \(first\); verifier key of this cosignature: witness-one\+[0-9a-f]{8}\+B[A-P]/,
    );
    const second = await witness(w2, state('w2'));
    expect(second).toMatchObject({ ok: true, status: 'first' });
    await writeFile(join(dir, 'w2.note'), second.cosigned!);
    const gathered = await run(['log', 'cosigned', '--log', log(), join(dir, 'w1.note'), join(dir, 'w2.note')]);
    expect(gathered.stdout).toContain('added 2 signature(s): witness-one, witness-two');
    expect((await run(['log', 'publish', '--log', log(), '--remote', nginx.base])).exitCode).toBe(0);
    // The published checkpoint carries the log's signature and both timestamped cosignatures.
    const published = parseNote(await readFile(join(nginx.root, 'log', 'checkpoint'), 'utf8'));
    const cosignatures = verifyCosignatures(published, await loadTrustedKeys(witnessTrust));
    expect(cosignatures.verified.map((entry) => entry.name).sort()).toEqual(['witness-one', 'witness-two']);
    expect(Math.abs(cosignatures.verified[0]!.timestamp - Date.now() / 1000)).toBeLessThan(600);

    const proof = await run(['log', 'prove', '--log', log(), '--tlog-proof', files[1]!]);
    expect(proof.stdout).toMatch(/^c2sp\.org\/tlog-proof@v1\nindex 1\n([A-Za-z0-9+/]{43}=\n){2}\nlog\.example\n3\n/);
    await writeFile(join(dir, 'entry1.tlog-proof'), proof.stdout);
    const checkArgs = ['log', 'check-proof', '--trust', logTrust, '--witnesses', witnessTrust, join(dir, 'entry1.tlog-proof')];
    const ok = await run([...checkArgs, '--witness-threshold', '2', '--entry', files[1]!]);
    expect(ok.exitCode, ok.all).toBe(0);
    expect(ok.stdout).toContain('is entry 1 of log.example at size 3, signed by log.example, cosigned by witness-one, witness-two');
    const tooFew = await run([...checkArgs, '--witness-threshold', '3', '--entry', files[1]!]);
    expect(tooFew.exitCode).toBe(1);
    expect(tooFew.stderr).toContain('cosigned by 2 trusted witness(es) (witness-one, witness-two), 3 needed');
    // A follower can ask for the same witnesses before it takes the remote checkpoint.
    const followArgs = [
      'log',
      'follow',
      '--remote',
      nginx.base,
      '--trust',
      logTrust,
      '--state',
      join(dir, 'follower'),
      '--witnesses',
      witnessTrust,
    ];
    const followed = await run([...followArgs, '--witness-threshold', '2']);
    expect(followed.exitCode, followed.all).toBe(0);
    const unwitnessed = await run([...followArgs, '--witness-threshold', '3']);
    expect(unwitnessed.exitCode).toBe(1);
    expect(unwitnessed.stdout).toContain('NOT WITNESSED');
    expect(unwitnessed.stderr).toContain('cosigned by 2 trusted witness(es), 3 needed');
    const otherEntry = await run([...checkArgs, '--entry', files[2]!]);
    expect(otherEntry.exitCode).toBe(1);
    expect(otherEntry.stderr).toContain('the entry is not at index 1 of the tree of size 3 that the checkpoint signs');
  });

  it('a grown log is cosigned again after a consistency proof from its tiles, and the consistency proof checks offline', async () => {
    await cp(join(nginx.root, 'log', 'checkpoint'), join(dir, 'old.note'));
    await appendToLog(log(), files.slice(3, 300));
    await issueCheckpoint(log(), await loadSigningKey(operator.key));
    expect((await run(['log', 'publish', '--log', log(), '--remote', nginx.base])).exitCode).toBe(0);
    const grown = await witness(w1, state('w1'));
    expect(grown).toMatchObject({ ok: true, status: 'extended', size: 300 });
    expect(grown.consistencyProofLength).toBeGreaterThan(0);

    const proof = await run(['log', 'prove', '--log', log(), '--since', join(dir, 'old.note')]);
    expect(proof.stdout).toMatch(/^kindling\.dev\/consistency-proof@v1\nold 3\n/);
    await writeFile(join(dir, 'since3.proof'), proof.stdout);
    const ok = await run(['log', 'check-proof', '--trust', logTrust, '--checkpoint', join(dir, 'old.note'), join(dir, 'since3.proof')]);
    expect(ok.exitCode, ok.all).toBe(0);
    expect(ok.stdout).toContain('ok: log.example at size 300 extends the checkpoint of size 3');
  });

  it('refuses a rewritten history, a forked checkpoint and a truncated tile, keeping the checkpoint it cosigned', async () => {
    const key = await loadSigningKey(operator.key);
    const keptNote = async (): Promise<string> => readFile(join(state('w1'), (await readdir(state('w1')))[0]!), 'utf8');
    const kept = await keptNote();
    const other = await envelopes('forged', 301);

    // History rewritten: 301 entries, none of them the honest ones, signed with the log's real key.
    const rewritten = join(dir, 'rewritten');
    await appendToLog(rewritten, other, ORIGIN);
    await issueCheckpoint(rewritten, key);
    await serve(rewritten);
    const cli = await run(['log', 'witness', '--remote', nginx.base, '--trust', logTrust, '--key', w1.key, '--state', state('w1')]);
    expect(cli.exitCode).toBe(1);
    expect(cli.stderr).toContain(
      "witness: the checkpoint of size 301 does not extend the one of size 300 this witness cosigned: the log's history was rewritten",
    );
    expect(cli.stdout).toContain('checkpoint cosigned before:\n  log.example\n  300\n');
    expect(cli.stdout).toContain('checkpoint the remote serves now:\n  log.example\n  301\n');
    // The same server's consistency proof, checked offline by a client, fails the same way.
    const forgedProof = await run(['log', 'prove', '--log', rewritten, '--since', join(dir, 'old.note')]);
    await writeFile(join(dir, 'forged.proof'), forgedProof.stdout);
    const refused = await run([
      'log',
      'check-proof',
      '--trust',
      logTrust,
      '--checkpoint',
      join(dir, 'old.note'),
      join(dir, 'forged.proof'),
    ]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("does not extend the older one of size 3: the log's history was rewritten");

    // A fork: another tree of the very size the witness cosigned.
    const fork = join(dir, 'fork');
    await appendToLog(fork, other.slice(0, 300), ORIGIN);
    await issueCheckpoint(fork, key);
    await serve(fork);
    expect(await witness(w1, state('w1'))).toMatchObject({
      ok: false,
      status: 'refused',
      problem: 'a fork: the log signed two different trees of size 300',
    });

    // Honest history, but the tile a proof needs is cut short by the server.
    await appendToLog(log(), files.slice(300, 303));
    await issueCheckpoint(log(), key);
    await serve(log());
    await truncate(join(nginx.root, 'log', 'tile', '0', '001.p', '47'), 1000);
    const cut = await witness(w1, state('w1'));
    expect(cut.ok).toBe(false);
    expect(cut.problem).toMatch(
      /^no consistency proof from size 300 to 303: http:\/\/127.0.0.1:[0-9]+\/log\/tile\/0\/001.p\/47: 1000 bytes where a tile of 47 hashes has 1504: the tile was truncated or padded$/,
    );

    // Through all of it the witness kept what it cosigned; the honest, whole log is cosigned again.
    expect(await keptNote()).toBe(kept);
    await serve(log());
    expect(await witness(w1, state('w1'))).toMatchObject({ ok: true, status: 'extended', size: 303 });
  });
});
