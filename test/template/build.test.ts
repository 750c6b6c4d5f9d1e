import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageKey } from '../../src/run/stage-key.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { Store } from '../../src/store/store.js';
import { readArchive } from '../../src/template/archive.js';
import { buildTemplate, type BuildTemplateResult } from '../../src/template/build.js';
import { compareBuilds, compareImages } from '../../src/template/compare.js';
import type { TemplateManifest } from '../../src/template/manifest.js';
import { KINDLING_VERSION } from '../../src/version.js';
import { BUSYBOX, sha256 } from '../support/rig.js';
import { BIG, DEMO_ENTRIES, makeTemplateRig, RIG_STAGES, type TemplateRig } from './template-rig.js';

const sandbox = createBwrapSandbox();
const rigs: TemplateRig[] = [];
let rig: TemplateRig;
let first: Extract<BuildTemplateResult, { ok: true }>;
const expectedFiles: Record<string, { content: string; mode: number }> = {
  'etc/beta': { content: 'beta', mode: 0o644 },
  'usr/bin/twice': { content: 'alpha\nalpha\n', mode: 0o755 },
  'usr/share/demo/alpha': { content: 'alpha\n', mode: 0o644 },
  'usr/share/demo/big': { content: BIG, mode: 0o444 },
};
const expectedDirectories = ['etc', 'usr', 'usr/bin', 'usr/share', 'usr/share/demo'];

async function newRig(...args: Parameters<typeof makeTemplateRig>): Promise<TemplateRig> {
  const made = await makeTemplateRig(...args);
  rigs.push(made);
  return made;
}

async function build(on: TemplateRig, storeDir: string, outDir: string, jobs = 1): Promise<Extract<BuildTemplateResult, { ok: true }>> {
  const result = await buildTemplate({ chain: on.chain, template: on.template, store: await Store.open(storeDir), sandbox, outDir, jobs });
  if (!result.ok) throw new Error(`template build failed: ${JSON.stringify(result)}`);
  return result;
}

/** The three artifacts' hashes (comparing megabytes of Buffers with toEqual takes seconds). */
const bytesOf = async (result: Extract<BuildTemplateResult, { ok: true }>): Promise<string[]> =>
  Promise.all([result.files.archive, result.files.image, result.files.manifest].map(async (f) => sha256(await readFile(f))));

beforeAll(async () => {
  rig = await newRig();
  first = await build(rig, rig.storeDir, join(rig.dir, 'out'));
});
afterAll(async () => {
  for (const made of rigs) await made.cleanup();
});

describe('a template build', () => {
  it('writes a tar archive with every header field fixed, directories included, in sorted order', async () => {
    const members = await readArchive(await readFile(first.files.archive));
    expect(members.map((m) => m.name)).toEqual([...expectedDirectories, ...Object.keys(expectedFiles)].sort());
    for (const member of members) {
      expect(member).toMatchObject({ uid: 0, gid: 0, uname: '', gname: '', mtime: 0 });
      if (member.type === 'directory') expect(member.mode).toBe(0o755);
      else expect({ mode: member.mode, content: member.data.toString() }).toEqual(expectedFiles[member.name]);
    }
    // GNU tar reads it the same way: owners, times and modes as set.
    const listing = (await execa('tar', ['--numeric-owner', '--utc', '-tvf', first.files.archive])).stdout.split('\n');
    expect(listing).toContain('-r--r--r-- 0/0          228894 1970-01-01 00:00 usr/share/demo/big');
    expect(listing).toContain('drwxr-xr-x 0/0               0 1970-01-01 00:00 usr/share/demo/');
  });

  it('writes an ext2 image of the same tree: contents, modes, owner root and time 0 on every inode', async () => {
    const image = first.files.image;
    await execa('e2fsck', ['-f', '-n', image]);
    for (const [path, { content, mode }] of Object.entries(expectedFiles)) {
      const cat = await execa('debugfs', ['-R', `cat /${path}`, image], { encoding: 'buffer', stripFinalNewline: false });
      expect(sha256(cat.stdout)).toBe(sha256(content));
      const stat = (await execa('debugfs', ['-R', `stat /${path}`, image])).stdout;
      expect(stat).toContain(`Mode:  0${mode.toString(8)}`);
      expect(stat).toMatch(/User: +0 +Group: +0/);
      for (const field of ['ctime', 'atime', 'mtime', 'crtime']) expect(stat).toMatch(new RegExp(`${field}: 0x00000000:00000000`));
    }
    const root = (await execa('debugfs', ['-R', 'ls -l /usr/share', image])).stdout;
    expect(root).toMatch(/40755 \(2\) +0 +0 +4096 +1-Jan-1970 00:00 demo/);
  });

  it('writes a manifest naming every file, its stage and stage key, the artifacts and the provenance', async () => {
    const manifest = JSON.parse(await readFile(first.files.manifest, 'utf8')) as TemplateManifest;
    expect(manifest).toEqual(first.manifest);
    const byStage = new Map(rig.chain.stages.map((s) => [s.name, stageKey(s)]));
    for (const file of manifest.files.filter((f) => f.type === 'file')) {
      expect(file.sha256).toBe(sha256(expectedFiles[file.path]!.content));
      expect(file.size).toBe(Buffer.byteLength(expectedFiles[file.path]!.content));
      expect(file.stageKey).toBe(byStage.get(file.stage!));
    }
    expect(manifest.files.find((f) => f.path === 'usr/bin/twice')).toMatchObject({ stage: 'derived', output: 'out/twice', mode: '0755' });
    expect(manifest.archive.sha256).toBe(sha256(await readFile(first.files.archive)));
    expect(manifest.image.sha256).toBe(sha256(await readFile(first.files.image)));
    expect(manifest.declarationSha256).toBe(sha256(await readFile(rig.template.file)));
    // Provenance: every stage the files came from, each input's origin, and the binaries the chain
    // did not build. A rig chain runs a busybox it was given, and the manifest says so.
    expect(manifest.provenance.stages.map((s) => s.stage)).toEqual(['base', 'derived']);
    const derived = manifest.provenance.stages[1]!;
    expect(derived.inputs.find((i) => i.path === 'in/alpha')?.from).toEqual({ stage: 'base', output: 'out/alpha' });
    expect(manifest.provenance.unbuiltExecutables.map((u) => `${u.stage}:${u.path}`)).toEqual(['base:bin/busybox', 'derived:bin/busybox']);
    expect(manifest.provenance.unbuiltExecutables[0]!.sha256).toBe(sha256(await readFile(BUSYBOX)));
    expect(manifest.provenance.builtFromSeeds).toBe(false);
    expect(manifest.trustedBase.stages).toEqual([expect.objectContaining({ backend: 'bwrap', stages: ['base', 'derived'] })]);
    expect(manifest.trustedBase.imageTool.version).toMatch(/^mke2fs \d/);
    expect(manifest.trustedBase.maker).toEqual({ name: 'kindling', version: KINDLING_VERSION, node: process.version });
  });

  it('runs no stage again when the store already holds their verified results', async () => {
    const again = await build(rig, rig.storeDir, join(rig.dir, 'out-again'));
    expect([...again.stages.outcomes.values()].map((o) => o.status === 'verified' && o.cached)).toEqual([true, true]);
    expect(await bytesOf(again)).toEqual(await bytesOf(first));
  });

  it('names each trusted base its records ran on, with the stages that ran there', async () => {
    // A second backend identity: the same bubblewrap, reporting itself as another machine.
    const elsewhere: Sandbox = {
      ...sandbox,
      name: 'elsewhere',
      trustedBase: () => Promise.resolve({ backend: 'elsewhere', components: [{ name: 'other-kernel', version: '1' }] }),
    };
    const store = await Store.open(join(rig.dir, 'mixed-store'));
    const early = await bootstrap({ chain: rig.chain, store, sandbox: elsewhere, until: 'base' });
    expect(early.ok).toBe(true);
    const mixed = await buildTemplate({ chain: rig.chain, template: rig.template, store, sandbox, outDir: join(rig.dir, 'mixed-out') });
    if (!mixed.ok) throw new Error('the mixed build failed');
    expect(mixed.manifest.trustedBase.stages.map((b) => [b.backend, b.stages])).toEqual([
      ['elsewhere', ['base']],
      ['bwrap', ['derived']],
    ]);
    expect(mixed.manifest.archive.sha256).toBe(first.manifest.archive.sha256);
  });

  it('gives the same bytes from another store path, with stages side by side and file times changed', async () => {
    // Every file the build reads gets another time: the store's objects and the chain's sources.
    const store = join(rig.dir, 'other-store');
    await build(rig, store, join(rig.dir, 'scratch-out'));
    const objects = join(store, 'objects');
    for (const dir of await readdir(objects)) {
      for (const name of await readdir(join(objects, dir))) await utimes(join(objects, dir, name), 1_234_567_890, 987_654_321);
    }
    for (const name of ['01-base', '02-derived']) await utimes(join(rig.chainDir, name, 'build.sh'), 2_000_000_000, 2_000_000_000);
    const second = await build(rig, store, join(rig.dir, 'out-2'), 2);
    expect(await bytesOf(second)).toEqual(await bytesOf(first));
  });

  it('gives the same archive and image whatever order the entries are declared and the files are made in', async () => {
    // Another chain directory, the template's entries reversed, and the base stage writing its
    // outputs in the opposite order: the stage keys and the declaration's hash change, the tree does not.
    const reversedScript = `/bin/busybox seq 1 40000 > /out/big\nprintf beta > /out/beta\nprintf 'alpha\\n' > /out/alpha\n`;
    const other = await newRig({ ...RIG_STAGES, base: { ...RIG_STAGES.base!, script: reversedScript } }, [...DEMO_ENTRIES].reverse());
    const second = await build(other, other.storeDir, join(other.dir, 'out'));
    expect(second.manifest.archive.sha256).toBe(first.manifest.archive.sha256);
    expect(second.manifest.image.sha256).toBe(first.manifest.image.sha256);
    expect(second.manifest.declarationSha256).not.toBe(first.manifest.declarationSha256);
    expect(second.manifest.files.map((f) => f.stageKey)).not.toEqual(first.manifest.files.map((f) => f.stageKey));
    const withoutKeys = (files: TemplateManifest['files']): unknown[] => files.map((f) => ({ ...f, stageKey: undefined }));
    expect(withoutKeys(second.manifest.files)).toEqual(withoutKeys(first.manifest.files));
  });

  it('reports a difference in the image outside any file as metadata, naming the superblock', async () => {
    const image = await readFile(first.files.image);
    const changed = Buffer.from(image);
    changed[1024 + 4]! ^= 1; // the superblock's block count
    const tamperedPath = join(rig.dir, 'tampered.ext2');
    await writeFile(tamperedPath, changed);
    expect(await compareImages(image, changed, first.files.image, tamperedPath)).toEqual({
      artifact: 'image',
      artifactOffset: 1028,
      detail: 'the images differ from byte 1028, in the superblock (its byte 4)',
    });
    expect(await compareImages(image, Buffer.from(image), first.files.image, first.files.image)).toBeUndefined();
  });

  it('reports a stage that built other bytes at the first differing file and byte of each artifact', async () => {
    // The derived stage now doubles its input differently: same path, other contents from byte 6.
    const changed = {
      ...RIG_STAGES.derived!,
      script: `/bin/busybox cat /in/alpha > /out/twice\nprintf 'ALPHA\\n' >> /out/twice\n`,
      outputs: { 'out/twice': 'alpha\nALPHA\n' },
    };
    const other = await newRig({ ...RIG_STAGES, derived: changed });
    const second = await build(other, other.storeDir, join(other.dir, 'out'));
    const comparison = await compareBuilds(join(rig.dir, 'out'), join(other.dir, 'out'), 'demo');
    expect(comparison.identical).toBe(false);
    const [archive, image, manifest] = comparison.differences;
    expect(archive).toMatchObject({ artifact: 'archive', path: 'usr/bin/twice', offset: 6 });
    expect(archive!.detail).toBe("'usr/bin/twice' differs from byte 6");
    expect(image).toMatchObject({ artifact: 'image', path: 'usr/bin/twice', offset: 6 });
    expect(manifest?.artifact).toBe('manifest');
    expect(manifest?.detail).toMatch(/^field files\[4\]\.sha256 was "[0-9a-f]{64}" in the earlier build, is "[0-9a-f]{64}" in the new$/);
    // The archive offset points at that very byte.
    const archiveBytes = await readFile(second.files.archive);
    expect(archiveBytes.subarray(archive!.artifactOffset, archive!.artifactOffset! + 5).toString()).toBe('ALPHA');
  });
});
