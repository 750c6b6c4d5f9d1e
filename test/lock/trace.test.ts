// `kindling trace`: a stage is run under bubblewrap and strace, and the report says what it read
// (down to the files of a tree), what it looked for in vain, and what it wrote, against its manifest.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { inputLines, traceStage } from '../../src/lock/trace.js';
import { Store } from '../../src/store/store.js';
import { kindling } from '../support/cli.js';
import { makeRig, sha256, type Rig } from '../support/rig.js';

const BB = '/bin/busybox';
let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** One stage with a source tree of three files, of which its script reads one and runs another. */
async function tracedRig(script: string): Promise<Rig> {
  const made = await makeRig({
    build: {
      script,
      outputs: { 'out/result': 'hello\n' },
      scratch: ['tmp'],
      files: { 'unused.txt': 'never read\n' },
      tweak: (manifest) => {
        (manifest.inputs as Record<string, unknown>[]).push({ path: 'src', tree: 'tree', sha256: 'e'.repeat(64) });
      },
    },
  });
  const tree = join(made.chainDir, '01-build', 'tree');
  await mkdir(join(tree, 'sub'), { recursive: true });
  await writeFile(join(tree, 'hello.txt'), 'hello\n');
  await writeFile(join(tree, 'sub', 'gen.sh'), `${BB} cat /src/hello.txt\n`);
  await writeFile(join(tree, 'other.txt'), 'not needed\n');
  return made;
}

describe('kindling trace', () => {
  it('names the files read, the inputs never read, what was missed and what was written, and gives input lines', async () => {
    rig = await tracedRig(
      [
        'cd /src/sub',
        `${BB} sh gen.sh > /out/result`,
        `${BB} cat ../missing.h 2>/tmp/err || true`,
        `${BB} cp /src/hello.txt /stray`,
        '',
      ].join('\n'),
    );
    const chain = await loadChain(rig.chainDir);
    const report = await traceStage({ chain, stage: chain.stages[0]!, store: await Store.open(rig.storeDir) });
    expect(report.exitCode).toBe(0);
    expect(report.read.map((f) => f.path)).toEqual(['bin/busybox', 'build.sh', 'src/hello.txt', 'src/sub/gen.sh']);
    expect(report.read.find((f) => f.path === 'src/sub/gen.sh')).toEqual({
      path: 'src/sub/gen.sh',
      input: 'src',
      file: 'tree/sub/gen.sh',
      sha256: sha256(`${BB} cat /src/hello.txt\n`),
      executable: false,
    });
    expect(report.unread).toEqual(['unused.txt']);
    // Relative paths are followed through the script's `cd`.
    expect(report.missing).toEqual([{ path: 'src/missing.h', how: 'opened' }]);
    expect(report.written).toEqual([
      { path: 'out/result', as: 'output' },
      { path: 'stray', as: 'undeclared' },
      { path: 'tmp/err', as: 'scratch' },
    ]);
    expect(inputLines(report)).toContain(`  - { path: src/hello.txt, file: tree/hello.txt, sha256: "${sha256('hello\n')}" }`);
  }, 60_000);

  it('prints the report, and exits 1 when the stage fails (here: a file that is not there)', async () => {
    rig = await tracedRig(`${BB} cat /src/not-declared.txt > /out/result\n`);
    const result = await kindling(['trace', 'build', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('looked for but not there');
    expect(result.stdout).toContain('  src/not-declared.txt  (opened)');
    expect(result.stderr).toContain('stage build ended with exit status 1 under trace');
    const unknown = await kindling(['trace', 'nope', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(unknown.exitCode).toBe(2);
  }, 60_000);
});
