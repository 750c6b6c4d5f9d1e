import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { describeFinding, severityOf } from '../../src/audit/findings.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { cleanStages, makeAuditRig, sha256, type AuditRig } from './chain-rig.js';

let rig: AuditRig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

async function runInto(r: AuditRig): Promise<void> {
  const result = await bootstrap({
    chain: await loadChain(r.chainDir),
    store: await Store.open(r.storeDir),
    sandbox: createBwrapSandbox(),
  });
  expect(result.ok).toBe(true);
}

describe('audit --rebuild', () => {
  it('rebuilds a clean chain from an empty store: every output as the manifests and records say', async () => {
    rig = await makeAuditRig(await cleanStages());
    await runInto(rig);
    const report = await audit({
      chainDir: rig.chainDir,
      records: rig.storeDir,
      rebuild: { sandbox: createBwrapSandbox(), tempDir: rig.dir },
    });
    expect(report.findings.filter((f) => severityOf(f) === 'error').map(describeFinding)).toEqual([]);
    expect(report.rebuild).toMatchObject({ sandbox: 'bwrap', stagesVerified: 2, kept: false });
    expect(report.rebuild?.firstDifference).toBeUndefined();
    // The trusted base of the rebuild is listed beside the one the records name.
    expect(report.trustedBase.filter((c) => c.from === 'rebuild').map((c) => c.name)).toEqual(['bubblewrap', 'host-kernel']);
    expect(report.trustedBase.some((c) => c.from === 'records' && c.name === 'bubblewrap')).toBe(true);
  });

  it('names the first stage that differs, the file and the first differing byte', async () => {
    rig = await makeAuditRig(await cleanStages());
    await runInto(rig);
    // The source changes (and its hash in the manifest with it) but the claimed output does not:
    // only running the stage can tell.
    const stageDir = rig.stageDir('first');
    await writeFile(join(stageDir, 'src_greeting'), 'hello, World\n');
    const manifest = await readFile(join(stageDir, 'stage.yaml'), 'utf8');
    await writeFile(
      join(stageDir, 'stage.yaml'),
      manifest.replace(
        `file: src_greeting\n    sha256: ${sha256('hello, world\n')}`,
        `file: src_greeting\n    sha256: ${sha256('hello, World\n')}`,
      ),
    );

    const report = await audit({
      chainDir: rig.chainDir,
      store: rig.storeDir,
      rebuild: { sandbox: createBwrapSandbox(), tempDir: rig.dir },
    });
    const mismatches = report.findings.filter((f) => f.reason === 'rebuild-mismatch');
    expect(mismatches).toMatchObject([
      {
        stage: 'first',
        path: 'out/greeting',
        against: 'manifest',
        expected: sha256('hello, world\n'),
        actual: sha256('hello, World\n'),
        difference: { offset: 7, left: 0x77, right: 0x57 },
      },
    ]);
    expect(describeFinding(mismatches[0]!)).toContain('first differing byte at byte 7 (0x7): 0x77 in expected, 0x57 in rebuilt');
    expect(report.rebuild).toMatchObject({
      stagesVerified: 0,
      kept: true,
      firstDifference: { stage: 'first', path: 'out/greeting', offset: 7 },
    });
    expect(report.findings).toContainEqual({ reason: 'rebuild-not-compared', stages: ['second'] });
    // The rebuilt bytes are kept as evidence.
    const kept = mismatches[0]!.reason === 'rebuild-mismatch' ? mismatches[0]!.rebuiltFile : undefined;
    expect(await readFile(kept!, 'utf8')).toBe('hello, World\n');
    expect(report.ok).toBe(false);
  });
});
