// ensureSources on a Chain: every url input fetched once, or one error naming every source that
// could not be had, with the reason per URL; exportSources writes the chain's sources by file name.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Bytes, type Sha256 } from '../../src/digest.js';
import type { Chain, Stage, StageInput } from '../../src/manifest/types.js';
import { ensureSources, fetchSources, SourcesUnavailableError } from '../../src/sources/ensure.js';
import { exportSources } from '../../src/sources/export.js';
import { wantedSources } from '../../src/sources/wanted.js';
import { Store } from '../../src/store/store.js';
import { serveBytes, startServer, type TestServer } from './http-rig.js';
import { fastOptions, makeRig, randomPayload, wanted, type Rig } from './rig.js';

function urlInput(path: string, sha256: Sha256, urls: string[]): StageInput {
  return { path, sha256, executable: false, origin: { kind: 'url', urls } };
}

function stage(name: string, inputs: StageInput[]): Stage {
  return {
    name,
    description: `${name} for a test`,
    dir: `/chain/${name}`,
    manifestPath: `/chain/${name}/stage.yaml`,
    manifestSha256: sha256Bytes(name),
    inputs,
    run: { init: 'bin/sh', args: ['build.sh'], timeoutSeconds: 10 },
    outputs: [],
    scratch: [],
  };
}

function chainOf(stages: Stage[]): Chain {
  return { name: 'test', arch: 'amd64', dir: '/chain', sourceRoots: [], seeds: new Map(), stages };
}

let rig: Rig;
let http: TestServer;
const served = new Map<string, Buffer>();

beforeEach(async () => {
  rig = await makeRig();
  served.clear();
  http = await startServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (req.url === '/broken') res.writeHead(503).end();
    else if (body === undefined) res.writeHead(404).end();
    else serveBytes(res, req, body);
  });
});

afterEach(async () => {
  await http.close();
  await rig.cleanup();
});

describe('wantedSources', () => {
  it('collects url inputs once per sha256, merging URLs, and ignores other inputs', () => {
    const a = sha256Bytes('a');
    const b = sha256Bytes('b');
    const chain = chainOf([
      stage('one', [
        { path: 'bin/tool', sha256: sha256Bytes('tool'), executable: true, origin: { kind: 'seed', seed: 'tool' } },
        urlInput('src/a.tar.gz', a, ['https://one.example/pub/a-1.0.tar.gz', 'https://two.example/a-1.0.tar.gz']),
      ]),
      stage('two', [
        urlInput('src/a.tgz', a, ['https://one.example/pub/a-1.0.tar.gz', 'https://three.example/a.tgz']),
        urlInput('src/b', b, ['https://four.example/']),
      ]),
    ]);
    expect(wantedSources(chain)).toEqual([
      {
        sha256: a,
        urls: ['https://one.example/pub/a-1.0.tar.gz', 'https://two.example/a-1.0.tar.gz', 'https://three.example/a.tgz'],
        fileName: 'a-1.0.tar.gz',
        neededBy: ['stage one: src/a.tar.gz', 'stage two: src/a.tgz'],
      },
      // A URL without a file name: the sha256 names the file.
      { sha256: b, urls: ['https://four.example/'], fileName: b, neededBy: ['stage two: src/b'] },
    ]);
  });
});

describe('ensureSources', () => {
  it('fetches every source of a chain, each once', async () => {
    const one = randomPayload(1000);
    const two = randomPayload(2000);
    served.set('/one.tar', one);
    served.set('/two.tar', two);
    const chain = chainOf([
      stage('a', [urlInput('src/one.tar', sha256Bytes(one), [`${http.base}/one.tar`])]),
      stage('b', [
        urlInput('src/one.tar', sha256Bytes(one), [`${http.base}/one.tar`]),
        urlInput('src/two.tar', sha256Bytes(two), [`${http.base}/two.tar`]),
      ]),
    ]);
    const summary = await ensureSources(chain, rig.store, fastOptions);
    expect(summary.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(http.requests.map((r) => r.path).sort()).toEqual(['/one.tar', '/two.tar']);
    // A second run needs no network at all.
    await ensureSources(chain, rig.store, fastOptions);
    expect(http.requests).toHaveLength(2);
  });

  it('fails naming every source that could not be had, with the reason per URL', async () => {
    const good = randomPayload(1000);
    const wrong = randomPayload(1000);
    served.set('/good.tar', good);
    served.set('/wrong.tar', randomPayload(1000));
    const missingSha = sha256Bytes('never served');
    const chain = chainOf([
      stage('a', [urlInput('src/good.tar', sha256Bytes(good), [`${http.base}/good.tar`])]),
      stage('b', [
        urlInput('src/wrong.tar', sha256Bytes(wrong), [`${http.base}/wrong.tar`, `${http.base}/broken`]),
        urlInput('src/missing.tar', missingSha, [`${http.base}/missing.tar`]),
      ]),
    ]);
    const error = await ensureSources(chain, rig.store, fastOptions).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SourcesUnavailableError);
    const message = (error as Error).message;
    expect(message).toContain('2 of 3 sources could not be obtained');
    expect(message).toContain(`wrong.tar (sha256 ${sha256Bytes(wrong)}; stage b: src/wrong.tar)`);
    expect(message).toContain(`${http.base}/wrong.tar: wrong bytes: expected sha256 ${sha256Bytes(wrong)}, got `);
    expect(message).toContain(`${http.base}/broken: HTTP 503`);
    expect(message).toContain(`missing.tar (sha256 ${missingSha}; stage b: src/missing.tar)`);
    expect(message).toContain(`${http.base}/missing.tar: HTTP 404`);
    expect(message).not.toContain('good.tar');
    // What could be fetched was kept.
    expect(await rig.store.has(sha256Bytes(good))).toBe(true);
  });

  it('exportSources writes a chain’s sources under the last segment of their first URL', async () => {
    const body = randomPayload(3000);
    served.set('/pub/tool-4.2.tar.gz', body);
    const chain = chainOf([
      stage('a', [urlInput('src/t.tgz', sha256Bytes(body), [`${http.base}/pub/tool-4.2.tar.gz`, 'https://x.example/t.tgz'])]),
    ]);
    await ensureSources(chain, rig.store, fastOptions);
    const dir = join(rig.dir, 'export');
    await exportSources(chain, rig.store, dir);
    expect((await readdir(dir)).sort()).toEqual(['SHA256SUMS', 'tool-4.2.tar.gz']);
    expect((await readFile(join(dir, 'tool-4.2.tar.gz'))).equals(body)).toBe(true);
  });
});

describe('servers that close the connection', () => {
  // undici 7 crashed the whole process when a server closed the connection while a body was
  // still being written out (nodejs/undici#5360); sources must read bodies so that cannot happen.
  it('reads a large body sent all at once and followed by a close, as HTTP/1.0 servers do', async () => {
    const body = randomPayload(1024 * 1024);
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.once('data', () => {
        socket.write(`HTTP/1.0 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sources = [1, 2, 3].map((n) => wanted(body, [`http://127.0.0.1:${port}/big-${n}.tar`], `big-${n}.tar`));
      // Three names for the same bytes would share one lock; fetch them into three stores instead.
      const results = await Promise.all(
        sources.map(async (source, n) => {
          const store = await Store.open(join(rig.dir, `store-${n}`));
          return fetchSources([source], store, fastOptions);
        }),
      );
      expect(results.map((r) => r.failed)).toEqual([[], [], []]);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
