// The one seed checker (src/seeds/source-check.ts): a binary against its hex0 source. The same
// tampered seed is then judged alike by each place that uses it: `kindling seeds`, the audit and
// the guest init.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dualHash, dualHashFile } from '../../src/seeds/dual-hash.js';
import { checkSeedSource, describeSourceDifference } from '../../src/seeds/source-check.js';
import { loadGuestInit, guestInitDir } from '../../src/sandbox/guest-init.js';
import { verifySeeds } from '../../src/seeds/verify.js';
import { REPO } from '../support/cli.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('checkSeedSource', () => {
  const source = '# a comment\n7f 45 4c 46 ; the ELF magic\n';

  it('passes a binary that is exactly its source, and names the first differing byte otherwise', () => {
    expect(checkSeedSource(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46), source, 'x.hex0')).toEqual({ result: 'matches' });
    const differs = checkSeedSource(Uint8Array.of(0x7f, 0x45, 0x4c, 0x47), source, 'x.hex0');
    expect(differs).toEqual({ result: 'differs', difference: { offset: 3, left: 0x47, right: 0x46, leftSize: 4, rightSize: 4 } });
    if (differs.result !== 'differs') throw new Error('unreachable');
    expect(describeSourceDifference(differs.difference)).toBe('at byte 3 (0x3): 0x47 in the binary, 0x46 in the assembled source');
    expect(checkSeedSource(Uint8Array.of(0x7f, 0x45, 0x4c), source, 'x.hex0')).toMatchObject({
      result: 'differs',
      difference: { offset: 3, leftSize: 3, rightSize: 4 },
    });
  });

  it('reports a source that does not assemble, with its file and line', () => {
    expect(checkSeedSource(new Uint8Array(), '7f 4g\n', 'bad.hex0')).toMatchObject({
      result: 'invalid',
      message: expect.stringContaining('bad.hex0:1'),
    });
  });
});

it('hashes alike in memory and streamed, with both implementations agreeing', async () => {
  const path = join(REPO, 'seeds', 'amd64', 'hex0');
  const streamed = await dualHashFile(path);
  expect(dualHash(await readFile(path))).toEqual(streamed);
  expect(streamed.agree).toBe(true);
});

it('one tampered byte is caught alike by kindling seeds and by the guest init check', async () => {
  const seeds = await mkdtemp(join(tmpdir(), 'kindling-one-check-'));
  dirs.push(seeds);
  await cp(join(REPO, 'seeds', 'amd64'), seeds, { recursive: true });
  const kaem = await readFile(join(seeds, 'kaem'));
  kaem[100] = kaem[100]! ^ 0xff;
  await writeFile(join(seeds, 'kaem'), kaem);
  const report = await verifySeeds(seeds, { runNative: false });
  expect(report.problems.find((p) => p.reason === 'source-mismatch')).toMatchObject({ seed: 'kaem', difference: { offset: 100 } });

  const init = await mkdtemp(join(tmpdir(), 'kindling-one-check-init-'));
  dirs.push(init);
  await cp(guestInitDir('amd64'), init, { recursive: true });
  const binary = await readFile(join(init, 'init'));
  binary[100] = binary[100]! ^ 0xff;
  await writeFile(join(init, 'init'), binary);
  await expect(loadGuestInit('amd64', `${init}/`)).rejects.toThrow(
    /is not what its source .*init\.hex0 assembles to, at byte 100 \(0x64\): 0x[0-9a-f]{2} in the binary/,
  );
});
