import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOutput } from '../support/amd64.js';
import { kindling, REPO } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-asm-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('kindling asm', () => {
  it("assembles catm's hex2 source to the same bytes as the chain's own hex2 made", async () => {
    const out = join(dir, 'catm');
    const result = await kindling(['asm', 'hex2', join(REPO, 'stages/amd64/04-catm/catm.hex2'), out]);
    expect(result.exitCode).toBe(0);
    expect(await readFile(out)).toEqual(await readFile(await chainOutput('catm', 'bin/catm')));
    expect((await stat(out)).mode & 0o777).toBe(0o755);
  });

  it('turns M0 into hex2 text', async () => {
    const source = join(dir, 'x.M0');
    await writeFile(source, 'DEFINE nop 90\n:here nop %1 "a"\n');
    const result = await kindling(['asm', 'm0', source, join(dir, 'x.hex2')]);
    expect(result.exitCode).toBe(0);
    expect((await readFile(join(dir, 'x.hex2'), 'utf8')).replace(/\s+/g, ' ').trim()).toBe(':here 90 01000000 6100');
  });

  it('names the file and line of an error, writes nothing, and exits 1', async () => {
    const source = join(dir, 'bad.M0');
    await writeFile(source, 'DEFINE nop 90\nnop\nmystery\n');
    const result = await kindling(['asm', 'm0', source, join(dir, 'bad.hex2')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${source}:3: unknown word 'mystery'`);
    await expect(stat(join(dir, 'bad.hex2'))).rejects.toThrow();
  });

  it('refuses an unknown format with a usage error', async () => {
    const result = await kindling(['asm', 'hex3', 'a', 'b']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown format 'hex3'");
  });
});
