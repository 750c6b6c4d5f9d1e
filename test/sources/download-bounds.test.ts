// The bounds on a download, over real HTTP from servers on 127.0.0.1: a body that fails before it
// is read still ends the download; a source larger than it may be and a download slower than the
// deadline both fail with a clear reason; and `kindling fetch` exits non-zero for each.
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { writeBodyToFile } from '../../src/sources/body-to-file.js';
import { fetchSources } from '../../src/sources/ensure.js';
import { describeFailure } from '../../src/sources/failures.js';
import { startRawServer, startServer, type TestServer } from './http-rig.js';
import { fastOptions, makeRig, randomPayload, wanted, type Rig } from './rig.js';

const kindlingBin = fileURLToPath(new URL('../../bin/kindling.js', import.meta.url));
let rig: Rig;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  rig = await makeRig();
});

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await rig.cleanup();
});

async function server(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const started = await startServer(...args);
  closers.push(() => started.close());
  return started;
}

/** Settles with the promise's outcome, or 'never' if it has not settled within `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'never'> {
  let timer: NodeJS.Timeout | undefined;
  const never = new Promise<'never'>((resolve) => (timer = setTimeout(() => resolve('never'), ms)));
  try {
    return await Promise.race([promise, never]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a body that fails before it is read', () => {
  it('still rejects when the stream had already failed', async () => {
    const body = new PassThrough();
    // As undici's body does, the stream has failed and told its own listener before ours exist.
    body.on('error', () => undefined);
    body.destroy(new Error('other side closed'));
    await new Promise((resolve) => setImmediate(resolve));
    const written = writeBodyToFile(body, join(rig.dir, 'partial'), { append: false, startSize: 0, limit: 100, onChunk: () => undefined });
    const outcome = await within(
      written.then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
      2000,
    );
    expect(outcome).toBe('other side closed');
  });

  it('ends every download from a server that sends the headers and half the body in one packet, then closes', async () => {
    const body = randomPayload(100_000);
    for (const sent of [0, 10, 1000, 5000, 60_000]) {
      const raw = await startRawServer(
        Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body.subarray(0, sent)]),
      );
      closers.push(() => raw.close());
      for (let round = 0; round < 8; round++) {
        const summary = await within(
          fetchSources([wanted(body, [`${raw.base}/src.tar.gz`])], rig.store, { ...fastOptions, retries: 0 }),
          5000,
        );
        expect(summary, `${sent} bytes sent, round ${round}`).not.toBe('never');
        if (summary === 'never') return;
        expect(summary.failed).toHaveLength(1);
        expect(summary.outcomes[0]!.failures[0]).toMatchObject({ reason: 'network' });
      }
    }
  });
});

describe('the size limit', () => {
  it('refuses a file announced as larger than the manifest size, reading none of it', async () => {
    const body = randomPayload(50_000);
    const http = await server((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    });
    const url = `${http.base}/src.tar.gz`;
    const summary = await fetchSources([{ ...wanted(body, [url]), size: 40_000 }], rig.store, fastOptions);
    expect(summary.outcomes[0]!.failures).toEqual([{ reason: 'too-large', url, limit: 40_000, from: 'manifest' }]);
    expect(http.requests).toHaveLength(1);
    expect(await readdir(join(rig.store.root, 'tmp'))).toEqual([]);
  });

  it('cuts off a server that sends forever, at the default limit, and keeps nothing', async () => {
    const chunk = randomPayload(16_384);
    const http = await server((_req, res) => {
      res.writeHead(200);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const url = `${http.base}/endless.tar.gz`;
    const summary = await fetchSources([wanted(randomPayload(10), [url])], rig.store, { ...fastOptions, maxBytes: 1_000_000 });
    const failure = summary.outcomes[0]!.failures[0]!;
    expect(failure).toEqual({ reason: 'too-large', url, limit: 1_000_000, from: 'default' });
    expect(describeFailure(failure)).toContain('larger than the limit of 1000000 bytes');
    expect(await readdir(join(rig.store.root, 'tmp'))).toEqual([]);
  });
});

describe('the deadline', () => {
  it('gives up on a server trickling bytes faster than the stall timeout, at the deadline', async () => {
    const body = randomPayload(1000);
    const http = await server((_req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= body.length) return clearInterval(timer);
        res.write(body.subarray(sent, ++sent));
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    const url = `${http.base}/slow.tar.gz`;
    const started = Date.now();
    const summary = await fetchSources([wanted(body, [url])], rig.store, { ...fastOptions, deadlineMs: 800 });
    expect(summary.outcomes[0]!.failures).toEqual([{ reason: 'deadline', url, seconds: 0.8 }]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('kindling fetch', () => {
  async function chainNeeding(url: string, sha256: string, extra = ''): Promise<string> {
    const chainDir = join(rig.dir, 'chain');
    const stageDir = join(chainDir, '01-sources');
    await mkdir(join(chainDir, 'seeds'), { recursive: true });
    await mkdir(stageDir, { recursive: true });
    await writeFile(join(chainDir, 'chain.yaml'), 'name: test\narch: amd64\nseeds: seeds\n');
    await writeFile(join(stageDir, 'build.sh'), 'true\n');
    await writeFile(
      join(stageDir, 'stage.yaml'),
      'name: sources\ninputs:\n' +
        `  - { path: build.sh, file: build.sh, sha256: "${sha256Bytes('true\n')}" }\n` +
        `  - { path: src.tar, url: "${url}", sha256: "${sha256}"${extra} }\n` +
        'run: { init: build.sh, script: build.sh, timeout: 10 }\n' +
        `outputs:\n  - { path: out, sha256: "${sha256Bytes('out')}" }\n`,
    );
    return chainDir;
  }

  async function fetchCli(chainDir: string): Promise<{ code: number; stderr: string }> {
    const env = { ...process.env, KINDLING_DISTFILES: '', KINDLING_MIRRORS_FILE: join(rig.dir, 'none') };
    const args = [kindlingBin, 'fetch', '--chain', chainDir, '--store', join(rig.dir, 'cli-store'), '--retries', '0'];
    try {
      await promisify(execFile)(process.execPath, args, { env, timeout: 20_000 });
      return { code: 0, stderr: '' };
    } catch (error) {
      const failed = error as { code?: number; stderr?: string };
      return { code: failed.code ?? -1, stderr: failed.stderr ?? '' };
    }
  }

  it('exits 1 naming the source when every answer is cut short', async () => {
    const body = randomPayload(100_000);
    const raw = await startRawServer(
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n`), body.subarray(0, 1000)]),
    );
    closers.push(() => raw.close());
    const chainDir = await chainNeeding(`${raw.base}/src.tar`, sha256Bytes(body));
    for (let round = 0; round < 3; round++) {
      const { code, stderr } = await fetchCli(chainDir);
      expect(code).toBe(1);
      expect(stderr).toContain('src.tar (sha256');
    }
  });

  it('exits 1 when the source is larger than its manifest size', async () => {
    const body = randomPayload(5000);
    const http = await server((_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
    const chainDir = await chainNeeding(`${http.base}/src.tar`, sha256Bytes(body), ', size: 4999');
    const { code, stderr } = await fetchCli(chainDir);
    expect(code).toBe(1);
    expect(stderr).toContain("larger than the manifest's size of 4999 bytes");
  });
});
