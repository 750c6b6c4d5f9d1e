// The fake backend runs TypeScript functions in place of programs and isolates nothing, so it must
// be reachable from tests only: no flag, no environment variable and no module of kindling's own
// can pick it for a real chain. Its own behaviour (program lookup by bytes, the root as `/`, the log)
// is checked here; the orchestrator over it is test/run/orchestrator.test.ts.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { defaultSandbox } from '../../src/cli/options.js';
import { createFakeSandbox, programKey } from '../../src/sandbox/fake.js';
import { SANDBOX_NAMES } from '../../src/sandbox/select.js';
import { REPO } from '../support/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-fake-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a kindling command line in this process; returns its status and what it printed to stderr. */
async function cli(args: string[]): Promise<{ status: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { status: await runCli(['node', 'kindling', ...args]), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('the fake backend cannot be chosen for a real chain', () => {
  it.each([[['bootstrap']], [['lock']], [['template', 'build', 'any']], [['store', 'verify', '--repair']], [['audit', '--rebuild']]])(
    '%j --sandbox fake is a usage error naming --sandbox',
    async (command) => {
      const { status, stderr } = await cli([...command, '--sandbox', 'fake', '--store', join(dir, 'store')]);
      expect(status).toBe(2);
      expect(stderr).toContain('--sandbox');
      expect(stderr).toContain("'fake'");
    },
  );

  it('KINDLING_SANDBOX=fake is ignored: the default stays qemu', () => {
    vi.stubEnv('KINDLING_SANDBOX', 'fake');
    try {
      expect(defaultSandbox()).toBe('qemu');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('the backend chooser does not know it', () => {
    expect(SANDBOX_NAMES).not.toContain('fake');
  });

  it('no module of kindling imports it', async () => {
    const importers: string[] = [];
    for (const file of await readdir(join(REPO, 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file === join('sandbox', 'fake.ts')) continue;
      if (/from '[./]*(sandbox\/)?fake\.js'|import\('[./]*(sandbox\/)?fake\.js'\)/.test(await readFile(join(REPO, 'src', file), 'utf8')))
        importers.push(file);
    }
    expect(importers).toEqual([]);
  });
});

describe('the fake backend', () => {
  async function stageRoot(name: string, init: string): Promise<{ root: string; logFile: string }> {
    const root = join(dir, name, 'root');
    await mkdir(join(root, 'bin'), { recursive: true });
    await writeFile(join(root, 'bin', 'init'), init);
    const logFile = join(dir, name, 'stage.log');
    await writeFile(logFile, '');
    return { root, logFile };
  }

  it('runs the program its init file stands for, in the stage root, with the arguments, and logs what it prints', async () => {
    const { root, logFile } = await stageRoot('runs', 'program A');
    const seen: unknown[] = [];
    const sandbox = createFakeSandbox({
      programs: new Map([
        [
          programKey('program A'),
          async (run) => {
            seen.push(run.root, run.args, run.file('/out/x'), run.file('out/x'));
            await run.print('hello\n');
            return 3;
          },
        ],
      ]),
    });
    const result = await sandbox.run({ root, init: 'bin/init', args: ['a', 'b'], timeoutMs: 5_000, logFile });
    expect(result).toMatchObject({ ok: true, exitCode: 3 });
    expect(seen).toEqual([root, ['a', 'b'], join(root, 'out', 'x'), join(root, 'out', 'x')]);
    expect(await readFile(logFile, 'utf8')).toBe('hello\n');
    expect(await sandbox.trustedBase()).toEqual({ backend: 'fake', components: [{ name: 'fake-sandbox' }] });
  });

  it('fails an init that is no known program with status 127, as execve would', async () => {
    const { root, logFile } = await stageRoot('unknown', 'some other bytes');
    const sandbox = createFakeSandbox({ programs: new Map([[programKey('program A'), () => 0]]) });
    expect(await sandbox.run({ root, init: 'bin/init', args: [], timeoutMs: 5_000, logFile })).toMatchObject({ ok: true, exitCode: 127 });
    expect(await readFile(logFile, 'utf8')).toContain('/bin/init is no known program');
  });

  it('does not let a program name a path outside the stage root', async () => {
    const { root, logFile } = await stageRoot('escape', 'program A');
    const sandbox = createFakeSandbox({ programs: new Map([[programKey('program A'), (run) => void run.file('../../etc/passwd')]]) });
    const result = await sandbox.run({ root, init: 'bin/init', args: [], timeoutMs: 5_000, logFile });
    expect(result).toEqual({
      ok: false,
      error: { reason: 'sandbox-failed', message: 'fake program crashed: ../../etc/passwd is outside the stage root' },
    });
  });
});
