// `kindling fetch` end to end through commander, on a chain directory made for the test.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { register } from '../../src/cli/fetch.js';
import { exitStatusOf } from '../../src/cli/exit-status.js';
import { KindlingError } from '../../src/errors.js';
import { serveBytes, startServer, type TestServer } from './http-rig.js';
import { makeRig, randomPayload, type Rig } from './rig.js';

let rig: Rig;
let http: TestServer;
const tarball = randomPayload(30_000);
const script = Buffer.from('true\n');

async function writeChain(sources: { name: string; sha256: string }[]): Promise<string> {
  const chainDir = join(rig.dir, 'chain');
  await mkdir(join(chainDir, 'seeds'), { recursive: true });
  await mkdir(join(chainDir, '01-sources'), { recursive: true });
  await writeFile(join(chainDir, 'chain.yaml'), 'name: test\narch: amd64\nseeds: seeds\n');
  await writeFile(join(chainDir, '01-sources', 'build.sh'), script);
  const urlInputs = sources.map((s, i) => `  - { path: src/${i}.tar, url: "${http.base}/pub/${s.name}", sha256: "${s.sha256}" }\n`);
  await writeFile(
    join(chainDir, '01-sources', 'stage.yaml'),
    'name: sources\ndescription: a stage that only holds sources\ninputs:\n' +
      `  - { path: build.sh, file: build.sh, sha256: "${sha256Bytes(script)}" }\n` +
      urlInputs.join('') +
      'run: { init: build.sh, script: build.sh, timeout: 10 }\n' +
      `outputs:\n  - { path: out, sha256: "${sha256Bytes('out')}" }\n`,
  );
  return chainDir;
}

async function kindling(...args: string[]): Promise<{ stdout: string; error: unknown }> {
  const program = new Command('kindling').exitOverride();
  register(program);
  let stdout = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(['node', 'kindling', ...args]);
    return { stdout, error: undefined };
  } catch (error) {
    return { stdout, error };
  } finally {
    write.mockRestore();
    errors.mockRestore();
  }
}

beforeEach(async () => {
  rig = await makeRig();
  http = await startServer((req, res) => {
    if (req.url === '/pub/tool-1.0.tar') serveBytes(res, req, tarball);
    else res.writeHead(404).end();
  });
  vi.stubEnv('KINDLING_DISTFILES', '');
  vi.stubEnv('KINDLING_MIRRORS_FILE', join(rig.dir, 'no-mirrors'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await http.close();
  await rig.cleanup();
});

describe('kindling fetch', () => {
  it('fetches, exports, and prints a JSON summary', async () => {
    const chain = await writeChain([{ name: 'tool-1.0.tar', sha256: sha256Bytes(tarball) }]);
    const store = join(rig.dir, 'store');
    const exportDir = join(rig.dir, 'export');
    const { stdout, error } = await kindling('fetch', '--chain', chain, '--store', store, '--export', exportDir, '--json');
    expect(error).toBeUndefined();
    const summary = JSON.parse(stdout) as { ok: boolean; sources: { fileName: string; via: string }[]; exported: unknown[] };
    expect(summary.ok).toBe(true);
    expect(summary.sources).toMatchObject([{ fileName: 'tool-1.0.tar', via: 'download' }]);
    expect(summary.exported).toHaveLength(1);
    expect((await readdir(exportDir)).sort()).toEqual(['SHA256SUMS', 'tool-1.0.tar']);

    // Offline, from the export: no request reaches the server.
    const before = http.requests.length;
    const offline = await kindling('fetch', '--chain', chain, '--store', join(rig.dir, 'store2'), '--distfiles', exportDir);
    expect(offline.error).toBeUndefined();
    expect(offline.stdout).toContain(`tool-1.0.tar: imported from ${join(exportDir, 'tool-1.0.tar')}`);
    expect(http.requests.length).toBe(before);
  });

  it('fails with every missing source named', async () => {
    const chain = await writeChain([
      { name: 'tool-1.0.tar', sha256: sha256Bytes(tarball) },
      { name: 'gone-2.0.tar', sha256: sha256Bytes('gone') },
    ]);
    const { stdout, error } = await kindling('fetch', '--chain', chain, '--store', join(rig.dir, 'store'), '--retries', '0');
    expect(error).toBeInstanceOf(KindlingError);
    expect(exitStatusOf(error as KindlingError)).toBe(1);
    expect((error as KindlingError).message).toContain(`gone-2.0.tar (sha256 ${sha256Bytes('gone')}; stage sources: src/1.tar)`);
    expect((error as KindlingError).message).toContain(`${http.base}/pub/gone-2.0.tar: HTTP 404`);
    expect(stdout).toContain('tool-1.0.tar: downloaded from');
  });

  it('reports a bad mirror flag as a usage error', async () => {
    const chain = await writeChain([]);
    const { error } = await kindling('fetch', '--chain', chain, '--store', join(rig.dir, 'store'), '--mirror', 'ftp://x/');
    expect(error).toBeInstanceOf(KindlingError);
    expect(exitStatusOf(error as KindlingError)).toBe(2);
  });
});
