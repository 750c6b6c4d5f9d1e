// What a signature may stand for: attest signs only records whose outputs the store holds with
// those hashes and whose run exited 0; verify counts no statement about a failed run as agreement.
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attestRecords, RecordError, signStatement } from '../../src/attest/attest.js';
import { loadEvidence } from '../../src/attest/evidence.js';
import { loadTrustedKeys } from '../../src/attest/key-files.js';
import { stageResultStatement } from '../../src/attest/statement.js';
import { verifyEvidence } from '../../src/attest/verify.js';
import { sha256Bytes } from '../../src/digest.js';
import { makeRebuilders, record, removeTempDirs, tempDir, trustDir, writeRecords, type Rebuilder } from './rig.js';

afterAll(removeTempDirs);

let alice: Rebuilder, bob: Rebuilder;
let root: string;
beforeAll(async () => {
  root = await tempDir('trust');
  [alice, bob] = (await makeRebuilders(root, ['alice', 'bob'])) as [Rebuilder, Rebuilder];
});

const hex0 = record({ stage: 'hex0', outputs: { 'bin/hex0': 'hex0 binary' } });

async function attestError(records: string): Promise<string> {
  try {
    await attestRecords(records, alice.key, join(root, 'out', String(Math.random())));
  } catch (error) {
    expect(error).toBeInstanceOf(RecordError);
    return (error as Error).message;
  }
  throw new Error('attest signed');
}

describe('attest', () => {
  it('signs a record whose outputs are in the store with their hashes', async () => {
    const records = await writeRecords(join(root, 'whole', 'stages'), [hex0]);
    expect(await attestRecords(records, alice.key, join(root, 'out-whole'))).toHaveLength(1);
  });

  it('refuses a record whose output is missing from the store', async () => {
    const records = await writeRecords(join(root, 'missing', 'stages'), [hex0]);
    const sha = sha256Bytes('hex0 binary');
    await rm(join(root, 'missing', 'objects', sha.slice(0, 2), sha));
    expect(await attestError(records)).toContain(`output bin/hex0 (sha256 ${sha}) is not in the store`);
  });

  it('refuses a record whose output has other bytes in the store', async () => {
    const records = await writeRecords(join(root, 'changed', 'stages'), [hex0]);
    const sha = sha256Bytes('hex0 binary');
    const object = join(root, 'changed', 'objects', sha.slice(0, 2), sha);
    await chmod(object, 0o644);
    await writeFile(object, 'hex0 binary, backdoored');
    expect(await attestError(records)).toContain(`the store holds sha256 ${sha256Bytes('hex0 binary, backdoored')} under ${sha}`);
  });

  it('refuses a record of a failed run, and a record missing a field', async () => {
    expect(await attestError(await writeRecords(join(root, 'failed', 'stages'), [{ ...hex0, exitCode: 2 }]))).toContain(
      'records a run that exited with status 2',
    );
    const partial: Record<string, unknown> = { ...hex0 };
    delete partial.trustedBase;
    const dir = join(root, 'partial', 'stages');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${hex0.stageKey}.json`), JSON.stringify(partial));
    expect(await attestError(dir)).toContain('trustedBase must be');
  });
});

describe('verify', () => {
  it('does not count statements reporting a failed run as agreement', async () => {
    const attestations = join(root, 'failed-run-attestations');
    const failed = { ...hex0, exitCode: 1 };
    for (const rebuilder of [alice, bob]) {
      await mkdir(join(attestations, rebuilder.name), { recursive: true });
      const envelope = signStatement(stageResultStatement(failed), rebuilder.key);
      await writeFile(join(attestations, rebuilder.name, 'hex0.json'), JSON.stringify(envelope));
    }
    const report = verifyEvidence(await loadEvidence(attestations, await loadTrustedKeys(await trustDir(root, [alice, bob]))), 2);
    expect(report.accepted).toBe(false);
    expect(report.stages.flatMap((s) => s.claims)).toEqual([]);
    expect(report.misplaced.map((m) => m.reason)).toEqual([
      'statement reports a failed run (exit status 1); not counted',
      'statement reports a failed run (exit status 1); not counted',
    ]);
  });
});
