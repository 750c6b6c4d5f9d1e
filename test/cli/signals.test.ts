// Ctrl-C (SIGINT) and SIGTERM sent to a real `kindling bootstrap` while a stage runs: the stage's
// sandbox or VM is stopped (nothing it started outlives kindling), its work directory is kept for
// inspection, one line says so, and the exit status is 130 or 143 — kindling is not killed by the
// signal itself.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { kindling } from '../support/cli.js';
import { makeRig, type Rig } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** Every process below `pid`, read from /proc (children of each thread). */
async function descendants(pid: number): Promise<number[]> {
  const found: number[] = [];
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  for (const task of tasks) {
    const children = await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '');
    for (const child of children.split(/\s+/).filter(Boolean).map(Number)) found.push(child, ...(await descendants(child)));
  }
  return found;
}

/** A process that still runs; a zombie (dead, waiting for its new parent to reap it) does not. */
async function running(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // The state follows the command name in parentheses: "1234 (sleep) S …".
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== '' && state !== 'Z' && state !== 'X';
}

/** The processes of `pids` still running, after giving a killed process tree a moment to die. */
async function survivors(pids: readonly number[]): Promise<number[]> {
  let left: number[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    left = [];
    for (const pid of pids) if (await running(pid)) left.push(pid);
    if (left.length === 0) break;
    await sleep(100);
  }
  return left;
}

/**
 * Starts a one-stage chain whose stage sleeps, waits until the stage's sandbox (and the program
 * `program` in it) is running, sends `signal`, and returns what happened.
 */
async function interrupt(sandbox: 'bwrap' | 'qemu', signal: 'SIGINT' | 'SIGTERM', program: string) {
  rig = await makeRig({ sleeper: { script: 'busybox sleep 600\n', outputs: { 'out/never': 'x' }, timeout: 900 } });
  const run = kindling(['bootstrap', '--sandbox', sandbox, '--accel', 'tcg', '--chain', rig.chainDir, '--store', rig.storeDir]);
  let stdout = '';
  run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  // Wait for the stage's own program to be up in the sandbox, so the signal lands while it runs.
  let below: number[] = [];
  for (;;) {
    await sleep(100);
    if (!stdout.includes('sleeper: running')) continue;
    below = await descendants(run.pid!);
    const commands = await Promise.all(below.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')));
    if (commands.some((command) => command.includes(program))) break;
    if (run.exitCode !== null) throw new Error(`kindling ended early: ${stdout}`);
  }
  run.kill(signal);
  const result = await run;
  return { result, below, stdout };
}

describe.each([
  ['bwrap', 'SIGINT', 130, 'sleep\x00600'],
  ['bwrap', 'SIGTERM', 143, 'sleep\x00600'],
  // The VM itself (qemu's --version, run to identify it, comes earlier and has no -drive).
  ['qemu', 'SIGINT', 130, '-drive'],
] as const)('a %s stage and %s', (sandbox, signal, status, program) => {
  it(`stops the stage, keeps its work and exits ${status}`, async () => {
    const { result, below, stdout } = await interrupt(sandbox, signal, program);
    expect(result.exitCode).toBe(status);
    expect(result.signal).toBeUndefined();
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      `kindling: interrupted by ${signal}: running stages were stopped, their work directories kept; verified stages are kept in the store, run the same command again to resume`,
    ]);
    // Nothing the run started is left: no bwrap, no sleeping busybox, no qemu.
    expect(below.length).toBeGreaterThan(0);
    expect(await survivors(below)).toEqual([]);
    // The stage's directory stays, with its root and log, and the output names it.
    const work = await readdir(join(rig!.storeDir, 'work'));
    expect(work.filter((name) => name.startsWith('sleeper-'))).toHaveLength(1);
    const kept = join(
      rig!.storeDir,
      'work',
      work.find((name) => name.startsWith('sleeper-'))!,
    );
    expect(existsSync(join(kept, 'root', 'build.sh'))).toBe(true);
    expect(existsSync(join(kept, 'stage.log'))).toBe(true);
    expect(stdout).toContain(`kept for inspection: ${kept}`);
  }, 300_000);
});
