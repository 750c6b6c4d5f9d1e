import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { describeFinding, severityOf } from '../../src/audit/findings.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap } from '../../src/run/bootstrap.js';
import type { ProvenanceRecord } from '../../src/run/record.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { cleanStages, makeAuditRig, sha256, type AuditRig } from './chain-rig.js';

let rig: AuditRig;
const records = new Map<string, { file: string; record: ProvenanceRecord }>();

beforeAll(async () => {
  rig = await makeAuditRig(await cleanStages());
  const result = await bootstrap({
    chain: await loadChain(rig.chainDir),
    store: await Store.open(rig.storeDir),
    sandbox: createBwrapSandbox(),
  });
  if (!result.ok) throw new Error(`the rig chain did not run: ${JSON.stringify([...result.outcomes.values()])}`);
  for (const file of await readdir(join(rig.storeDir, 'stages'))) {
    const record = JSON.parse(await readFile(join(rig.storeDir, 'stages', file), 'utf8')) as ProvenanceRecord;
    records.set(record.stage, { file, record });
  }
});
afterAll(async () => rig?.cleanup());

/** A copy of the run's records, changed by `edit`, in a directory of its own. */
async function tampered(edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-audit-records-'));
  await cp(join(rig.storeDir, 'stages'), dir, { recursive: true });
  await edit(dir);
  return dir;
}

/** A record as plain, changeable JSON. */
interface EditableRecord {
  manifestSha256: string;
  inputs: { path: string; sha256: string }[];
  outputs: { path: string; sha256: string }[];
}

async function rewrite(dir: string, stage: string, change: (record: EditableRecord) => void): Promise<void> {
  const { file, record } = records.get(stage)!;
  const copy = structuredClone(record) as unknown as EditableRecord;
  change(copy);
  await writeFile(join(dir, file), JSON.stringify(copy));
}

const errorsOf = async (recordsDir: string): Promise<string[]> => {
  const report = await audit({ chainDir: rig.chainDir, records: recordsDir });
  await rm(recordsDir, { recursive: true, force: true });
  return report.findings.filter((f) => severityOf(f) === 'error').map(describeFinding);
};

describe('audit --records', () => {
  it("accepts a run's own records, and lists the trusted base they name", async () => {
    const report = await audit({ chainDir: rig.chainDir, records: rig.storeDir });
    expect(report.findings.filter((f) => severityOf(f) === 'error')).toEqual([]);
    expect(report.records).toMatchObject({ dir: join(rig.storeDir, 'stages'), read: 2, current: 2 });
    expect(report.trustedBase.filter((c) => c.from === 'records').map((c) => c.name)).toEqual(
      expect.arrayContaining(['bubblewrap', 'host-kernel', 'orchestrator (run)']),
    );
    expect(report.trustedBase[0]).toEqual({
      name: 'VM kernel',
      detail: 'none: the runs used bwrap, without a VM (see host-kernel)',
      from: 'records',
    });
    // The store beside the records gives the sizes of the programs built.
    expect(report.stages[0]?.outputs.find((o) => o.path === 'tools/cp')?.size).toBeGreaterThan(100_000);
    expect(report.growth.map((r) => r.label)).toEqual(['seeds', 'first', 'second']);
    expect(report.growth[2]?.programBytes).toBe(0);
  });

  it('catches a record whose output hash was changed', async () => {
    const dir = await tampered((d) => rewrite(d, 'second', (r) => (r.outputs[0]!.sha256 = sha256('forged'))));
    expect(await errorsOf(dir)).toEqual([
      `record ${records.get('second')!.file} of stage second: output out/again is ${sha256('forged')} in the record but ${sha256('hello, world\n')} by the manifest`,
    ]);
  });

  it('catches a record whose input was changed, by the hash and by its stage key', async () => {
    const dir = await tampered((d) =>
      rewrite(d, 'first', (r) => (r.inputs.find((i) => i.path === 'src/greeting')!.sha256 = sha256('other'))),
    );
    const found = await errorsOf(dir);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(
      /stage key \(recomputed from the record's own manifest hash and inputs\) is [0-9a-f]{64} in the record but [0-9a-f]{64}/,
    );
    expect(found[1]).toBe(
      `record ${records.get('first')!.file} of stage first: input src/greeting is ${sha256('other')} in the record but ${sha256('hello, world\n')} by the manifest`,
    );
  });

  it('catches a record for a stage the chain does not have', async () => {
    const dir = await tampered((d) =>
      writeFile(join(d, 'ghost.json'), JSON.stringify({ ...records.get('second')!.record, stage: 'ghost' })),
    );
    expect(await errorsOf(dir)).toEqual(["record ghost.json is for stage 'ghost', which the chain does not have"]);
  });

  it("sets aside another chain's records in a shared store, but still wants this chain's", async () => {
    const dir = await tampered((d) =>
      writeFile(join(d, 'other.json'), JSON.stringify({ ...records.get('second')!.record, chain: 'riscv64' })),
    );
    const report = await audit({ chainDir: rig.chainDir, records: dir });
    await rm(dir, { recursive: true, force: true });
    expect(report.ok).toBe(true);
    expect(report.findings.filter((f) => f.reason === 'record-other-chain')).toEqual([
      { reason: 'record-other-chain', file: 'other.json', chain: 'riscv64' },
    ]);
  });

  it('catches a stage with no record', async () => {
    const dir = await tampered((d) => rm(join(d, records.get('first')!.file)));
    expect(await errorsOf(dir)).toEqual(['stage first has no record for its current manifest']);
  });

  it('catches a record whose manifest hash was changed (then the stage has no record)', async () => {
    const dir = await tampered((d) => rewrite(d, 'first', (r) => (r.manifestSha256 = sha256('another manifest'))));
    const found = await errorsOf(dir);
    expect(found).toContain('stage first has no record for its current manifest');
  });
});
