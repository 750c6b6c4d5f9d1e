import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { readArchive } from '../../src/template/archive.js';
import { buildTemplate } from '../../src/template/build.js';
import type { TemplateManifest } from '../../src/template/manifest.js';
import { KINDLING, kindling } from '../support/cli.js';
import { sha256 } from '../support/rig.js';
import { makeTemplateRig, writeTemplate, type TemplateRig } from './template-rig.js';

let rig: TemplateRig;
let libraryOut: string;
beforeAll(async () => {
  rig = await makeTemplateRig();
  libraryOut = join(rig.dir, 'library-out');
  const result = await buildTemplate({
    chain: rig.chain,
    template: rig.template,
    store: await Store.open(rig.storeDir),
    sandbox: createBwrapSandbox(),
    outDir: libraryOut,
  });
  if (!result.ok) throw new Error('the library build failed');
});
afterAll(() => rig.cleanup());

/** The three artifacts' hashes (comparing megabytes of Buffers with toEqual takes seconds). */
const artifacts = (dir: string): Promise<string[]> =>
  Promise.all(['demo.tar', 'demo.ext2', 'demo.manifest.json'].map(async (f) => sha256(await readFile(join(dir, f)))));

describe('kindling template (the command)', () => {
  it('builds the same bytes in another process, working directory, umask, time zone and locale', async () => {
    const cwd = join(rig.dir, 'elsewhere');
    await mkdir(cwd);
    const out = join(rig.dir, 'cli-out');
    // A fresh store too: the stages run again in this process.
    const args = [
      'template',
      'build',
      'demo',
      '--sandbox',
      'bwrap',
      '--chain',
      rig.chainDir,
      '--store',
      join(rig.dir, 'cli-store'),
      '--out',
      out,
    ];
    const result = await execa('sh', ['-c', 'umask 077 && exec node "$@"', 'sh', KINDLING, ...args], {
      cwd,
      reject: false,
      all: true,
      env: { TZ: 'Pacific/Kiritimati', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' },
    });
    expect(result.all).toContain("template 'demo' (chain rig, amd64): 4 files from 2 stages");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/0755 +usr\/bin\/twice +[0-9a-f]{64} +built by derived \(stage key [0-9a-f]{12}\)/);
    expect(result.stdout).toContain('binaries the chain did not build: bin/busybox in base, bin/busybox in derived');
    expect(result.stdout).toMatch(/bwrap \(stages base, derived\): bubblewrap/);
    expect(await artifacts(out)).toEqual(await artifacts(libraryOut));
  });

  // mke2fs -d copies each file's owner into the image: a rebuilder who is not root would get its
  // own uid there unless the build sets every owner itself.
  it.runIf(process.getuid?.() === 0 && existsSync('/usr/bin/setpriv'))('builds the same bytes as another, unprivileged user', async () => {
    const shared = join(rig.dir, 'as-nobody');
    await mkdir(shared);
    await chmod(rig.dir, 0o755);
    await chmod(shared, 0o777);
    const args = [
      'template',
      'build',
      'demo',
      '--sandbox',
      'bwrap',
      '--chain',
      rig.chainDir,
      '--store',
      join(shared, 'store'),
      '--out',
      join(shared, 'out'),
    ];
    const result = await execa('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'node', KINDLING, ...args], {
      cwd: shared,
      reject: false,
      all: true,
      env: { HOME: shared },
    });
    expect(result.all).toContain("template 'demo'");
    expect(result.exitCode).toBe(0);
    expect((await stat(join(shared, 'out', 'demo.tar'))).uid).toBe(65534);
    expect(await artifacts(join(shared, 'out'))).toEqual(await artifacts(libraryOut));
  });

  it('prints the manifest as JSON with --json', async () => {
    const out = join(rig.dir, 'json-out');
    const result = await kindling([
      'template',
      'build',
      'demo',
      '--json',
      '--sandbox',
      'bwrap',
      '--chain',
      rig.chainDir,
      '--store',
      rig.storeDir,
      '--out',
      out,
    ]);
    expect(result.exitCode).toBe(0);
    const printed = JSON.parse(result.stdout) as { type: string; files: { archive: string }; manifest: TemplateManifest };
    expect(printed.type).toBe('template-built');
    expect(printed.files.archive).toBe(join(out, 'demo.tar'));
    expect(printed.manifest).toEqual(JSON.parse(await readFile(join(out, 'demo.manifest.json'), 'utf8')));
  });

  it('reproduces a template from an empty store: identical, exit 0', async () => {
    const result = await kindling([
      'template',
      'reproduce',
      'demo',
      '--sandbox',
      'bwrap',
      '--chain',
      rig.chainDir,
      '--against',
      libraryOut,
    ]);
    expect(result.all).toContain(`template 'demo' reproduced under bwrap from an empty store: identical to ${libraryOut}`);
    // The stages ran again: none was found verified in the fresh store.
    expect(result.stdout).toMatch(/base: verified in/);
    expect(result.exitCode).toBe(0);
  });

  it('names the first differing file and byte of each artifact, and exits 3', async () => {
    const tampered = join(rig.dir, 'tampered');
    await cp(libraryOut, tampered, { recursive: true });
    // One byte of usr/share/demo/big changed in the archive (byte 1000) and in the image (byte 12411).
    const archive = await readFile(join(tampered, 'demo.tar'));
    const big = (await readArchive(archive)).find((m) => m.name === 'usr/share/demo/big')!;
    archive[big.dataOffset + 1000]! ^= 0x20;
    await writeFile(join(tampered, 'demo.tar'), archive);
    const image = await readFile(join(tampered, 'demo.ext2'));
    const blocks = (await execa('debugfs', ['-R', 'blocks /usr/share/demo/big', join(tampered, 'demo.ext2')])).stdout
      .trim()
      .split(/\s+/)
      .map(Number);
    image[blocks[3]! * 4096 + 123]! ^= 0x20;
    await writeFile(join(tampered, 'demo.ext2'), image);

    const result = await kindling(['template', 'reproduce', 'demo', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--against', tampered]);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain(`DIFFERS from ${tampered}`);
    expect(result.stdout).toContain("archive: 'usr/share/demo/big' differs from byte 1000");
    expect(result.stdout).toContain(
      `image: 'usr/share/demo/big' differs from byte ${3 * 4096 + 123} (image byte ${blocks[3]! * 4096 + 123})`,
    );
    expect(result.stdout).not.toContain('manifest:');
    expect(result.stdout).toMatch(/the rebuild is kept in \S+/);
    expect(result.stderr).toContain("template 'demo' did not reproduce");
    const kept = /the rebuild is kept in (\S+)/.exec(result.stdout)![1]!;
    expect(await artifacts(kept)).toEqual(await artifacts(libraryOut));
    await execa('rm', ['-rf', join(kept, '..')]);
  });

  it('lists templates, and exits 2 naming file and field for a bad one or an unknown name', async () => {
    const list = await kindling(['template', 'list', '--chain', rig.chainDir]);
    expect(list.stdout).toContain('demo  4 files  a rig template');
    const nothingEarlier = await kindling([
      'template',
      'reproduce',
      'demo',
      '--sandbox',
      'bwrap',
      '--chain',
      rig.chainDir,
      '--against',
      join(rig.dir, 'nowhere'),
    ]);
    expect(nothingEarlier.exitCode).toBe(2);
    expect(nothingEarlier.stderr).toContain(`no earlier build of 'demo' in ${join(rig.dir, 'nowhere')}`);
    const unknown = await kindling(['template', 'build', 'nosuch', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("no template 'nosuch'");
    await writeTemplate(
      rig.chainDir,
      'broken',
      'name: broken\nentries:\n  - { path: bin/x, stage: base, output: out/alpha, mode: 0999 }\n',
    );
    const broken = await kindling(['template', 'build', 'broken', '--sandbox', 'bwrap', '--chain', rig.chainDir, '--store', rig.storeDir]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/templates\/broken\.yaml: entries\[0\]\.mode: '0999' is not an octal mode/);
  });

  it('exits 1 naming the stage when a stage the template needs fails', async () => {
    const failing = await makeTemplateRig({
      base: { script: 'exit 7\n', outputs: { 'out/alpha': 'a', 'out/beta': 'b', 'out/big': 'c' } },
      derived: { script: '', outputs: { 'out/twice': 'x' } },
    });
    try {
      const result = await kindling([
        'template',
        'build',
        'demo',
        '--sandbox',
        'bwrap',
        '--chain',
        failing.chainDir,
        '--store',
        failing.storeDir,
        '--out',
        join(failing.dir, 'out'),
      ]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('base: the stage exited with status 7');
    } finally {
      await failing.cleanup();
    }
  });
});
