// Sources without the network: distfiles directories (by name, then by hash), export to a
// distfiles directory and an offline fetch back from it, and the real upstream tarballs in
// shared/distfiles served over HTTP.
import { copyFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSha256, sha256Bytes, sha256File, type Sha256 } from '../../src/digest.js';
import { fetchSources } from '../../src/sources/ensure.js';
import { exportWanted } from '../../src/sources/export.js';
import type { WantedSource } from '../../src/sources/wanted.js';
import { Store } from '../../src/store/store.js';
import { serveBytes, startServer, type TestServer } from './http-rig.js';
import { fastOptions, makeRig, randomPayload, wanted, type Rig } from './rig.js';
import { distfilesDir } from '../support/distfiles.js';

let rig: Rig;
let http: TestServer;
const served = new Map<string, Buffer>();

beforeEach(async () => {
  rig = await makeRig();
  served.clear();
  http = await startServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (body === undefined) res.writeHead(404).end();
    else serveBytes(res, req, body);
  });
});

afterEach(async () => {
  await http.close();
  await rig.cleanup();
});

describe('distfiles directories', () => {
  it('imports a file found by name without any request to the network', async () => {
    const body = randomPayload(20_000);
    served.set('/src-2.0.tar.gz', body);
    const distfiles = join(rig.dir, 'distfiles');
    await mkdir(distfiles);
    await writeFile(join(distfiles, 'src-2.0.tar.gz'), body);
    const source = wanted(body, [`${http.base}/src-2.0.tar.gz`], 'src-2.0.tar.gz');
    const summary = await fetchSources([source], rig.store, { ...fastOptions, distfiles: [join(rig.dir, 'none'), distfiles] });
    expect(summary.outcomes[0]).toMatchObject({ ok: true, via: 'distfiles', from: join(distfiles, 'src-2.0.tar.gz') });
    expect(http.requests).toEqual([]);
    expect((await readFile(rig.store.objectPath(source.sha256))).equals(body)).toBe(true);
  });

  it('finds a file saved under another name by its hash, and notes a same-named file with other bytes', async () => {
    const body = randomPayload(5000);
    const distfiles = join(rig.dir, 'distfiles');
    await mkdir(distfiles);
    const impostor = randomPayload(5000);
    await writeFile(join(distfiles, 'src.tar.gz'), impostor);
    await writeFile(join(distfiles, 'renamed-by-hand.tgz'), body);
    const source = wanted(body, [`${http.base}/src.tar.gz`], 'src.tar.gz');
    const outcome = (await fetchSources([source], rig.store, { ...fastOptions, distfiles: [distfiles] })).outcomes[0]!;
    expect(outcome).toMatchObject({ ok: true, via: 'distfiles', from: join(distfiles, 'renamed-by-hand.tgz') });
    expect(outcome.failures).toEqual([
      { reason: 'distfile-mismatch', path: join(distfiles, 'src.tar.gz'), expected: source.sha256, actual: sha256Bytes(impostor) },
    ]);
    expect(http.requests).toEqual([]);
    expect(await rig.store.has(sha256Bytes(impostor))).toBe(false);
  });

  it('exports sources, then fetches them offline from the export alone', async () => {
    const first = randomPayload(30_000);
    const second = randomPayload(40_000);
    served.set('/a/first-1.0.tar.gz', first);
    served.set('/b/second-3.1.tar.xz', second);
    const sources = [
      wanted(first, [`${http.base}/a/first-1.0.tar.gz`], 'first-1.0.tar.gz'),
      wanted(second, [`${http.base}/b/second-3.1.tar.xz`], 'second-3.1.tar.xz'),
    ];
    expect((await fetchSources(sources, rig.store, fastOptions)).failed).toEqual([]);
    expect(http.requests).toHaveLength(2);

    const exportDir = join(rig.dir, 'export');
    const exported = await exportWanted(sources, rig.store, exportDir);
    expect(exported.map((file) => [file.fileName, file.written])).toEqual([
      ['first-1.0.tar.gz', true],
      ['second-3.1.tar.xz', true],
    ]);
    expect((await readdir(exportDir)).sort()).toEqual(['SHA256SUMS', 'first-1.0.tar.gz', 'second-3.1.tar.xz']);
    expect(await readFile(join(exportDir, 'SHA256SUMS'), 'utf8')).toBe(
      `${sources[0]!.sha256}  first-1.0.tar.gz\n${sources[1]!.sha256}  second-3.1.tar.xz\n`,
    );
    expect((await stat(join(exportDir, 'first-1.0.tar.gz'))).mode & 0o200).toBe(0o200);
    // Exporting again writes nothing new.
    expect((await exportWanted(sources, rig.store, exportDir)).map((file) => file.written)).toEqual([false, false]);

    // A machine without network: a fresh store, the server gone.
    await http.close();
    const offline = await Store.open(join(rig.dir, 'offline-store'));
    const summary = await fetchSources(sources, offline, { ...fastOptions, distfiles: [exportDir] });
    expect(summary.outcomes.map((outcome) => outcome.ok && outcome.via)).toEqual(['distfiles', 'distfiles']);
    expect(http.requests).toHaveLength(2);
    expect((await readFile(offline.objectPath(sources[1]!.sha256))).equals(second)).toBe(true);
  });

  it('refuses to export a source that is not in the store', async () => {
    const source = wanted(randomPayload(10), [`${http.base}/x.tar`], 'x.tar');
    await expect(exportWanted([source], rig.store, join(rig.dir, 'export'))).rejects.toThrow(/not in the store.*x\.tar/);
  });
});

/** The upstream tarballs ($KINDLING_DISTFILES, or shared/distfiles beside the checkout as CI lays it out). */
const sharedDistfiles = distfilesDir;

async function readSums(dir: string): Promise<{ name: string; sha256: Sha256 }[]> {
  const lines = (await readFile(join(dir, 'SHA256SUMS'), 'utf8')).split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const [sha256, name] = line.split(/\s+\*?/);
    if (!isSha256(sha256) || name === undefined) throw new Error(`bad SHA256SUMS line: ${line}`);
    return { name, sha256 };
  });
}

describe('the real upstream tarballs in shared/distfiles', () => {
  it('downloads each over HTTP from a mirror and verifies it against SHA256SUMS', async () => {
    const dir = sharedDistfiles();
    const sums = await readSums(dir);
    expect(sums.length).toBeGreaterThanOrEqual(4);
    for (const { name } of sums) served.set(`/mirror/${name}`, await readFile(join(dir, name)));
    const sources: WantedSource[] = sums.map(({ name, sha256 }) => ({
      sha256,
      urls: [`${http.base}/upstream-is-down/${name}`],
      fileName: name,
      neededBy: [`stage test: src/${name}`],
    }));
    const summary = await fetchSources(sources, rig.store, { ...fastOptions, mirrors: [`${http.base}/mirror`] });
    expect(summary.failed).toEqual([]);
    for (const { name, sha256 } of sums) {
      expect(summary.outcomes.find((o) => o.source.fileName === name)).toMatchObject({
        ok: true,
        via: 'download',
        from: `${http.base}/mirror/${name}`,
      });
      expect(await sha256File(rig.store.objectPath(sha256))).toBe(sha256);
    }
    expect(http.requests.every((r) => r.path.startsWith('/mirror/'))).toBe(true);
  });

  it('imports them from a distfiles directory where they were renamed, by hash', async () => {
    const dir = sharedDistfiles();
    const sums = await readSums(dir);
    const renamed = join(rig.dir, 'renamed');
    await mkdir(renamed);
    for (const { name } of sums) await copyFile(join(dir, name), join(renamed, `copy-of-${name}`));
    const sources: WantedSource[] = sums.map(({ name, sha256 }) => ({
      sha256,
      urls: [`${http.base}/${name}`],
      fileName: name,
      neededBy: [],
    }));
    const summary = await fetchSources(sources, rig.store, { ...fastOptions, distfiles: [renamed] });
    expect(summary.outcomes.map((o) => o.ok && o.via)).toEqual(sums.map(() => 'distfiles'));
    expect(http.requests).toEqual([]);
  });
});
