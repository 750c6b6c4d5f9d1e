// The kaem seed of each architecture, run natively (or through qemu-user): runs a script's commands
// in order with an empty environment, stops at the first failure, names it on stderr, exits non-zero.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkDir, removeWorkDir, runIn, SEED_SETS, shellIn } from './seed-rig.js';

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

for (const seeds of SEED_SETS) describe.skipIf(!seeds.canRun)(`the ${seeds.arch} kaem seed, run natively`, () => {
  let work: string;
  let scripts = 0;

  beforeAll(async () => {
    work = await makeWorkDir(seeds.dir);
    // Inputs for hex0, the one program every stage's script runs.
    await writeFile(join(work, 'a.hex0'), '41 # A\n');
    await writeFile(join(work, 'b.hex0'), '42 # B\n');
    await writeFile(join(work, 'c.hex0'), '43 # C\n');
  });
  afterAll(async () => {
    await removeWorkDir(work);
  });

  async function kaem(script: string) {
    scripts += 1;
    const name = `script-${scripts}.kaem`;
    await writeFile(join(work, name), script);
    return runIn(work, './kaem', [name]);
  }

  it('runs every command, skipping comments and blank lines, and exits 0', async () => {
    const run = await kaem(
      [
        '# build three files',
        '',
        './hex0 a.hex0 one',
        '   ',
        '\t./hex0\tb.hex0   two   # a comment after the words',
        '# ./hex0 c.hex0 commented-out',
        './hex0 c.hex0 three\r',
        '',
      ].join('\n'),
    );
    expect(run).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(await readFile(join(work, 'one'), 'latin1')).toBe('A');
    expect(await readFile(join(work, 'two'), 'latin1')).toBe('B');
    expect(await readFile(join(work, 'three'), 'latin1')).toBe('C');
    expect(await exists(join(work, 'commented-out'))).toBe(false);
  });

  it('runs the last line when the script does not end with a newline', async () => {
    const run = await kaem('./hex0 a.hex0 last-line');
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(work, 'last-line'), 'latin1')).toBe('A');
    expect((await kaem('./hex0 a.hex0 x\n# a comment at the end, no newline')).exitCode).toBe(0);
  });

  it('stops at the first failing command, names it on stderr and exits non-zero', async () => {
    const run = await kaem('./hex0 a.hex0 before\n./hex0 missing.hex0   failing-out\n./hex0 b.hex0 after\n');
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toBe('kaem: failed: ./hex0 missing.hex0   failing-out\n');
    expect(await exists(join(work, 'before'))).toBe(true);
    expect(await exists(join(work, 'after'))).toBe(false);
  });

  it('counts a program that cannot be executed as a failure', async () => {
    const run = await kaem('./no-such-program arg\n./hex0 a.hex0 not-reached\n');
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toBe('kaem: failed: ./no-such-program arg\n');
    expect(await exists(join(work, 'not-reached'))).toBe(false);
    expect((await kaem('a.hex0\n')).stderr).toBe('kaem: failed: a.hex0\n');
  });

  it('counts a command killed by a signal as a failure', async () => {
    const run = await kaem('/bin/sh -c kill${IFS}-9${IFS}$$\n');
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('kaem: failed: /bin/sh -c kill');
  });

  it('gives commands an empty environment and their words as arguments, the first included', async () => {
    const env = await kaem('/usr/bin/env\n');
    expect(env).toMatchObject({ exitCode: 0, stdout: '' });
    const words = await kaem('/bin/sh -c echo${IFS}"[$0]"${IFS}"$#"${IFS}"$*" zero one two\n');
    expect(words.stdout).toBe('[zero] 2 one two\n');
  });

  it('handles a script over 64 KiB and a line of 200 words', async () => {
    const filler = Array.from({ length: 1000 }, (_, i) => `# filler line ${i} ${'x'.repeat(60)}`).join('\n');
    const words = Array.from({ length: 200 }, (_, i) => `w${i}`);
    const script = `${filler}\n/bin/echo ${words.join(' ')}\n${filler}\n./hex0 a.hex0 big-script-end\n`;
    expect(script.length).toBeGreaterThan(128 * 1024);
    const run = await kaem(script);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(words.join(' ') + '\n');
    expect(await exists(join(work, 'big-script-end'))).toBe(true);
  });

  it('works with fds 0, 1 and 2 closed, as PID 1 may', async () => {
    await writeFile(join(work, 'closed.kaem'), './hex0 a.hex0 closed-one\n./hex0 b.hex0 closed-two\n');
    const run = await shellIn(work, 'exec ./kaem closed.kaem <&- >&- 2>&-');
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(work, 'closed-two'), 'latin1')).toBe('B');
  });

  it('exits non-zero when the script cannot be read or is not named', async () => {
    expect((await runIn(work, './kaem', ['no-such-script.kaem'])).exitCode).not.toBe(0);
    expect((await runIn(work, './kaem', [])).exitCode).not.toBe(0);
  });

  it('exits 0 for an empty script or one of comments only', async () => {
    expect((await kaem('')).exitCode).toBe(0);
    expect((await kaem('# nothing\n\n   # to do\n')).exitCode).toBe(0);
  });
});
