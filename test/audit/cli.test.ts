import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/audit.js';
import { exitStatusOf } from '../../src/cli/exit-status.js';
import { KindlingError } from '../../src/errors.js';
import { cleanStages, makeAuditRig, type AuditRig } from './chain-rig.js';

let rig: AuditRig | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await rig?.cleanup();
  rig = undefined;
});

/** Runs `kindling audit …` in this process; returns what it printed and the failure it threw, if any. */
async function kindlingAudit(args: string[]): Promise<{ stdout: string; failure?: KindlingError }> {
  const program = new Command('kindling').exitOverride();
  register(program);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'kindling', 'audit', ...args]);
    return { stdout };
  } catch (error) {
    if (error instanceof KindlingError) return { stdout, failure: error };
    throw error;
  } finally {
    vi.restoreAllMocks();
  }
}

describe('kindling audit', () => {
  it('prints a text report ending in PASS for a clean chain', async () => {
    rig = await makeAuditRig(await cleanStages());
    const { stdout, failure } = await kindlingAudit(['--chain', rig.chainDir]);
    expect(failure).toBeUndefined();
    expect(stdout).toContain('Trusted base (not built by the chain)');
    expect(stdout).toMatch(
      /seed sh: \d+ bytes, sha256 [0-9a-f]{64} \(same by node:crypto and @noble\/hashes\); its source assembles to exactly these bytes/,
    );
    expect(stdout).toContain('runs: bin/sh ← seed sh; bin/cp ← stage first:tools/cp');
    expect(stdout).toContain('rests on: seeds cp, sh; 3 repository files; no upstream source');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('PASS: 0 errors, 0 warnings, 2 notes');
  });

  it('fails with exit code 1 and names the violation', async () => {
    const stages = await cleanStages();
    rig = await makeAuditRig({ ...stages, second: { ...stages.second!, script: 'bin/cat in/greeting\n' } });
    const { stdout, failure } = await kindlingAudit(['--chain', rig.chainDir]);
    expect(failure && exitStatusOf(failure)).toBe(1);
    expect(failure?.message).toBe('audit found 1 error');
    expect(stdout).toContain('error   stage second, build.kaem:1: runs bin/cat, which is not an input of the stage');
  });

  it('prints JSON, or writes the HTML page', async () => {
    rig = await makeAuditRig(await cleanStages());
    const json = JSON.parse((await kindlingAudit(['--chain', rig.chainDir, '--json'])).stdout) as {
      ok: boolean;
      stages: { name: string }[];
    };
    expect(json.ok).toBe(true);
    expect(json.stages.map((s) => s.name)).toEqual(['first', 'second']);
    const file = join(rig.dir, 'audit.html');
    const { stdout } = await kindlingAudit(['--chain', rig.chainDir, '--html', file]);
    expect(stdout).toBe(`PASS: 0 errors, 0 warnings, 2 notes; report written to ${file}\n`);
    expect(await readFile(file, 'utf8')).toMatch(/^<!doctype html>/);
    const both = await kindlingAudit(['--chain', rig.chainDir, '--json', '--html', file]);
    expect(both.failure && exitStatusOf(both.failure)).toBe(2);
  });

  it('writes a failing HTML page for a chain that does not load', async () => {
    rig = await makeAuditRig(await cleanStages());
    await writeFile(join(rig.chainDir, 'chain.yaml'), 'name: [unclosed\n');
    const file = join(rig.dir, 'broken.html');
    const { stdout, failure } = await kindlingAudit(['--chain', rig.chainDir, '--html', file]);
    expect(failure && exitStatusOf(failure)).toBe(1);
    expect(stdout).toBe(`FAIL: 1 error, 0 warnings, 0 notes; report written to ${file}\n`);
    const html = await readFile(file, 'utf8');
    expect(html).toContain('<span class="verdict fail">FAIL</span>');
    expect(html).toContain('the chain does not load:');
  });

  it('counts the hand-written code with --handwritten', async () => {
    rig = await makeAuditRig(await cleanStages());
    const { stdout } = await kindlingAudit(['--chain', rig.chainDir, '--handwritten']);
    // The rig's two seed listings are the only hand-written-format files.
    expect(stdout).toMatch(/^Hand-written hex and assembly: 2 files, \d+ lines/);
    expect(stdout).toContain('stage0-posix, hex0 to cc_amd64: about 7800 lines; ratio');
  });
});
