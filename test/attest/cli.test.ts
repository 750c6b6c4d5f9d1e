// The commands as a user runs them: each module registered on a fresh program, output captured.
import { Command } from 'commander';
import { chmod, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { register as registerAttest } from '../../src/cli/attest.js';
import { KindlingError } from '../../src/errors.js';
import { register as registerKey } from '../../src/cli/key.js';
import { register as registerLog } from '../../src/cli/log.js';
import { register as registerVerify } from '../../src/cli/verify.js';
import { stageKeyOf } from '../../src/attest/expected-chain.js';
import { sha256Bytes } from '../../src/digest.js';
import { loadChain } from '../../src/manifest/chain.js';
import type { Stage } from '../../src/manifest/types.js';
import type { ProvenanceRecord } from '../../src/run/record.js';
import { stageKey } from '../../src/run/stage-key.js';
import { makeRig } from '../support/rig.js';
import { record, removeTempDirs, tempDir, writeRecords } from './rig.js';

afterAll(removeTempDirs);

let output: string[];
beforeEach(() => {
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

async function kindling(...args: string[]): Promise<{ out: string; failure?: KindlingError }> {
  const program = new Command('kindling').exitOverride().configureOutput({ writeErr: () => undefined });
  for (const register of [registerKey, registerAttest, registerVerify, registerLog]) register(program);
  const start = output.length;
  try {
    await program.parseAsync(['node', 'kindling', ...args]);
    return { out: output.slice(start).join('') };
  } catch (error) {
    if (error instanceof KindlingError) return { out: output.slice(start).join(''), failure: error };
    throw error;
  }
}

async function allFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

describe('kindling key / attest / verify / log', () => {
  it('runs the whole flow: keys, statements from a records dir, threshold verification, halts, a checked log', async () => {
    const dir = await tempDir('cli');
    const secrets: string[] = [];
    for (const name of ['alice', 'bob']) {
      const { out, failure } = await kindling('key', 'generate', '--out', join(dir, 'keys', `${name}.key`));
      expect(failure).toBeUndefined();
      expect(out).toContain(`${name}.key.pub`);
      secrets.push((await readFile(join(dir, 'keys', `${name}.key`), 'utf8')).trim().split('+').slice(4).join('+'));
    }
    const records = await writeRecords(join(dir, 'store', 'stages'), [
      record({ stage: 'hex0', outputs: { 'bin/hex0': 'a' } }),
      record({ stage: 'hex1', outputs: { 'bin/hex1': 'b' }, startedAt: '2026-11-25T10:05:00.000Z' }),
    ]);
    expect(records).toBe(join(dir, 'store', 'stages'));
    for (const name of ['alice', 'bob']) {
      // A store directory is taken as its stages/ directory of records.
      const { out } = await kindling(
        'attest',
        '--records',
        name === 'alice' ? records : join(dir, 'store'),
        '--key',
        join(dir, 'keys', `${name}.key`),
        '--out',
        join(dir, 'att', name),
      );
      expect(out).toContain(`signed 2 statement(s) as ${name}`);
    }
    const accepted = await kindling('verify', '--attestations', join(dir, 'att'), '--trust', join(dir, 'keys'), '--threshold', '2');
    expect(accepted.failure).toBeUndefined();
    expect(accepted.out).toContain('2 of 2 stage run(s) accepted');
    expect(accepted.out).toContain('claim 1: 2 signer(s): alice, bob; 1 output(s); backend bwrap');

    const tooMany = await kindling(
      'verify',
      '--attestations',
      join(dir, 'att'),
      '--trust',
      join(dir, 'keys'),
      '--threshold',
      '3',
      '--json',
    );
    expect(tooMany.failure?.message).toBe('2 of 2 stage run(s) not accepted');
    expect((JSON.parse(tooMany.out) as { stages: { status: string }[] }).stages.map((s) => s.status)).toEqual([
      'insufficient',
      'insufficient',
    ]);

    // Options after the subcommand belong to it, even those `attest` itself also has.
    for (const name of ['alice', 'bob']) {
      const halt = await kindling(
        'attest',
        'halt',
        '--chain',
        'amd64',
        '--stage',
        'hex1',
        '--reason',
        'under review',
        '--key',
        join(dir, 'keys', `${name}.key`),
        '--out',
        join(dir, 'att', 'halts'),
      );
      expect(halt.failure).toBeUndefined();
    }
    const halted = await kindling('verify', '--attestations', join(dir, 'att'), '--trust', join(dir, 'keys'), '--threshold', '2');
    expect(halted.failure?.message).toBe('1 of 2 stage run(s) not accepted');
    expect(halted.out).toMatch(/amd64\/hex1 .*HALTED/);
    expect(halted.out).toMatch(/halted by 2 trusted signer\(s\): alice .*under review; bob .*under review/);

    const logDir = join(dir, 'log');
    const envelopes = (await allFiles(join(dir, 'att'))).sort();
    const appended = await kindling('log', 'append', '--log', logDir, '--origin', 'example.org/log', ...envelopes);
    expect(appended.out.match(/appended at/g)).toHaveLength(6);
    const checkpoint = await kindling('log', 'checkpoint', '--log', logDir, '--key', join(dir, 'keys', 'alice.key'));
    expect(checkpoint.out).toMatch(/^example\.org\/log\n6\n[A-Za-z0-9+/]{43}=\n\n\u2014 alice [A-Za-z0-9+/]+=*\n$/);
    const verified = await kindling('log', 'verify', '--log', logDir, '--trust', join(dir, 'keys'));
    expect(verified.failure).toBeUndefined();
    expect(verified.out).toContain('latest checkpoint: size 6, signed by alice');
    const proof = await kindling('log', 'prove', '--log', logDir, envelopes[0] as string);
    expect(JSON.parse(proof.out)).toMatchObject({ index: 0, size: 6 });

    // No private key material anywhere: not in output, not in any file written.
    const written = [...(await allFiles(join(dir, 'att'))), ...(await allFiles(logDir))];
    const everything = output.join('') + (await Promise.all(written.map((file) => readFile(file, 'utf8')))).join('');
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(40);
      expect(everything).not.toContain(secret);
    }
  });

  it('fails with a message naming the key file when its permissions are loose', async () => {
    const dir = await tempDir('cli');
    await kindling('key', 'generate', '--out', join(dir, 'k'));
    await chmod(join(dir, 'k'), 0o640);
    const records = await writeRecords(join(dir, 'records'), [record({ stage: 'hex0', outputs: { 'bin/hex0': 'a' } })]);
    const { failure } = await kindling('attest', '--records', records, '--key', join(dir, 'k'), '--out', join(dir, 'att'));
    expect(failure?.message).toContain(join(dir, 'k'));
    expect(failure?.message).toContain('group or others');
    const halt = await kindling('attest', 'halt', '--chain', 'amd64', '--reason', 'x', '--key', join(dir, 'k'), '--out', join(dir, 'att'));
    expect(halt.failure?.message).toContain('group or others');
  });

  it('refuses a malformed record, naming it, and writes nothing', async () => {
    const dir = await tempDir('cli');
    await kindling('key', 'generate', '--out', join(dir, 'k'));
    const records = await writeRecords(join(dir, 'records'), [
      record({ stage: 'hex0', outputs: { 'bin/hex0': 'a' } }),
      { ...record({ stage: 'hex1', outputs: {} }) },
    ]);
    const { failure } = await kindling('attest', '--records', records, '--key', join(dir, 'k'), '--out', join(dir, 'att'));
    expect(failure?.message).toMatch(/not a provenance record: outputs must be a non-empty list/);
    await expect(readdir(join(dir, 'att'))).rejects.toThrow();
  });

  it('reports in the build order of a chain directory and refuses statements about another manifest or other inputs', async () => {
    const rig = await makeRig({
      hex0: { script: 'echo a > /bin/hex0', outputs: { 'bin/hex0': 'a\n' } },
      kaem: { script: 'echo k > /bin/kaem', outputs: { 'bin/kaem': 'k\n' } },
      hex1: { script: 'cat /in/hex0 > /bin/hex1', outputs: { 'bin/hex1': 'a\n' }, from: { 'in/hex0': ['hex0', 'bin/hex0'] } },
    });
    const chain = await loadChain(rig.chainDir);
    // Each stage's one output, as the rig made it: record() keeps the bytes so the store beside the records holds them.
    const made: Record<string, string> = { hex0: 'a\n', kaem: 'k\n', hex1: 'a\n' };
    const recordOf = (stage: Stage, startedAt: string): ProvenanceRecord => ({
      ...record({ chain: chain.name, stage: stage.name, outputs: { [stage.outputs[0]!.path]: made[stage.name]! }, startedAt }),
      manifestSha256: stage.manifestSha256,
      stageKey: stageKey(stage),
      inputs: stage.inputs.map((input) => ({ path: input.path, sha256: input.sha256 })),
      outputs: stage.outputs.map((output) => ({ path: output.path, sha256: output.sha256 })),
    });
    const [hex0, kaem, hex1] = ['hex0', 'kaem', 'hex1'].map((name) => chain.stages.find((stage) => stage.name === name)) as [
      Stage,
      Stage,
      Stage,
    ];
    const dir = rig.dir;
    await kindling('key', 'generate', '--out', join(dir, 'keys', 'alice'));
    const otherInputs = {
      ...recordOf(kaem, '2026-11-25T11:00:00.000Z'),
      inputs: [{ path: 'bin/busybox', sha256: sha256Bytes('another busybox') }],
    };
    const records = await writeRecords(join(dir, 'records'), [
      recordOf(hex1, '2026-11-25T09:00:00.000Z'),
      recordOf(hex0, '2026-11-25T10:00:00.000Z'),
      { ...otherInputs, stageKey: stageKeyOf(otherInputs.manifestSha256, otherInputs.inputs) },
    ]);
    await kindling('attest', '--records', records, '--key', join(dir, 'keys', 'alice'), '--out', join(dir, 'att'));
    const unordered = await kindling(
      'verify',
      '--attestations',
      join(dir, 'att'),
      '--trust',
      join(dir, 'keys'),
      '--threshold',
      '1',
      '--json',
    );
    expect((JSON.parse(unordered.out) as { stages: { stage: string }[] }).stages.map((s) => s.stage)).toEqual(['hex1', 'hex0', 'kaem']);
    expect(unordered.failure).toBeUndefined();

    const ordered = await kindling(
      'verify',
      '--attestations',
      join(dir, 'att'),
      '--trust',
      join(dir, 'keys'),
      '--threshold',
      '1',
      '--chain',
      rig.chainDir,
    );
    expect(ordered.out.split('\n').filter((line) => line.startsWith('rig/'))).toEqual([
      `rig/hex0 key ${stageKey(hex0).slice(0, 16)}: agreed`,
      'rig/kaem (no statements): NOT ENOUGH SIGNERS',
      `rig/hex1 key ${stageKey(hex1).slice(0, 16)}: agreed`,
    ]);
    expect(ordered.out).toMatch(
      /statements not counted[^\n]*\n[^\n]*alice: statement names stage key [0-9a-f]{16}…, but kaem's inputs give/,
    );
    expect(ordered.failure?.message).toBe('1 of 3 stage run(s) not accepted');
    await rig.cleanup();
  });
});
