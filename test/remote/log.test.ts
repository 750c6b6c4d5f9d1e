// A log published on a real nginx and followed from a kept checkpoint: growth is proved with a
// consistency proof after fetching only the new entries, entries are proved included, and a log
// whose history was rewritten on the server is reported with both checkpoints.
import { cp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStatement } from '../../src/attest/attest.js';
import { appendToLog, issueCheckpoint } from '../../src/attest/log/log.js';
import { stageResultStatement } from '../../src/attest/statement.js';
import { followLog, type FollowResult } from '../../src/remote/log-follow.js';
import { publishLog } from '../../src/remote/log-publish.js';
import { RemoteClient } from '../../src/remote/http.js';
import { loadTrustedKeys } from '../../src/attest/key-files.js';
import { makeRebuilders, record, removeTempDirs, tempDir, trustDir, type Rebuilder } from '../attest/rig.js';
import { startNginx, type Nginx } from '../../src/remote/local-nginx.js';
import { run } from './remote-rig.js';

const ORIGIN = 'log.example/kindling';
let nginx: Nginx;
let root: string;
let operator: Rebuilder;
let trust: string;
const envelopes: string[] = [];

beforeAll(async () => {
  nginx = await startNginx();
  root = await tempDir('remote-log');
  [operator] = (await makeRebuilders(root, ['log.example'])) as [Rebuilder];
  trust = await trustDir(root, [operator]);
  for (const [i, stage] of ['hex0', 'hex1', 'hex2', 'catm', 'M0', 'b0'].entries()) {
    const path = join(root, `e${i}.json`);
    await writeFile(
      path,
      JSON.stringify(signStatement(stageResultStatement(record({ stage, outputs: { [`bin/${stage}`]: stage } })), operator.key)),
    );
    envelopes.push(path);
  }
});

afterAll(async () => {
  await nginx?.stop();
  await removeTempDirs();
});

async function follow(state: string, ...entries: string[]) {
  const result = await run(['log', 'follow', '--remote', nginx.base, '--trust', trust, '--state', state, '--json', ...entries]);
  return { exitCode: result.exitCode, stderr: result.stderr, result: JSON.parse(result.stdout) as FollowResult };
}

describe('a remote log', () => {
  it('is followed from checkpoint to checkpoint, fetching only new entries, and a rewritten history is reported with both checkpoints', async () => {
    const log = join(root, 'log');
    const state = join(root, 'follower');
    await appendToLog(log, envelopes.slice(0, 2), ORIGIN);
    await issueCheckpoint(log, operator.key);
    const first = await run(['log', 'publish', '--log', log, '--remote', nginx.base]);
    expect(first.exitCode, first.all).toBe(0);
    expect(first.stdout).toContain('published 2 new entries; the remote log now holds 2');
    const seen = await follow(state);
    expect(seen.exitCode).toBe(0);
    expect(seen.result).toMatchObject({ ok: true, status: 'first', entriesFetched: 2 });
    // The tlog-tiles layout beside the entries: a partial level-0 tile and entry bundle of width 2.
    expect(await readdir(join(nginx.root, 'log', 'tile', '0', '000.p'))).toEqual(['2']);
    expect(await readdir(join(nginx.root, 'log', 'tile', 'entries', '000.p'))).toEqual(['2']);

    // The log grows: the follower fetches the two new entries only and proves consistency.
    await appendToLog(log, envelopes.slice(2, 4));
    await issueCheckpoint(log, operator.key);
    expect((await run(['log', 'publish', '--log', log, '--remote', nginx.base])).stdout).toContain(
      'published 2 new entries; the remote log now holds 4',
    );
    const grown = await follow(state, envelopes[1]!, envelopes[5]!);
    expect(grown.result).toMatchObject({
      status: 'extended',
      entriesFetched: 2,
      kept: { size: 2 },
      remote: { size: 4, signers: ['log.example'] },
    });
    expect(grown.result.consistencyProof?.length).toBeGreaterThan(0);
    expect(grown.result.inclusions.map((check) => [check.index, check.verified])).toEqual([
      [1, true],
      [undefined, false],
    ]);
    // An entry that is not in the log fails the command, but the log itself was consistent: the state moved on.
    expect(grown.exitCode).toBe(1);
    const keptAfterGrowth = await readFile(join(state, 'checkpoint'), 'utf8');
    expect(keptAfterGrowth).toBe(await readFile(join(log, 'checkpoint'), 'utf8'));
    const again = await follow(state, envelopes[1]!);
    expect(again).toMatchObject({ exitCode: 0, result: { status: 'unchanged', entriesFetched: 0 } });

    // The server rewrites history: entry 1 replaced, one entry added, a new checkpoint signed over it.
    const forged = join(root, 'forged-log');
    await appendToLog(forged, [envelopes[0]!, envelopes[5]!, envelopes[2]!, envelopes[3]!, envelopes[4]!], ORIGIN);
    await issueCheckpoint(forged, operator.key);
    for (const name of ['000000000001', '000000000004'])
      await writeFile(join(nginx.root, 'log', 'entries', name), await readFile(join(forged, 'entries', name)));
    await cp(join(forged, 'tile'), join(nginx.root, 'log', 'tile'), { recursive: true, force: true });
    await writeFile(join(nginx.root, 'log', 'checkpoint'), await readFile(join(forged, 'checkpoint')));
    const cli = await run(['log', 'follow', '--remote', nginx.base, '--trust', trust, '--state', state]);
    expect(cli.exitCode).toBe(1);
    expect(cli.stdout).toContain('REWRITTEN');
    expect(cli.stdout).toContain('first changed entry: 1');
    // Both checkpoints, in full.
    expect(cli.stdout).toContain(`checkpoint kept here:\n  ${ORIGIN}\n  4\n`);
    expect(cli.stdout).toContain(`checkpoint the remote serves now:\n  ${ORIGIN}\n  5\n`);
    expect(cli.stderr).toContain('rewrote its history');
    // The kept checkpoint is not replaced by the forged one.
    expect(await readFile(join(state, 'checkpoint'), 'utf8')).toBe(keptAfterGrowth);

    // The honest operator cannot publish over the rewritten log either: it is not a prefix of theirs.
    const refused = await run(['log', 'publish', '--log', log, '--remote', nginx.base]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('is not a prefix of');
  });

  it('a remote published before logs had tiles is given all of them on the next publish', async () => {
    const log = join(root, 'old-remote-log');
    await appendToLog(log, envelopes.slice(0, 2), ORIGIN);
    await issueCheckpoint(log, operator.key);
    const client = new RemoteClient(`${nginx.base}/old/`);
    try {
      await publishLog(log, client);
      await rm(join(nginx.root, 'old', 'log', 'tile'), { recursive: true });
      await appendToLog(log, envelopes.slice(2, 3));
      await issueCheckpoint(log, operator.key);
      expect(await publishLog(log, client)).toEqual({ size: 3, entriesSent: 1 });
      const followed = await followLog(client, await loadTrustedKeys(trust), join(root, 'old-follower'));
      expect(followed).toMatchObject({ ok: true, status: 'first', entriesFetched: 3 });
    } finally {
      await client.close();
    }
  });
});
