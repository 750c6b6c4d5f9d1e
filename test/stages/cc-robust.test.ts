// cc never crashes: on wrong C it names the file and line and exits 1, whatever the input. Wrong
// programs are made from right ones (test/programs/c and TinyCC's tests/tests2, from its
// tarball in the distfiles, unpacked by the host's tar): cut short, mutated token by token,
// replaced by random tokens or bytes (test/programs/mutate-c.ts). For each, cc must exit 0
// (and write its output) or 1 with one line "file:line: message"; a signal, another status or
// a hang fails. A fixed seed here; `make fuzz` runs many more (KINDLING_ROBUST_PROGRAMS,
// KINDLING_ROBUST_SEED).
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStage } from '../../src/manifest/stage.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { REPO } from '../support/cli.js';
import { mutatedSource } from '../programs/mutate-c.js';
import { distfile } from '../programs/unpack/tools.js';

const TARBALL = 'tcc-0.9.27-git20200814.62c30a4a.tar.bz2';
const count = Number(process.env.KINDLING_ROBUST_PROGRAMS ?? 200);
const first = Number(process.env.KINDLING_ROBUST_SEED ?? 1);

let work: string;
let cc: string;
let include: string;
/** The right programs the wrong ones are made from, in a fixed order. */
let originals: { readonly name: string; readonly text: string }[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-cc-robust-'));
  cc = await chainOutput('cc', 'bin/cc');
  include = join(work, 'include');
  const stage = await loadStage(join(AMD64_CHAIN, '07-cc', 'stage.yaml'), AMD64_CHAIN);
  for (const output of stage.outputs.filter((o) => o.path.startsWith('lib/cc/include/'))) {
    const target = join(include, output.path.slice('lib/cc/include/'.length));
    await mkdir(dirname(target), { recursive: true });
    await copyFile(await chainOutput('cc', output.path), target);
  }
  const tinycc = join(work, 'tcc');
  await mkdir(tinycc);
  await execa('tar', ['-xjf', distfile(TARBALL), '-C', tinycc]);
  const dirs = [join(REPO, 'test', 'programs', 'c'), join(tinycc, 'tests', 'tests2')];
  originals = dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.c'))
      .sort()
      .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'latin1') })),
  );
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('cc on wrong C', () => {
  it('has right programs to start from', () => {
    expect(originals.length).toBeGreaterThan(100);
  });

  it(
    `exits 0, or 1 naming the file and line, on ${count} mutated programs from seed ${first}`,
    async () => {
      const problems: string[] = [];
      for (let seed = first; seed < first + count; seed += 1) {
        const original = originals[seed % originals.length]!;
        const source = join(work, `wrong-${seed}.c`);
        const output = join(work, `wrong-${seed}.M0`);
        await writeFile(source, mutatedSource(original.text, seed), 'latin1');
        const run = await execa(cc, ['-I', include, source, output], { reject: false, timeout: 20_000, env: {}, extendEnv: false });
        const written = await readFile(output).then(
          () => true,
          () => false,
        );
        const verdict =
          run.exitCode === 0
            ? run.stderr === '' && written
            : run.exitCode === 1 && !written && /^[^\n]+:\d+: [^\n]+$/.test(run.stderr);
        // Kept only when it fails, with its seed, so it can be replayed.
        if (!verdict) problems.push(`seed ${seed} (from ${original.name}): ${run.timedOut ? 'hung' : (run.signal ?? `exit ${run.exitCode}`)}: ${run.stderr.slice(0, 200)}`);
        else await rm(source);
        await rm(output, { force: true });
      }
      expect(problems).toEqual([]);
    },
    Math.max(600_000, count * 1_000),
  );
});
