// The amd64 chain's default template, built and reproduced for real: under bubblewrap, and
// reproduced from an empty store inside qemu VMs. Whatever stages the template holds run from the
// seeds; the archive and the image must come out byte for byte the same under both backends.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { describeFailure } from '../../src/run/failure.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import { createSandbox } from '../../src/sandbox/select.js';
import { Store } from '../../src/store/store.js';
import { buildTemplate, type BuildTemplateResult } from '../../src/template/build.js';
import { loadTemplate, type TemplateDeclaration } from '../../src/template/declaration.js';
import { reproducibleContent } from '../../src/template/manifest.js';
import { reproduceTemplate } from '../../src/template/reproduce.js';
import { AMD64_CHAIN } from '../support/amd64.js';
import { sha256 } from '../support/rig.js';

let dir: string;
let chain: Chain;
let template: TemplateDeclaration;
let built: Extract<BuildTemplateResult, { ok: true }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-template-amd64-'));
  chain = await loadChain(AMD64_CHAIN);
  template = await loadTemplate(chain, 'toolchain');
  const result = await buildTemplate({
    chain,
    template,
    store: await Store.open(join(dir, 'store')),
    sandbox: createBwrapSandbox(),
    outDir: join(dir, 'bwrap'),
  });
  if (!result.ok) {
    const problems =
      result.reason === 'stages-failed'
        ? [...result.stages.outcomes.values()].flatMap((o) =>
            o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
          )
        : [`${result.path}: store object changed`];
    throw new Error(`the toolchain template did not build:\n${problems.join('\n')}`);
  }
  built = result;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the amd64 toolchain template', () => {
  it('holds the stage outputs, and shows every binary in it was built from the two seeds', async () => {
    const manifest = built.manifest;
    const files = manifest.files.filter((f) => f.type === 'file');
    expect(files.map((f) => f.path).sort()).toEqual(template.entries.map((e) => e.path).sort());
    for (const file of files) {
      const declared = chain.stages.find((s) => s.name === file.stage)!.outputs.find((o) => o.path === file.output)!;
      expect(file.sha256).toBe(declared.sha256);
      const inImage = await execa('debugfs', ['-R', `cat /${file.path}`, built.files.image], {
        encoding: 'buffer',
        stripFinalNewline: false,
      });
      expect(sha256(inImage.stdout)).toBe(file.sha256);
    }
    // hex0 rebuilt by the chain is the seed itself, byte for byte.
    expect(files.find((f) => f.path === 'usr/bin/hex0')?.sha256).toBe(chain.seeds.get('hex0')!.sha256);
    expect(manifest.provenance.builtFromSeeds).toBe(true);
    expect(manifest.provenance.unbuiltExecutables).toEqual([]);
    expect(manifest.provenance.seeds).toEqual([
      { name: 'hex0', sha256: chain.seeds.get('hex0')!.sha256 },
      { name: 'kaem', sha256: chain.seeds.get('kaem')!.sha256 },
    ]);
    // Each stage took its binaries from a seed or from an earlier stage of the chain.
    for (const stage of manifest.provenance.stages) {
      for (const input of stage.inputs.filter((i) => i.executable))
        expect(Object.keys(input.from)).toSatisfy((keys: string[]) => keys.includes('seed') || keys.includes('stage'));
    }
    expect(manifest.trustedBase.stages.map((b) => b.backend)).toEqual(['bwrap']);
  });

  it('holds a working C compiler: usr/bin/tcc hello.c -o hello, run inside the image, gives a program that runs there', async () => {
    const root = join(dir, 'root');
    await mkdir(join(root, 'work'), { recursive: true });
    await execa('tar', ['-xf', built.files.archive, '-C', root]);
    await writeFile(
      join(root, 'work', 'hello.c'),
      '#include <stdio.h>\nint main(void) { printf("hello from tcc, %.2f\\n", 1.5 * 3); return 0; }\n',
    );
    // The image is the whole file system: nothing of the host is visible.
    const inImage = (command: string[]) =>
      execa(
        'bwrap',
        ['--bind', root, '/', '--dev', '/dev', '--chdir', '/work', '--clearenv', '--unshare-all', '--die-with-parent', ...command],
        { reject: false },
      );
    const compiled = await inImage(['/usr/bin/tcc', 'hello.c', '-o', 'hello']);
    expect({ exitCode: compiled.exitCode, stderr: compiled.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const run = await inImage(['/work/hello']);
    expect({ exitCode: run.exitCode, stdout: run.stdout }).toEqual({ exitCode: 0, stdout: 'hello from tcc, 4.50' });
  });

  it('reproduces from an empty store under bubblewrap: identical', async () => {
    const result = await reproduceTemplate({ chain, template, sandbox: createBwrapSandbox(), against: join(dir, 'bwrap'), workDir: dir });
    expect(result.ok && result.comparison).toEqual({ identical: true, differences: [] });
  });

  it('reproduces from an empty store in qemu VMs: the same archive, image and manifest content', { timeout: 900_000 }, async () => {
    const kernel = await ensureKernel();
    const sandbox = await createSandbox({ name: 'qemu', kernel, accel: 'tcg' });
    const result = await reproduceTemplate({ chain, template, sandbox, against: join(dir, 'bwrap'), workDir: dir });
    if (!result.ok) throw new Error(`the qemu rebuild failed: ${JSON.stringify(result.build)}`);
    expect(result.comparison).toEqual({ identical: true, differences: [] });
    const manifest = result.build.manifest;
    expect(manifest.archive.sha256).toBe(built.manifest.archive.sha256);
    expect(manifest.image.sha256).toBe(built.manifest.image.sha256);
    expect(reproducibleContent(manifest)).toEqual(reproducibleContent(built.manifest));
    // What differs is what each build trusted: the qemu rebuild names its kernel by hash.
    expect(manifest.trustedBase.stages.map((b) => b.backend)).toEqual(['qemu']);
    const kernelSha256 = sha256(await readFile(kernel));
    expect(manifest.trustedBase.stages[0]!.components.some((c) => c.sha256 === kernelSha256)).toBe(true);
  });
});
