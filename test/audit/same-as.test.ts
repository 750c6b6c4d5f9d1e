// Two routes to one binary: the aarch64 b0 assembled on x86-64 by the amd64 chain's aarch64 tools
// (stages/amd64/20-aarch64-b0) and the one the aarch64 chain builds from its own seeds
// (stages/aarch64/06-b0); the aarch64 cc compiled by the amd64 cc and linked by those tools
// (stages/amd64/21-aarch64-cc) and the one the aarch64 chain builds (stages/aarch64/07-cc). Both chains really run, each into its own store; the audit compares the
// two outputs by the manifests' hashes, by the runs' records and by the stored bytes, and a
// difference on any of them, a changed route above all, is an error naming both.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { describeFinding, type Finding } from '../../src/audit/findings.js';
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

  it("takes the other chain's records from the command line, and says so in JSON", async () => {
    const run = await kindling(['audit', '--chain', AMD64_CHAIN, '--records', AMD64_STORE, '--same-as-records', AARCH64_STORE, '--json']);
    const report = JSON.parse(run.stdout) as AuditReport;
    expect(sameAsFindings(report)).toEqual([]);
    expect(report.sameAs!.map((c) => c.equal)).toEqual([true, true]);
    expect(report.sameAs![1]!.routes[1].recorded).toBe(report.sameAs![1]!.routes[0].declared);
  });

  it('names an other route that cannot be found', async () => {
    const root = join(work, 'unresolved');
    await cp(join(REPO, 'stages'), join(root, 'stages'), { recursive: true });
    await cp(join(REPO, 'seeds'), join(root, 'seeds'), { recursive: true });
    const manifest = join(root, 'stages', 'amd64', '20-aarch64-b0', 'stage.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace('stage: b0, output: bin/b0', 'stage: b0, output: bin/b1'));
    const report = await audit({ chainDir: join(root, 'stages', 'amd64') });
    expect(sameAsFindings(report).map(describeFinding)).toEqual([
      "stage aarch64-b0: output bin/b0 is declared the same as stage b0 (bin/b1) of chain ../../aarch64, which cannot be found: stage b0 of chain aarch64 declares no output 'bin/b1'",
    ]);
    expect(report.ok).toBe(false);
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
