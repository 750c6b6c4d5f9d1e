// What killed runs leave behind: work directories, temporary files and locks. Real SIGKILLs of
// real processes; only what is provably stale is removed, and every wait for a lock is said.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { REPO, kindling } from '../support/cli.js';
import { makeRig, type Rig, type RigStage } from '../support/rig.js';

const BB = '/bin/busybox';
let rig: Rig | undefined;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-leftovers-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const slow: Record<string, RigStage> = {
  one: { script: 'printf 1 > /out/1\n', outputs: { 'out/1': '1' } },
  two: { script: `${BB} sleep 30; printf 2 > /out/2\n`, outputs: { 'out/2': '2' }, from: { 'in/1': ['one', 'out/1'] } },
};

/** A process that takes the store's lock `name`, says so, and holds it until killed. */
function holder(storeDir: string, name: string) {
  const script = `
    const { Store } = await import(${JSON.stringify(join(REPO, 'dist/store/store.js'))});
    const store = await Store.open(${JSON.stringify(storeDir)});
    await store.withLock(${JSON.stringify(name)}, async () => { console.log('locked'); await new Promise(() => setInterval(() => {}, 1000)); });
  `;
  return execa(process.execPath, ['--input-type=module', '-e', script], { reject: false, buffer: false, stdout: 'pipe' });
}

async function waitFor(child: ReturnType<typeof holder>, text: string): Promise<void> {
  let seen = '';
  child.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
  for (let i = 0; i < 200 && !seen.includes(text); i += 1) await sleep(50);
  expect(seen).toContain(text);
}

describe('leftovers of killed runs', () => {
  it('a SIGKILLed bootstrap leaves a work directory that the next run removes, saying so; kept and live things stay', async () => {
    rig = await makeRig(slow);
    const args = ['bootstrap', '--sandbox', 'bwrap', '--json', '--chain', rig.chainDir, '--store', rig.storeDir];
    const first = kindling(args);
    let seen = '';
    first.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    while (!seen.includes('"stage-started","stage":"two"')) await sleep(50);
    first.kill('SIGKILL');
    await first;
    const left = await readdir(join(rig.storeDir, 'work'));
    expect(left).toHaveLength(1);
    expect(existsSync(join(rig.storeDir, 'work', left[0]!, 'owner.json'))).toBe(true);

    // Beside it: temporary files of the killed run, one of a live process (this one), a partial
    // download to resume, and a failed stage's directory kept for inspection (no owner file).
    const tmp = join(rig.storeDir, 'tmp');
    await writeFile(join(tmp, `import.${first.pid!}.0123456789ab`), 'half');
    // A work directory the run was still making (killed before its owner file was whole).
    await mkdir(join(tmp, `work.${first.pid!}.0123456789ab`));
    await writeFile(join(tmp, `work.${first.pid!}.0123456789ab`, 'owner.json'), '');
    await writeFile(join(tmp, `import.${process.pid}.0123456789ab`), 'in use');
    await writeFile(join(tmp, `partial-${'a'.repeat(64)}`), 'resume me');
    await mkdir(join(rig.storeDir, 'work', 'kept-for-inspection', 'root'), { recursive: true });

    // The second run (only the quick stage) finds them.
    const second = kindling([...args.filter((a) => a !== '--json'), '--until', 'one']);
    const result = await second;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      `removed 1 work directory of killed runs (pid ${first.pid!}, no longer running) and 2 temporary files of killed runs from the store`,
    );
    expect((await readdir(join(rig.storeDir, 'work'))).sort()).toEqual(['kept-for-inspection']);
    expect((await readdir(tmp)).sort()).toEqual([`import.${process.pid}.0123456789ab`, `partial-${'a'.repeat(64)}`]);
  }, 120_000);

  it('a failed stage keeps its work directory, without an owner file, and no later run removes it', async () => {
    rig = await makeRig({ bad: { script: 'exit 3\n', outputs: { 'out/x': 'x' } } });
    const args = ['bootstrap', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir];
    expect((await kindling(args)).exitCode).toBe(1);
    const kept = await readdir(join(rig.storeDir, 'work'));
    expect(kept).toHaveLength(1);
    expect(await readdir(join(rig.storeDir, 'work', kept[0]!))).not.toContain('owner.json');
    const again = await kindling(args);
    expect(again.stderr).not.toContain('removed');
    expect(await readdir(join(rig.storeDir, 'work'))).toContain(kept[0]);
  }, 60_000);
});

describe('locks', () => {
  it('names the holder of a lock and says whether it still runs; a killed holder is taken over', async () => {
    const storeDir = join(dir, 'store-locks');
    const store = await Store.open(storeDir);
    const notices: string[] = [];
    store.onNotice = (message) => notices.push(message);

    const live = holder(storeDir, 'stage-x');
    await waitFor(live, 'locked');
    const waiting = store.withLock('stage-x', () => Promise.resolve('got it'));
    await sleep(1_000);
    expect(notices).toEqual([
      expect.stringMatching(
        new RegExp(`^waiting for the lock stage-x, held by pid ${live.pid!} \\(kindling[^)]*\\), which is still running`),
      ),
    ]);
    live.kill('SIGTERM');
    await live;
    expect(await waiting).toBe('got it');

    notices.length = 0;
    const killed = holder(storeDir, 'stage-y');
    await waitFor(killed, 'locked');
    killed.kill('SIGKILL');
    await killed;
    const started = Date.now();
    expect(await store.withLock('stage-y', () => Promise.resolve('taken over'))).toBe('taken over');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(notices).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the lock stage-y was left by pid ${killed.pid!} \\(kindling[^)]*\\), which is no longer running: taking it over once it is 10 s old$`,
        ),
      ),
    ]);
  }, 60_000);

  it('a lock lost while held (ECOMPROMISED) is said, and the work under it still finishes', async () => {
    const storeDir = join(dir, 'store-compromised');
    const store = await Store.open(storeDir);
    const notices: string[] = [];
    store.onNotice = (message) => notices.push(message);
    const result = await store.withLock('stage-z', async () => {
      // Someone else removes the lock while it is held: its next refresh finds it gone.
      await rm(join(storeDir, 'locks', 'stage-z.lock.lock'), { recursive: true, force: true });
      await sleep(4_000);
      return 'finished';
    });
    expect(result).toBe('finished');
    expect(notices).toEqual([expect.stringContaining('the lock stage-z was lost while held')]);
  }, 30_000);
});
