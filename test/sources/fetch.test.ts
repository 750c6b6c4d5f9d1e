// Fetching sources over real HTTP from servers on 127.0.0.1: right bytes, wrong bytes, broken and
// stalled transfers, status codes, redirects, mirrors, resumption and concurrent fetches.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { fetchSources } from '../../src/sources/ensure.js';
import type { SourceFailure } from '../../src/sources/failures.js';
import { partialPath, type SourceOutcome } from '../../src/sources/obtain.js';
import { Store } from '../../src/store/store.js';
import { makeRig, randomPayload, fastOptions, wanted, type Rig } from './rig.js';
import { serveBytes, serveTruncated, startServer, type TestServer } from './http-rig.js';

let rig: Rig;
const servers: TestServer[] = [];

async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const started = await startServer(...args);
  servers.push(started);
  return started;
}

beforeEach(async () => {
  rig = await makeRig();
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rig.cleanup();
});

function only(outcomes: readonly SourceOutcome[]): SourceOutcome {
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function failuresOf(outcome: SourceOutcome): readonly SourceFailure[] {
  expect(outcome.ok).toBe(false);
  return outcome.failures;
}

async function storedBytes(store: Store, bytes: Uint8Array): Promise<Buffer> {
  return readFile(store.objectPath(sha256Bytes(bytes)));
}

async function tmpEntries(store: Store): Promise<string[]> {
  return readdir(join(store.root, 'tmp'));
}

describe('downloading one source', () => {
  it('stores the right bytes under their sha256', async () => {
    const body = randomPayload(200_000);
    const http = await server((req, res) => serveBytes(res, req, body));
    const source = wanted(body, [`${http.base}/dist/src.tar.gz`]);
    const summary = await fetchSources([source], rig.store, fastOptions);
    const outcome = only(summary.outcomes);
    expect(outcome).toMatchObject({ ok: true, via: 'download', from: `${http.base}/dist/src.tar.gz` });
    expect(summary.failed).toEqual([]);
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
    expect(await tmpEntries(rig.store)).toEqual([]);
  });

  it('reports wrong bytes with both hashes and the URL, and stores nothing', async () => {
    const body = randomPayload(5000);
    const impostor = randomPayload(5000);
    const http = await server((req, res) => serveBytes(res, req, impostor));
    const url = `${http.base}/src.tar.gz`;
    const source = wanted(body, [url]);
    const outcome = only((await fetchSources([source], rig.store, fastOptions)).outcomes);
    expect(failuresOf(outcome)).toEqual([
      {
        reason: 'hash-mismatch',
        url,
        servedBy: url,
        expected: sha256Bytes(body),
        actual: sha256Bytes(impostor),
        bytes: 5000,
      },
    ]);
    expect(await rig.store.has(sha256Bytes(body))).toBe(false);
    expect(await rig.store.has(sha256Bytes(impostor))).toBe(false);
    expect(await tmpEntries(rig.store)).toEqual([]);
  });

  it('retries a truncated body, and keeps only a file named partial when it never completes', async () => {
    const body = randomPayload(10_000);
    // The server never honours Range, so every attempt starts over and is cut short again.
    const http = await server((_req, res) => serveTruncated(res, body, 4000));
    const source = wanted(body, [`${http.base}/src.tar.gz`]);
    const outcome = only((await fetchSources([source], rig.store, fastOptions)).outcomes);
    const failures = failuresOf(outcome);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ reason: 'network', url: `${http.base}/src.tar.gz` });
    expect(http.requests).toHaveLength(3);
    expect(await rig.store.has(source.sha256)).toBe(false);
    expect(await tmpEntries(rig.store)).toEqual([`partial-${source.sha256}`]);

    // A later run against a good server finishes the file and verifies all of it.
    const good = await server((req, res) => serveBytes(res, req, body));
    const later = only((await fetchSources([wanted(body, [`${good.base}/src.tar.gz`])], rig.store, fastOptions)).outcomes);
    expect(later.ok).toBe(true);
    expect(good.requests[0]?.range).toBe('bytes=4000-');
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
    expect(await tmpEntries(rig.store)).toEqual([]);
  });

  it('gives up on a server that stalls mid-body, within bounded time', async () => {
    const body = randomPayload(10_000);
    const http = await server((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 1000)); // and then nothing
    });
    const started = Date.now();
    const outcome = only((await fetchSources([wanted(body, [`${http.base}/a`])], rig.store, fastOptions)).outcomes);
    const elapsed = Date.now() - started;
    expect(failuresOf(outcome)).toEqual([{ reason: 'stalled', url: `${http.base}/a`, seconds: 0.3 }]);
    expect(http.requests).toHaveLength(3);
    // Three attempts of 0.3 s and two short back-offs; generous slack for a loaded machine.
    expect(elapsed).toBeLessThan(5000);
  });

  it('gives up on a server that never sends headers', async () => {
    const http = await server(() => {
      // Accept the request and say nothing.
    });
    const body = randomPayload(100);
    const outcome = only((await fetchSources([wanted(body, [`${http.base}/a`])], rig.store, { ...fastOptions, retries: 0 })).outcomes);
    expect(failuresOf(outcome)).toEqual([{ reason: 'stalled', url: `${http.base}/a`, seconds: 0.3 }]);
  });

  it('does not retry a 404; retries a 500, then moves to the next mirror', async () => {
    const body = randomPayload(3000);
    const missing = await server((_req, res) => res.writeHead(404).end('no'));
    const broken = await server((_req, res) => res.writeHead(500).end('oops'));
    const good = await server((req, res) => serveBytes(res, req, body));
    const source = wanted(body, [`${missing.base}/f`, `${broken.base}/f`, `${good.base}/f`]);
    const delays: number[] = [];
    const reporter = { retry: (_source: unknown, _failure: unknown, delayMs: number) => void delays.push(delayMs) };
    const outcome = only((await fetchSources([source], rig.store, { ...fastOptions, reporter })).outcomes);
    // Exponential back-off: the first delay, then twice it.
    expect(delays).toEqual([10, 20]);
    expect(outcome).toMatchObject({ ok: true, via: 'download', from: `${good.base}/f` });
    expect(outcome.failures).toEqual([
      { reason: 'http-status', url: `${missing.base}/f`, status: 404 },
      { reason: 'http-status', url: `${broken.base}/f`, status: 500 },
    ]);
    expect(missing.requests).toHaveLength(1);
    expect(broken.requests).toHaveLength(3);
    expect(good.requests).toHaveLength(1);
  });

  it('follows redirects and names the URL that served the bytes', async () => {
    const body = randomPayload(3000);
    const http = await server((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/older' }).end();
      else if (req.url === '/older') res.writeHead(302, { location: `/files/src.tar.gz` }).end();
      else serveBytes(res, req, body);
    });
    const outcome = only((await fetchSources([wanted(body, [`${http.base}/old`])], rig.store, fastOptions)).outcomes);
    expect(outcome).toMatchObject({ ok: true, from: `${http.base}/files/src.tar.gz` });
    expect(http.requests.map((r) => r.path)).toEqual(['/old', '/older', '/files/src.tar.gz']);
  });

  it('stops a redirect loop and a redirect chain longer than the limit', async () => {
    const http = await server((req, res) => {
      if (req.url === '/a') res.writeHead(302, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(302, { location: '/a' }).end();
      else {
        const n = Number(req.url?.slice(2));
        res.writeHead(302, { location: `/n${n + 1}` }).end();
      }
    });
    const body = randomPayload(10);
    const [loop, chain] = (
      await fetchSources([wanted(body, [`${http.base}/a`]), wanted(randomPayload(11), [`${http.base}/n0`])], rig.store, {
        ...fastOptions,
        maxRedirects: 4,
      })
    ).outcomes;
    expect(failuresOf(loop!)).toEqual([
      { reason: 'redirect-loop', url: `${http.base}/a`, hops: [`${http.base}/a`, `${http.base}/b`, `${http.base}/a`] },
    ]);
    expect(failuresOf(chain!)).toEqual([{ reason: 'too-many-redirects', url: `${http.base}/n0`, limit: 4 }]);
    expect(http.requests.filter((r) => r.path.startsWith('/n'))).toHaveLength(5);
  });

  it('tries mirrors in order until the third one serves the right bytes', async () => {
    const body = randomPayload(4000);
    const first = await server((_req, res) => res.writeHead(404).end());
    const second = await server((req, res) => serveBytes(res, req, randomPayload(4000)));
    const third = await server((req, res) => serveBytes(res, req, body));
    const fourth = await server((req, res) => serveBytes(res, req, body));
    const source = wanted(body, [`${fourth.base}/upstream/src-1.0.tar.gz`], 'src-1.0.tar.gz');
    const outcome = only(
      (
        await fetchSources([source], rig.store, {
          ...fastOptions,
          mirrors: [first.base, `${second.base}/pub/`, `${third.base}/sha256/{sha256}`],
        })
      ).outcomes,
    );
    expect(outcome).toMatchObject({ ok: true, from: `${third.base}/sha256/${source.sha256}` });
    expect(outcome.failures.map((f) => f.reason)).toEqual(['http-status', 'hash-mismatch']);
    expect(first.requests.map((r) => r.path)).toEqual(['/src-1.0.tar.gz']);
    expect(second.requests.map((r) => r.path)).toEqual(['/pub/src-1.0.tar.gz']);
    expect(fourth.requests).toHaveLength(0);
  });
});

describe('resuming', () => {
  it('resumes a dropped download with a Range request', async () => {
    const body = randomPayload(300_000);
    const http = await server((req, res, index) => {
      if (index === 0) serveTruncated(res, body, 120_000);
      else serveBytes(res, req, body);
    });
    const outcome = only((await fetchSources([wanted(body, [`${http.base}/f`])], rig.store, fastOptions)).outcomes);
    expect(outcome.ok).toBe(true);
    expect(http.requests).toHaveLength(2);
    expect(http.requests[0]?.range).toBeUndefined();
    // At least what the server wrote before dropping may have arrived; resumption starts there.
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(http.requests[1]?.range ?? '')?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(120_000);
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
  });

  it('starts over cleanly when the server ignores Range', async () => {
    const body = randomPayload(100_000);
    const http = await server((req, res, index) => {
      if (index === 0) serveTruncated(res, body, 40_000);
      else serveBytes(res, req, body, false);
    });
    const outcome = only((await fetchSources([wanted(body, [`${http.base}/f`])], rig.store, fastOptions)).outcomes);
    expect(outcome.ok).toBe(true);
    expect(http.requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
  });

  it('re-verifies resumed bytes: a bad partial file from an earlier run is thrown away', async () => {
    const body = randomPayload(50_000);
    const source = wanted(body, []);
    await writeFile(partialPath(rig.store, source), randomPayload(20_000));
    const http = await server((req, res) => serveBytes(res, req, body));
    const outcome = only((await fetchSources([{ ...source, urls: [`${http.base}/f`] }], rig.store, fastOptions)).outcomes);
    expect(outcome.ok).toBe(true);
    expect(http.requests.map((r) => r.range)).toEqual(['bytes=20000-', undefined]);
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
    expect(await tmpEntries(rig.store)).toEqual([]);
  });

  it('starts over when a partial file is longer than the file (416)', async () => {
    const body = randomPayload(1000);
    const source = wanted(body, []);
    await writeFile(partialPath(rig.store, source), randomPayload(2000));
    const http = await server((req, res) => serveBytes(res, req, body));
    const outcome = only((await fetchSources([{ ...source, urls: [`${http.base}/f`] }], rig.store, fastOptions)).outcomes);
    expect(outcome.ok).toBe(true);
    expect(http.requests.map((r) => r.range)).toEqual(['bytes=2000-', undefined]);
  });
});

describe('concurrency', () => {
  it('two fetches of the same file at once both end with the good object, downloaded once', async () => {
    const body = randomPayload(200_000);
    // A slow server, so that the second fetch surely starts while the first is downloading.
    const http = await server((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 100_000));
      setTimeout(() => res.end(body.subarray(100_000)), 300);
    });
    const source = wanted(body, [`${http.base}/f`]);
    const otherStore = await Store.open(rig.store.root);
    const [a, b] = await Promise.all([fetchSources([source], rig.store, fastOptions), fetchSources([source], otherStore, fastOptions)]);
    expect(a.failed).toEqual([]);
    expect(b.failed).toEqual([]);
    expect([only(a.outcomes), only(b.outcomes)].map((o) => o.ok && o.via).sort()).toEqual(['download', 'store']);
    expect(http.requests).toHaveLength(1);
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
  });

  it('two processes fetching the same file at once both end with the good object', async () => {
    const body = randomPayload(300_000);
    const http = await server((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 100_000));
      setTimeout(() => res.end(body.subarray(100_000)), 500);
    });
    // Each process runs the compiled module (test/support/global-setup.ts builds dist/ first).
    const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
    const script = join(rig.dir, 'fetch-one.mjs');
    await writeFile(
      script,
      `import { fetchSources } from ${JSON.stringify(join(dist, 'sources/ensure.js'))};\n` +
        `import { Store } from ${JSON.stringify(join(dist, 'store/store.js'))};\n` +
        `const [root, url, sha256] = process.argv.slice(2);\n` +
        `const store = await Store.open(root);\n` +
        `const summary = await fetchSources([{ sha256, urls: [url], fileName: 'f', neededBy: [] }], store, { retries: 0 });\n` +
        `const [outcome] = summary.outcomes;\n` +
        `process.stdout.write(JSON.stringify({ ok: outcome.ok, via: outcome.via }));\n`,
    );
    const run = (): Promise<string> =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, [script, rig.store.root, `${http.base}/f`, sha256Bytes(body)], (error, stdout) =>
          error ? reject(error) : resolve(stdout),
        );
      });
    const results = (await Promise.all([run(), run()])).map((out) => JSON.parse(out) as { ok: boolean; via: string });
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results.map((r) => r.via).sort()).toEqual(['download', 'store']);
    expect(http.requests).toHaveLength(1);
    expect((await storedBytes(rig.store, body)).equals(body)).toBe(true);
  });
});
