// What every architecture's catm (stage 04-catm of each chain) must do, whatever it is written in:
// join files byte for byte (large and empty ones too, across its 64 KiB buffer) and fail cleanly,
// naming what it could not read or write and leaving no partial OUT. Each chain's catm test
// registers these cases and adds its own: putting an ELF header around a program of its
// architecture.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';

export interface CatmHarness {
  /** A fresh directory under the test's work directory, holding the given files. */
  caseDir(files: Readonly<Record<string, Uint8Array | string>>): Promise<string>;
  /** catm run in `dir` with an empty environment: its exit status and what it wrote on stderr. */
  run(dir: string, args: readonly string[]): Promise<{ readonly exitCode: number | undefined; readonly stderr: string }>;
}

/** `catm` and `work` are read at each use, as tests set them in `beforeAll`. */
export function catmHarness(catm: () => string, work: () => string): CatmHarness {
  let cases = 0;
  return {
    async caseDir(files) {
      cases += 1;
      const dir = join(work(), `case-${cases}`);
      await mkdir(dir);
      for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
      return dir;
    },
    async run(dir, args) {
      const { exitCode, stderr } = await execa(catm(), args, { reject: false, cwd: dir, env: {}, extendEnv: false });
      return { exitCode, stderr };
    },
  };
}

/** Registers the cases every catm must pass (call inside the chain's describe). */
export function catmCommonCases(catm: CatmHarness): void {
  it('joins files in order, byte for byte, across its 64 KiB buffer and through empty files', async () => {
    const large = randomBytes(200_000); // more than three buffers' worth
    const small = Buffer.from('tail\n');
    const dir = await catm.caseDir({ a: 'first\n', empty: '', large, small });
    const result = await catm.run(dir, ['out', 'a', 'empty', 'large', 'small', 'a']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const out = await readFile(join(dir, 'out'));
    expect(out.equals(Buffer.concat([Buffer.from('first\n'), large, small, Buffer.from('first\n')]))).toBe(true);
    expect((await stat(join(dir, 'out'))).mode & 0o777).toBe(0o644);
  });

  it('makes an empty OUT from no inputs, and replaces an existing OUT', async () => {
    const dir = await catm.caseDir({ out: 'old contents that must go', a: 'new' });
    expect((await catm.run(dir, ['out'])).exitCode).toBe(0);
    expect(await readFile(join(dir, 'out'), 'utf8')).toBe('');
    expect((await catm.run(dir, ['out', 'a'])).exitCode).toBe(0);
    expect(await readFile(join(dir, 'out'), 'utf8')).toBe('new');
  });

  it('fails on an input it cannot read, naming it, and removes the partial OUT', async () => {
    const dir = await catm.caseDir({ a: 'some bytes' });
    await mkdir(join(dir, 'sub'));
    const missing = await catm.run(dir, ['out', 'a', 'missing', 'a']);
    expect([missing.exitCode, missing.stderr]).toEqual([1, 'catm: cannot read missing']);
    await expect(stat(join(dir, 'out'))).rejects.toThrow();
    const directory = await catm.run(dir, ['out', 'a', 'sub']);
    expect([directory.exitCode, directory.stderr]).toEqual([1, 'catm: cannot read sub']);
    await expect(stat(join(dir, 'out'))).rejects.toThrow();
  });

  it('fails when OUT cannot be created, and without arguments', async () => {
    const dir = await catm.caseDir({ a: 'x' });
    const unwritable = await catm.run(dir, ['no/such/dir/out', 'a']);
    expect([unwritable.exitCode, unwritable.stderr]).toEqual([1, 'catm: cannot write no/such/dir/out']);
    const usage = await catm.run(dir, []);
    expect([usage.exitCode, usage.stderr]).toEqual([1, 'catm: usage: catm OUT IN...']);
  });
}
