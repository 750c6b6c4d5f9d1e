// Two routes to one binary: the aarch64 b0 assembled on x86-64 by the amd64 chain's aarch64 tools
// (stages/amd64/20-aarch64-b0) and the one the aarch64 chain builds from its own seeds
// (stages/aarch64/06-b0); the aarch64 cc compiled by the amd64 cc and linked by those tools
// (stages/amd64/21-aarch64-cc) and the one the aarch64 chain builds (stages/aarch64/07-cc). Both chains really run, each into its own store; the audit compares the
// two outputs by the manifests' hashes, by the runs' records and by the stored bytes, and a
// difference on any of them, a changed route above all, is an error naming both.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { describeFinding, stageOf, type Finding } from '../../src/audit/findings.js';
import { renderHtml } from '../../src/audit/render-html.js';
import { renderText } from '../../src/audit/render-text.js';
import type { AuditReport } from '../../src/audit/report.js';
import { lockChain } from '../../src/lock/lock.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { CAN_RUN_AARCH64, SHARED_STORE as AARCH64_STORE, aarch64ChainOutput } from '../support/aarch64.js';
import { AMD64_CHAIN, SHARED_STORE as AMD64_STORE, chainOutput } from '../support/amd64.js';
import { REPO, kindling } from '../support/cli.js';

let work: string;
let b0: Buffer;

function sameAsFindings(report: AuditReport): Finding[] {
  return report.findings.filter((f) => f.reason.startsWith('same-as-'));
}

describe.skipIf(!CAN_RUN_AARCH64)('same-as: the aarch64 b0 and cc by two routes', () => {
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kindling-same-as-'));
    const [cross, native, crossCc, nativeCc] = await Promise.all([
      chainOutput('aarch64-b0', 'bin/b0'),
      aarch64ChainOutput('b0', 'bin/b0'),
      chainOutput('aarch64-cc', 'bin/cc'),
      aarch64ChainOutput('cc', 'bin/cc'),
    ]);
    b0 = await readFile(native);
    expect((await readFile(cross)).equals(b0)).toBe(true);
    expect((await readFile(crossCc)).equals(await readFile(nativeCc))).toBe(true);
  }, 600_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('reports both routes, with the hash each manifest, record and store gives, as the same bytes', async () => {
    const report = await audit({ chainDir: AMD64_CHAIN, records: AMD64_STORE, sameAsRecords: [AARCH64_STORE] });
    expect(sameAsFindings(report)).toEqual([]);
    // The aarch64 b0, and the aarch64 cc.
    expect(report.sameAs!.map((c) => c.routes.map((r) => [r.chain, r.arch, r.stage, r.path]))).toEqual([
      [
        ['amd64', 'amd64', 'aarch64-b0', 'bin/b0'],
        ['aarch64', 'aarch64', 'b0', 'bin/b0'],
      ],
      [
        ['amd64', 'amd64', 'aarch64-cc', 'bin/cc'],
        ['aarch64', 'aarch64', 'cc', 'bin/cc'],
      ],
    ]);
    for (const comparison of report.sameAs!) {
      expect(comparison.equal).toBe(true);
      const sha = comparison.routes[0].declared;
      for (const route of comparison.routes) expect([route.declared, route.recorded, route.stored]).toEqual([sha, sha, sha]);
    }
    const [mine] = report.sameAs![0]!.routes;

    const text = renderText(report);
    expect(text).toContain('Two routes to one binary\n');
    expect(text).toContain('stage aarch64-b0:bin/b0 (chain amd64) and stage b0:bin/b0 (chain aarch64): the same bytes\n');
    expect(text).toContain(`chain aarch64 (aarch64), stage b0, bin/b0: sha256 ${mine.declared} (declared, recorded, stored)\n`);
    const html = renderHtml(report);
    expect(html).toContain('<h2>Two routes to one binary</h2>');
    expect(html).toContain('<span class="verdict pass">SAME</span>');
    expect((JSON.parse(JSON.stringify(report)) as AuditReport).sameAs![0]!.routes[1].stored).toBe(mine.declared);
  });

  it("reports both pairs in the aarch64 chain's audit, with the amd64 chain's records", async () => {
    const report = await audit({ chainDir: join(REPO, 'stages', 'aarch64'), records: AARCH64_STORE, sameAsRecords: [AMD64_STORE] });
    expect(sameAsFindings(report)).toEqual([]);
    for (const comparison of report.sameAs!) {
      const sha = comparison.routes[0].declared;
      for (const route of comparison.routes) expect([route.declared, route.recorded, route.stored]).toEqual([sha, sha, sha]);
    }
    expect(report.sameAs!.map((c) => c.routes.map((r) => r.stage))).toEqual([
      ['b0', 'aarch64-b0'],
      ['cc', 'aarch64-cc'],
    ]);
  });

  it("takes the other chain's records from the command line, and says so in JSON", async () => {
    const run = await kindling(['audit', '--chain', AMD64_CHAIN, '--records', AMD64_STORE, '--same-as-records', AARCH64_STORE, '--json']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(sameAsFindings(report)).toEqual([]);
    expect(report.sameAs!.map((c) => c.equal)).toEqual([true, true]);
    expect(report.sameAs![1]!.routes[1].recorded).toBe(report.sameAs![1]!.routes[0].declared);
  });

  it('finds a damaged byte in the bytes a route stored, and names its offset', async () => {
    // The aarch64 route's store as a copy: its records, and its b0 with one byte changed.
    const store = join(work, 'damaged-store');
    await cp(join(AARCH64_STORE, 'stages'), join(store, 'stages'), { recursive: true });
    const report0 = await audit({ chainDir: AMD64_CHAIN, records: AMD64_STORE, sameAsRecords: [AARCH64_STORE] });
    const sha = report0.sameAs![0]!.routes[1].declared;
    const damaged = Buffer.from(b0);
    damaged[0x1234] = damaged[0x1234]! ^ 0x40;
    await mkdir(join(store, 'objects', sha.slice(0, 2)), { recursive: true });
    await writeFile(join(store, 'objects', sha.slice(0, 2), sha), damaged);

    const report = await audit({ chainDir: AMD64_CHAIN, records: AMD64_STORE, sameAsRecords: [store] });
    expect(report.ok).toBe(false);
    const found = sameAsFindings(report);
    expect(found.map((f) => f.reason)).toEqual(['same-as-differs']);
    expect(describeFinding(found[0]!)).toMatch(
      new RegExp(
        `^stage aarch64-b0: output bin/b0 must be the same bytes as stage b0 \\(bin/b0\\) of chain \\.\\./\\.\\./aarch64 \\(chain aarch64\\), but the stored bytes differ: sha256 ${sha} here, [0-9a-f]{64} there; first differing byte at byte 4660 \\(0x1234\\)`,
      ),
    );
    expect(report.sameAs![0]!.equal).toBe(false);
    expect(report.sameAs![0]!.difference?.offset).toBe(0x1234);
    expect(renderText(report)).toMatch(/: DIFFERENT bytes, at byte 4660 \(0x1234\)/);
    expect(renderHtml(report)).toContain('<span class="verdict fail">DIFFERENT</span>');
  });

  it("rejects a record of the other route that disagrees with that chain's manifest, not passing over it", async () => {
    // The aarch64 route's records as a copy, its b0 record's output hash changed.
    const store = join(work, 'tampered-records');
    await cp(join(AARCH64_STORE, 'stages'), join(store, 'stages'), { recursive: true });
    const report0 = await audit({ chainDir: AMD64_CHAIN, records: AMD64_STORE, sameAsRecords: [AARCH64_STORE] });
    const sha = report0.sameAs![0]!.routes[1].declared;
    const other = sha.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    let tampered = '';
    for (const name of await readdir(join(store, 'stages'))) {
      const file = join(store, 'stages', name);
      const text = await readFile(file, 'utf8');
      if (!text.includes(sha) || !text.includes('"stage": "b0"')) continue;
      await writeFile(file, text.replace(sha, other));
      tampered = name;
    }
    expect(tampered).not.toBe('');

    const report = await audit({ chainDir: AMD64_CHAIN, records: AMD64_STORE, sameAsRecords: [store] });
    expect(report.ok).toBe(false);
    const found = sameAsFindings(report).filter((f) => stageOf(f) === 'aarch64-b0');
    expect(found.map((f) => f.reason)).toEqual(['same-as-record-rejected']);
    expect(describeFinding(found[0]!)).toContain(
      `stage aarch64-b0: output bin/b0: the record of the other route, stage b0 (bin/b0) of chain ../../aarch64 (chain aarch64), disagrees with that chain's manifest: in ${join(store, 'stages')}, record ${tampered} of stage b0: output bin/b0 is ${other} in the record but ${sha} by the manifest`,
    );
  });

  it('fails when one route changes: a hex2 that loads programs at another address gives another b0 and cc', async () => {
    // Both chains and their seeds, copied; the amd64 route's hex2 gets another base address, and
    // lock writes what real runs of the changed route produce.
    const root = join(work, 'repo');
    await cp(join(REPO, 'stages', 'amd64'), join(root, 'stages', 'amd64'), { recursive: true });
    await cp(join(REPO, 'stages', 'aarch64'), join(root, 'stages', 'aarch64'), { recursive: true });
    await cp(join(REPO, 'seeds'), join(root, 'seeds'), { recursive: true });
    const hex2 = join(root, 'stages', 'amd64', '19-aarch64-tools', 'hex2.c');
    const source = await readFile(hex2, 'utf8');
    expect(source).toContain('#define BASE_ADDRESS 0x00600000L');
    await writeFile(hex2, source.replace('#define BASE_ADDRESS 0x00600000L', '#define BASE_ADDRESS 0x00610000L'));
    const chainDir = join(root, 'stages', 'amd64');
    for (const until of ['aarch64-b0', 'aarch64-cc']) {
      const locked = await lockChain({ chainDir, store: await Store.open(AMD64_STORE), sandbox: createBwrapSandbox(), until });
      expect(locked.ok).toBe(true);
    }

    // Both binaries the changed hex2 links differ from the aarch64 chain's, by every evidence.
    const report = await audit({ chainDir, records: AMD64_STORE, sameAsRecords: [AARCH64_STORE] });
    const found = sameAsFindings(report);
    expect(found.map((f) => (f.reason === 'same-as-differs' ? `${f.stage} ${f.evidence}` : f.reason))).toEqual([
      'aarch64-b0 manifests',
      'aarch64-b0 records',
      'aarch64-b0 stored bytes',
      'aarch64-cc manifests',
      'aarch64-cc records',
      'aarch64-cc stored bytes',
    ]);
    const [mine, theirs] = report.sameAs![0]!.routes;
    expect(mine.declared).not.toBe(theirs.declared);
    expect(theirs.declared).toBe(theirs.stored);
    expect(report.sameAs!.map((c) => c.difference !== undefined)).toEqual([true, true]);
    expect(describeFinding(found[0]!)).toContain(`but the manifests differ: sha256 ${mine.declared} here, ${theirs.declared} there`);
  }, 300_000);
});

describe('same-as: an other route the audit cannot compare with', () => {
  let root: string;
  let manifest: string;
  let original: string;
  beforeAll(async () => {
    // Both chains and their seeds, copied: each case edits the amd64 route's declaration.
    root = await mkdtemp(join(tmpdir(), 'kindling-same-as-unresolved-'));
    await cp(join(REPO, 'stages'), join(root, 'stages'), { recursive: true });
    await cp(join(REPO, 'seeds'), join(root, 'seeds'), { recursive: true });
    manifest = join(root, 'stages', 'amd64', '20-aarch64-b0', 'stage.yaml');
    original = await readFile(manifest, 'utf8');
    expect(original).toContain('same-as: { chain: ../../aarch64, stage: b0, output: bin/b0 }');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function findingsFor(sameAs: string, options: { sameAsRecords?: string[]; other?: [string, string] } = {}): Promise<string[]> {
    await writeFile(manifest, original.replace('same-as: { chain: ../../aarch64, stage: b0, output: bin/b0 }', sameAs));
    const otherManifest = join(root, 'stages', 'aarch64', '06-b0', 'stage.yaml');
    const otherOriginal = await readFile(otherManifest, 'utf8');
    if (options.other !== undefined) await writeFile(otherManifest, otherOriginal.replace(...options.other));
    try {
      const report = await audit({
        chainDir: join(root, 'stages', 'amd64'),
        ...(options.sameAsRecords === undefined ? {} : { sameAsRecords: options.sameAsRecords }),
      });
      const found = report.findings.filter((f) => f.reason.startsWith('same-as-') || f.reason === 'record-unreadable');
      if (found.some((f) => f.reason !== 'same-as-unrecorded')) expect(report.ok).toBe(false);
      return found.map(describeFinding);
    } finally {
      await writeFile(otherManifest, otherOriginal);
    }
  }

  const where = `${join('stages', 'amd64', '20-aarch64-b0', 'stage.yaml')}: outputs[0].same-as`;
  const declared = (what: string) => `stage aarch64-b0: output bin/b0 is declared the same as ${what}`;

  it('names the manifest and the field of a stage or output the other chain does not have', async () => {
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await findingsFor('same-as: { chain: ../../aarch64, stage: b0, output: bin/b1 }')).toEqual([
        `${where}.output: ${declared('stage b0 (bin/b1) of chain ../../aarch64')}: stage b0 of chain aarch64 declares no output 'bin/b1'`,
      ]);
      expect(await findingsFor('same-as: { chain: ../../aarch64, stage: b9, output: bin/b0 }')).toEqual([
        `${where}.stage: ${declared('stage b9 (bin/b0) of chain ../../aarch64')}: chain aarch64 has no stage 'b9'`,
      ]);
      const [missing] = await findingsFor('same-as: { chain: ../../arm64, stage: b0, output: bin/b0 }');
      expect(missing).toMatch(
        new RegExp(
          `^${where.replace(/[.[\]]/g, '\\$&')}\\.chain: ${declared('stage b0 \\(bin/b0\\) of chain \\.\\./\\.\\./arm64')}: the chain does not load: `,
        ),
      );
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses a chain path that leads back to this chain through a link', async () => {
    await symlink('amd64', join(root, 'stages', 'self'));
    try {
      const found = await findingsFor('same-as: { chain: ../../self, stage: aarch64-b0, output: bin/b0 }');
      expect(found).toHaveLength(1);
      // Loaded through the link, the chain's own declaration names the chain it is loaded as.
      expect(found[0]).toMatch(
        /outputs\[0\]\.same-as\.chain: .*the chain does not load: .*outputs\[0\]\.same-as\.chain: '\.\.\/\.\.\/self' is this stage's own chain; same-as names another chain$/,
      );
    } finally {
      await rm(join(root, 'stages', 'self'));
    }
  });

  it('refuses a pair whose other route declares same-as too: a cycle, or a chain of routes', async () => {
    const back: [string, string] = [
      'executable: true }',
      'executable: true, same-as: { chain: ../../amd64, stage: aarch64-b0, output: bin/b0 } }',
    ];
    const other = await readFile(join(root, 'stages', 'aarch64', '06-b0', 'stage.yaml'), 'utf8');
    expect(other.split(back[0]).length).toBeGreaterThan(1);
    const found = await findingsFor('same-as: { chain: ../../aarch64, stage: b0, output: bin/b0 }', { other: back });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(
      'outputs[0].same-as: stage aarch64-b0: output bin/b0 is declared the same as stage b0 (bin/b0) of chain ../../aarch64: that output declares same-as itself (stage aarch64-b0 (bin/b0) of chain ../../amd64); only one of two routes declares it',
    );
  });

  it('says so when a store given for the other route cannot be read, or holds no record of its run', async () => {
    const none = join(root, 'no-such-store');
    expect(await findingsFor('same-as: { chain: ../../aarch64, stage: b0, output: bin/b0 }', { sameAsRecords: [none] })).toEqual([
      `record ${none} cannot be read: no such directory (--same-as-records)`,
      `${declared('stage b0 (bin/b0) of chain ../../aarch64').replace('is declared the same as', 'is compared with')} by the manifests' hashes alone: no store given holds a record of chain aarch64's run (give that chain's store with --same-as-records)`,
      "stage aarch64-cc: output bin/cc is compared with stage cc (bin/cc) of chain ../../aarch64 by the manifests' hashes alone: no store given holds a record of chain aarch64's run (give that chain's store with --same-as-records)",
    ]);
  });
  it("reports the pairs in the other chain's audit too, from its side, and fails it on a difference", async () => {
    await writeFile(manifest, original);
    const aarch64 = join(root, 'stages', 'aarch64');
    const report = await audit({ chainDir: aarch64 });
    expect(report.sameAs!.map((c) => [c.equal, ...c.routes.map((r) => `${r.chain} ${r.stage} ${r.path}`)])).toEqual([
      [true, 'aarch64 b0 bin/b0', 'amd64 aarch64-b0 bin/b0'],
      [true, 'aarch64 cc bin/cc', 'amd64 aarch64-cc bin/cc'],
    ]);
    expect(renderText(report)).toContain(
      'stage b0:bin/b0 (chain aarch64) and stage aarch64-b0:bin/b0 (chain amd64): the same sha256 in both manifests (no run of both routes compared: give their records)\n',
    );

    // The amd64 route's manifest now declares other bytes: the aarch64 chain's audit fails too.
    const sha = report.sameAs![0]!.routes[0].declared;
    const other = sha.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(original).toContain(sha);
    await writeFile(manifest, original.replace(sha, other));
    try {
      const changed = await audit({ chainDir: aarch64 });
      expect(changed.ok).toBe(false);
      expect(changed.findings.filter((f) => f.reason.startsWith('same-as-')).map(describeFinding)).toEqual([
        `stage b0: output bin/b0 must be the same bytes as stage aarch64-b0 (bin/b0) of chain ../../amd64 (chain amd64), but the manifests differ: sha256 ${sha} here, ${other} there`,
      ]);
    } finally {
      await writeFile(manifest, original);
    }
  });
});
