import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { kindling } from '../support/cli.js';
import { makeRig, sha256, type Rig, type RigStage } from '../support/rig.js';

const BB = '/bin/busybox';
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

function jsonLines(text: string): { type: string; stage?: string; cached?: boolean }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { type: string; stage?: string; cached?: boolean });
}

const threeStages: Record<string, RigStage> = {
  one: { script: 'printf 1 > /out/1\n', outputs: { 'out/1': '1' } },
  two: { script: `${BB} sleep 3; printf 2 > /out/2\n`, outputs: { 'out/2': '2' }, from: { 'in/1': ['one', 'out/1'] } },
  three: { script: `${BB} cat /in/2 > /out/3\n`, outputs: { 'out/3': '2' }, from: { 'in/2': ['two', 'out/2'] } },
};

describe('kindling bootstrap (the command)', () => {
  it('prints plain progress and a summary when stdout is not a terminal', async () => {
    rig = await makeRig(threeStages);
    const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('one: verified in');
    expect(result.stdout).toContain("chain 'rig': 3 stages verified (bwrap)");
    const status = await kindling(['status', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(status.stdout).toMatch(/three +verified +bwrap/);
    expect(status.stdout).toContain('3 of 3 stages verified');
  });

  it('resumes a killed run where it stopped, without running verified stages again', async () => {
    rig = await makeRig(threeStages);
    const args = ['bootstrap', '--sandbox', 'bwrap', '--json', '--chain', rig.chainDir, '--store', rig.storeDir];
    const first = kindling(args);
    let seen = '';
    first.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    // Kill the run (no chance to clean up) while stage two is running.
    while (!seen.includes('"stage-started","stage":"two"')) await sleep(50);
    first.kill('SIGKILL');
    await first;
    const status = await kindling(['status', '--json', '--chain', rig.chainDir, '--store', rig.storeDir]);
    const verified = (JSON.parse(status.stdout) as { stages: { stage: string; verified: boolean }[] }).stages;
    expect(verified.map((s) => s.verified)).toEqual([true, false, false]);

    const second = await kindling(args);
    expect(second.exitCode).toBe(0);
    const events = jsonLines(second.stdout);
    expect(events.filter((e) => e.type === 'stage-started').map((e) => e.stage)).toEqual(['two', 'three']);
    expect(events.find((e) => e.type === 'stage-verified' && e.stage === 'one')?.cached).toBe(true);
  });

  it('lets two processes race on one store: each stage runs once, both succeed', async () => {
    rig = await makeRig(threeStages);
    const args = ['bootstrap', '--sandbox', 'bwrap', '--json', '--chain', rig.chainDir, '--store', rig.storeDir];
    const [a, b] = await Promise.all([kindling(args), kindling(args)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const starts = [...jsonLines(a.stdout), ...jsonLines(b.stdout)].filter((e) => e.type === 'stage-started');
    expect(starts.map((e) => e.stage).sort()).toEqual(['one', 'three', 'two']);
  });

  it('exits 1 with a report naming stage, file and both hashes on a wrong output', async () => {
    rig = await makeRig({ bad: { script: 'printf nope > /out/x\n', outputs: { 'out/x': 'yes' } } });
    const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(result.exitCode).toBe(1);
    expect(result.all).toMatch(/bad: FAILED\n +output out\/x has sha256 [0-9a-f]{64}, the manifest expects [0-9a-f]{64}/);
    expect(result.all).toContain('kept for inspection');
    expect(result.stderr).toContain("chain 'rig' stopped at stage bad");
  });

  it('exits 2 naming file and field for a malformed manifest', async () => {
    rig = await makeRig({
      bad: { script: '', outputs: { 'out/x': '' }, tweak: (m) => ((m.run as Record<string, unknown>).timeout = 'soon') },
    });
    const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/01-bad\/stage\.yaml: run\.timeout: must be a whole number/);
  });

  it('exits 2 for an unknown --sandbox', async () => {
    rig = await makeRig(threeStages);
    const result = await kindling(['bootstrap', '--sandbox', 'docker', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("option '--sandbox <name>' argument 'docker' is invalid. Allowed choices are qemu, bwrap.");
  });

  it('exits 2 for an unknown --until stage', async () => {
    rig = await makeRig(threeStages);
    const result = await kindling(['bootstrap', '--sandbox', 'bwrap', '--until', 'four', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("no stage 'four'");
  });

  it('takes an upstream source from --distfiles, or fails before any stage runs naming every missing one', async () => {
    const tarball = 'pretend upstream release\n';
    rig = await makeRig({
      unpack: {
        script: `${BB} cat /src/release.tar > /out/copy\n`,
        outputs: { 'out/copy': tarball },
        tweak: (m) =>
          (m.inputs as unknown[]).push({ path: 'src/release.tar', url: 'http://127.0.0.1:9/release.tar', sha256: sha256(tarball) }),
      },
    });
    const missing = await kindling(['bootstrap', '--sandbox', 'bwrap', '--json', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('release.tar');
    expect(missing.stderr).toContain('stage unpack');
    expect(jsonLines(missing.stdout).some((e) => e.type === 'stage-started')).toBe(false);

    const distfiles = join(rig.dir, 'distfiles');
    await mkdir(distfiles);
    await writeFile(join(distfiles, 'release.tar'), tarball);
    const offline = await kindling([
      'bootstrap',
      '--sandbox',
      'bwrap',
      '--distfiles',
      distfiles,
      '--chain',
      rig.chainDir,
      '--store',
      rig.storeDir,
    ]);
    expect(offline.exitCode).toBe(0);
    expect(offline.stdout).toContain('unpack: verified');
  }, 60_000);

  it('refuses to run a stage halted by a trusted signer, naming who and why, until the halt is released', async () => {
    rig = await makeRig(threeStages);
    const keys = join(rig.dir, 'keys');
    const statements = join(rig.dir, 'statements');
    await mkdir(keys);
    expect((await kindling(['key', 'generate', '--out', join(keys, 'alice.key'), '--name', 'alice'])).exitCode).toBe(0);
    const key = join(keys, 'alice.key');
    const halt = await kindling([
      'attest',
      'halt',
      '--chain',
      'rig',
      '--stage',
      'two',
      '--reason',
      'backdoor suspected',
      '--key',
      key,
      '--out',
      statements,
    ]);
    expect(halt.exitCode).toBe(0);
    const args = [
      'bootstrap',
      '--sandbox',
      'bwrap',
      '--chain',
      rig.chainDir,
      '--store',
      rig.storeDir,
      '--halts',
      statements,
      '--trust',
      `${key}.pub`,
    ];
    const refused = await kindling(args);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/stage rig\/two halted by 1 trusted signer\(s\): alice .*backdoor suspected/);
    // Only the stages up to the halted one are affected: a run that stops before it goes ahead.
    expect((await kindling([...args, '--until', 'one'])).exitCode).toBe(0);

    await sleep(20); // statements are ordered by their time of issue
    const release = await kindling([
      'attest',
      'release',
      '--chain',
      'rig',
      '--stage',
      'two',
      '--reason',
      'checked: false alarm',
      '--key',
      key,
      '--out',
      statements,
    ]);
    expect(release.exitCode).toBe(0);
    expect((await kindling(args)).exitCode).toBe(0);
  });
});
