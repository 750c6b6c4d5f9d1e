// The store is checked, not believed: real byte flips and truncations in a real store (bubblewrap
// runs of a small chain) are caught by bootstrap, status, fetch and `kindling store verify`, and
// `--repair` makes the damaged objects again. Records edited or cut short are refused, not shown.
import { chmod, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sha256 } from '../../src/digest.js';
import { loadChain } from '../../src/manifest/chain.js';
import { bootstrap, type ChainEvent } from '../../src/run/bootstrap.js';
import { stageKey } from '../../src/run/stage-key.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { kindling } from '../support/cli.js';
import { makeRig, sha256, TWO_STAGES, type Rig } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

async function run(r: Rig) {
  const chain = await loadChain(r.chainDir);
  const store = await Store.open(r.storeDir);
  const events: ChainEvent[] = [];
  const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox(), onEvent: (e) => events.push(e) });
  return { result, events, store, chain };
}

/** Overwrite an object's bytes in place, as a failing disk or a meddler would. */
async function damage(path: string, bytes: string): Promise<void> {
  await chmod(path, 0o644);
  await writeFile(path, bytes);
}

describe('a damaged stored output', () => {
  for (const [what, bytes] of [
    ['one flipped byte', 'onE\n'],
    ['a truncation to 0 bytes', ''],
  ] as const) {
    it(`is not reused after ${what}: the stage runs again, says why, and the object is set aside`, async () => {
      rig = await makeRig(TWO_STAGES);
      await run(rig);
      const store = await Store.open(rig.storeDir);
      const object = store.objectPath(sha256('one\n') as Sha256);
      await damage(object, bytes);

      const status = await kindling(['status', '--chain', rig.chainDir, '--store', rig.storeDir]);
      expect(status.stdout).toMatch(/first +NOT VERIFIED: output out\/one: the stored object has sha256 [0-9a-f]{64}/);
      expect(status.stdout).toContain('1 of 2 stages verified');

      const again = await run(rig);
      expect(again.result.ok).toBe(true);
      const note = again.events.find((e) => e.type === 'stage-note' && e.stage === 'first');
      expect(note?.type === 'stage-note' && note.message).toContain(`sha256 ${sha256(bytes)}`);
      expect(again.events.map((e) => `${e.type}:${e.stage}`)).toContain('stage-started:first');
      expect(await readFile(object, 'utf8')).toBe('one\n');
      expect(await readdir(join(rig.storeDir, 'corrupt'))).toHaveLength(1);
    });
  }
});

describe('kindling store verify', () => {
  it('passes a whole store, reports each bad object with both hashes and exits 1, and --repair makes it whole', async () => {
    rig = await makeRig(TWO_STAGES);
    await run(rig);
    const clean = await kindling(['store', 'verify', '--store', rig.storeDir]);
    expect(clean.exitCode).toBe(0);
    expect(clean.stdout).toMatch(/0 bad objects, 0 bad records/);

    const store = await Store.open(rig.storeDir);
    await damage(store.objectPath(sha256('one\none\n') as Sha256), 'one\none\nmore\n');
    const dirty = await kindling(['store', 'verify', '--store', rig.storeDir]);
    expect(dirty.exitCode).toBe(1);
    expect(dirty.stdout).toContain(`expected sha256 ${sha256('one\none\n')}, found ${sha256('one\none\nmore\n')}`);
    expect(dirty.stdout).toMatch(/bad record .*names output out\/two/);
    expect(dirty.stderr).toContain('store verify --repair');

    const repaired = await kindling([
      'store',
      'verify',
      '--repair',
      '--store',
      rig.storeDir,
      '--chain',
      rig.chainDir,
      '--sandbox',
      'bwrap',
    ]);
    expect(repaired.exitCode).toBe(0);
    expect(repaired.stdout).toContain('second: verified in');
    expect(await readFile(store.objectPath(sha256('one\none\n') as Sha256), 'utf8')).toBe('one\none\n');
    expect((await kindling(['store', 'verify', '--store', rig.storeDir])).exitCode).toBe(0);
  });
});

describe('records read from the store', () => {
  async function recordOf(r: Rig, stage: string): Promise<{ path: string; value: Record<string, unknown> }> {
    const chain = await loadChain(r.chainDir);
    const store = await Store.open(r.storeDir);
    const path = store.recordPath(stageKey(chain.stages.find((s) => s.name === stage)!));
    return { path, value: JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown> };
  }

  it('a record missing a field does not crash status: the stage is shown as not verified, and why', async () => {
    rig = await makeRig(TWO_STAGES);
    await run(rig);
    const { path, value } = await recordOf(rig, 'second');
    delete value.trustedBase;
    await writeFile(path, JSON.stringify(value));
    const status = await kindling(['status', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(status.exitCode).toBe(0);
    expect(status.stderr).toBe('');
    expect(status.stdout).toMatch(/second +NOT VERIFIED: its record .* trustedBase must be/);
  });

  it('a record edited to another exit status or outputs is refused and the stage runs again', async () => {
    rig = await makeRig(TWO_STAGES);
    await run(rig);
    const { path, value } = await recordOf(rig, 'second');
    await writeFile(path, JSON.stringify({ ...value, exitCode: 1 }));
    const again = await run(rig);
    expect(again.result.ok).toBe(true);
    const note = again.events.find((e) => e.type === 'stage-note');
    expect(note?.type === 'stage-note' && note.message).toContain('it records a run that exited with status 1');
    const { value: rewritten } = await recordOf(rig, 'second');
    expect(rewritten.exitCode).toBe(0);
  });
});

describe('a cached run checks its inputs', () => {
  it('a changed file beside the manifest is named with both hashes, though the store holds a result', async () => {
    rig = await makeRig(TWO_STAGES);
    await run(rig);
    const script = join(rig.chainDir, '02-second', 'build.sh');
    const before = await readFile(script, 'utf8');
    await writeFile(script, before + '# changed\n');
    const again = await run(rig);
    expect(again.result.ok).toBe(false);
    const failed = again.events.find((e) => e.type === 'stage-failed');
    expect(failed?.type === 'stage-failed' && failed.outcome.failures).toEqual([
      expect.objectContaining({
        reason: 'input-mismatch',
        path: 'build.sh',
        expected: sha256(before),
        actual: sha256(before + '# changed\n'),
      }),
    ]);
  });
});

describe('a damaged stored source', () => {
  it("is named as the store's damage, moved aside and fetched again; never blamed on the URL", async () => {
    const { makeRig: makeSourcesRig, randomPayload, wanted, fastOptions } = await import('../sources/rig.js');
    const { startServer, serveBytes } = await import('../sources/http-rig.js');
    const { fetchSources } = await import('../../src/sources/ensure.js');
    const sources = await makeSourcesRig();
    const body = randomPayload(20_000);
    const http = await startServer((req, res) => serveBytes(res, req, body));
    try {
      const source = wanted(body, [`${http.base}/src.tar.gz`]);
      expect((await fetchSources([source], sources.store, fastOptions)).failed).toEqual([]);
      const object = sources.store.objectPath(source.sha256);
      await damage(object, body.subarray(0, 10_000).toString('latin1'));
      const again = await fetchSources([source], sources.store, fastOptions);
      expect(again.outcomes[0]).toMatchObject({ ok: true, via: 'download' });
      expect(again.outcomes[0]!.failures).toEqual([
        expect.objectContaining({ reason: 'stored-corrupt', path: object, expected: source.sha256 }),
      ]);
      expect((await readFile(object)).equals(body)).toBe(true);
      expect(http.requests).toHaveLength(2);
    } finally {
      await http.close();
      await sources.cleanup();
    }
  });
});
