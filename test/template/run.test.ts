// kindling template run, for real: the amd64 toolchain template (built from the two seeds under
// bubblewrap) compiles a C program with its own tcc and runs it, under bubblewrap and in a qemu VM
// on the template's files (restored from the saved machine, /dev mounted for it); the command's
// exit status is kindling's; a command that never ends is stopped at --timeout; and the errors a
// user meets are one line each.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { AMD64_CHAIN, chainOutput } from '../support/amd64.js';
import { buildSharedTemplate, runTemplate } from '../support/template-build.js';
import { kindling } from '../support/cli.js';
import { sha256 } from '../support/rig.js';

// Prints a greeting and exits with its argument; with the argument "hang" it never ends.
const HELLO_C = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "hang") == 0) for (;;) {}
  printf("hello from the template, %.2f\\n", 1.5 * 3);
  return argc > 1 ? atoi(argv[1]) : 0;
}
`;

let dir: string;
let templates: string;
/** The sha256 of the program each backend's tcc built: the same source gives the same bytes in a VM. */
const compiledBy = new Map<string, string>();
let kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-template-run-test-'));
  templates = join(dir, 'templates');
  // The chain up to tcc in the store the test files share (its sources from the offline distfiles).
  await chainOutput('tcc', 'bin/tcc');
  await buildSharedTemplate('toolchain', templates);
  kernel = await ensureKernel();
}, 1_800_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (backend: string, work: string, command: readonly string[], options: readonly string[] = []) =>
  runTemplate({ name: 'toolchain', templates, backend, kernel, work, command, options });

async function freshWork(name: string): Promise<string> {
  const work = join(dir, name);
  await mkdir(work);
  await writeFile(join(work, 'hello.c'), HELLO_C);
  return work;
}

describe.each([
  { backend: 'bwrap', hangAfter: 2 },
  // The VM's timeout counts its start too (a restore, or a boot of 13–18 s at load 12 under TCG);
  // a start slower than that still ends in the same timeout.
  { backend: 'qemu', hangAfter: 30 },
])('kindling template run toolchain under $backend', ({ backend, hangAfter }) => {
  let work: string;
  let helloSha256: string;

  it(
    "compiles hello.c with the image's tcc in the work directory, and the program is there afterwards (the same bytes under both)",
    { timeout: 600_000 },
    async () => {
      work = await freshWork(`work-${backend}`);
      const compiled = await run(backend, work, ['/usr/bin/tcc', 'hello.c', '-o', 'hello']);
      expect({ exitCode: compiled.exitCode, all: compiled.all }).toEqual({ exitCode: 0, all: '' });
      expect(existsSync(join(work, 'hello'))).toBe(true);
      helloSha256 = sha256(await readFile(join(work, 'hello')));
      compiledBy.set(backend, helloSha256);
      if (backend === 'qemu') expect(helloSha256).toBe(compiledBy.get('bwrap'));
      // The source is still there, unchanged.
      expect(await readFile(join(work, 'hello.c'), 'utf8')).toBe(HELLO_C);
    },
  );

  it('runs the program it built, which prints hello, and passes its exit status through', { timeout: 600_000 }, async () => {
    const ran = await run(backend, work, ['./hello', '7']);
    expect({ exitCode: ran.exitCode, stdout: ran.stdout, stderr: ran.stderr }).toEqual({
      exitCode: 7,
      stdout: 'hello from the template, 4.50',
      stderr: '',
    });
    // Nothing the program did changed the work directory.
    expect(sha256(await readFile(join(work, 'hello')))).toBe(helloSha256);
  });

  it('stops a command that never ends at --timeout, with one line saying so', { timeout: 600_000 }, async () => {
    const started = Date.now();
    const hung = await run(backend, work, ['./hello', 'hang'], ['--timeout', String(hangAfter)]);
    expect(hung.exitCode).toBe(1);
    expect(hung.stderr).toBe(
      `kindling: './hello hang' in template 'toolchain' did not end within ${hangAfter} s (--timeout) under ${backend}; it was stopped and the work directory left as it was`,
    );
    expect(Date.now() - started).toBeLessThan((hangAfter + 120) * 1000);
  });
});

describe('kindling template run: what a user gets wrong', () => {
  it('names an unknown template, a command the image lacks, a missing work directory and an unbuilt template', async () => {
    const work = await freshWork('work-errors');
    const unknown = await kindling([
      'template',
      'run',
      'nosuch',
      '--chain',
      AMD64_CHAIN,
      '--templates',
      templates,
      '--backend',
      'bwrap',
      '--',
      '/usr/bin/tcc',
    ]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^kindling: .*nosuch.*toolchain/);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);

    const missing = await run('bwrap', work, ['make', 'all']);
    expect({ exitCode: missing.exitCode, stderr: missing.stderr }).toEqual({
      exitCode: 1,
      stderr: "kindling: command 'make' not found in template 'toolchain' or the work directory (looked in /usr/bin and /bin)",
    });
    const missingPath = await run('bwrap', work, ['./configure']);
    expect(missingPath.stderr).toBe("kindling: command './configure' not found in template 'toolchain' or the work directory");

    const noWork = await run('bwrap', join(dir, 'nowhere'), ['/usr/bin/tcc', '-v']);
    expect({ exitCode: noWork.exitCode, stderr: noWork.stderr }).toEqual({
      exitCode: 2,
      stderr: `kindling: work directory ${join(dir, 'nowhere')} does not exist (add --help for usage)`,
    });

    const unbuilt = await kindling([
      'template',
      'run',
      'toolchain',
      '--chain',
      AMD64_CHAIN,
      '--templates',
      join(dir, 'empty'),
      '--backend',
      'bwrap',
      '--',
      '/usr/bin/tcc',
    ]);
    expect(unbuilt.exitCode).toBe(2);
    expect(unbuilt.stderr).toContain(
      `template 'toolchain' is not built in ${join(dir, 'empty')}: run kindling template build toolchain first`,
    );
  });

  it("finds a command by name in /usr/bin, and refuses a work directory entry that would hide the image's", async () => {
    const work = await freshWork('work-names');
    const version = await run('bwrap', work, ['tcc', '-v']);
    expect({ exitCode: version.exitCode, stdout: version.stdout }).toMatchObject({
      exitCode: 0,
      stdout: expect.stringMatching(/^tcc version/),
    });
    await mkdir(join(work, 'usr'));
    const hidden = await run('bwrap', work, ['tcc', '-v']);
    expect(hidden.exitCode).toBe(2);
    expect(hidden.stderr).toContain(`${join(work, 'usr')}: the command starts in /, where 'usr' belongs to the image or the machine`);
  });
});
