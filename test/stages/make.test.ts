// Stage 15-make in the real chain, run by kindling under bubblewrap: GNU make 4.3 compiled by the
// chain's tcc against the chain's musl. The stage itself runs the new make on smoke.mk; here the
// chain's make runs a Makefile with an empty environment and only chain programs in its
// recipes (the chain's catm), as it would in the chain before there is a shell.
import { mkdtemp, readFile, rm, writeFile, copyFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOutput } from '../support/amd64.js';
import { chainOutputWithSources } from '../programs/unpack/tools.js';

let work: string;
let make: string;

const MAKEFILE = `# Variables, a substitution reference, a pattern rule, automatic variables.
CAT := ./catm
PARTS = a b
OBJS = $(PARTS:%=%.part)

all: joined.txt

%.part: %.in
\t$(CAT) $@ $<

joined.txt: $(OBJS)
\t$(CAT) $@ $^

broken:
\t$(CAT) out.txt does-not-exist
\t$(CAT) never.txt a.in
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-make-'));
  make = await chainOutputWithSources('make', 'bin/make');
  await copyFile(await chainOutput('catm', 'bin/catm'), join(work, 'catm'));
  await chmod(join(work, 'catm'), 0o755);
  await writeFile(join(work, 'Makefile'), MAKEFILE);
  await writeFile(join(work, 'a.in'), 'alpha\n');
  await writeFile(join(work, 'b.in'), 'beta\n');
}, 900_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function runMake(args: readonly string[]): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const result = await execa(make, args, { cwd: work, env: {}, extendEnv: false, reject: false });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

describe('the stage', () => {
  it('ran its own make on smoke.mk inside the chain: the pattern rule made both parts, joined in order', async () => {
    const joined = await readFile(await chainOutput('make', 'smoke/joined.txt'), 'utf8');
    expect(joined).toBe('one: built by a pattern rule\ntwo: built by a pattern rule\n');
  });
});

describe('the chain\'s make', () => {
  it('says it is GNU make 4.3 built for musl', async () => {
    const result = await runMake(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^GNU Make 4\.3\nBuilt for x86_64-pc-linux-musl\n/);
  });

  it('builds through a pattern rule and variables, then finds nothing to do', async () => {
    const first = await runMake([]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('./catm a.part a.in\n./catm b.part b.in\n./catm joined.txt a.part b.part');
    expect(first.exitCode).toBe(0);
    expect(await readFile(join(work, 'joined.txt'), 'utf8')).toBe('alpha\nbeta\n');
    const second = await runMake([]);
    expect(second.stdout).toBe("make: Nothing to be done for 'all'.");
    expect(second.exitCode).toBe(0);
  });

  it('stops at a failing command with status 2, naming the rule, and runs no later line', async () => {
    const result = await runMake(['broken']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('catm: cannot read does-not-exist');
    expect(result.stderr).toContain('make: *** [Makefile:15: broken] Error 1');
    expect(result.stdout).not.toContain('never.txt');
  });
});
