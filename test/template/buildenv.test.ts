// The buildenv template, for real: an image made only of chain outputs (tcc, musl, make, dash,
// BusyBox) in which GNU hello 2.10 is unpacked, configured, built and checked with its own
// `./configure`, `make` and `make check`, under bubblewrap and in a qemu VM on the template's
// files. The template's manifest shows every file came from the chain.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chain } from '../../src/manifest/types.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ensureKernel } from '../../src/sandbox/kernel.js';
import type { BuildTemplateResult } from '../../src/template/build.js';
import type { TemplateDeclaration } from '../../src/template/declaration.js';
import { reproduceTemplate } from '../../src/template/reproduce.js';
import { chainOutput, DISTFILES } from '../support/amd64.js';
import { buildSharedTemplate, runTemplate } from '../support/template-build.js';
import { REPO } from '../support/cli.js';

const HELLO = 'hello-2.10.tar.gz';
// hello's build script, shared with bench/buildenv.mjs (why it touches every file: its comment).
const BUILD_HELLO = join(REPO, 'test', 'programs', 'hello', 'build-hello.sh');
// A variadic function pulls libtcc1.a's va_list.o, which calls abort: it links with no flags.
const VARIADIC_C = `#include <stdarg.h>
#include <stdio.h>
static int sum(int n, ...) { va_list ap; int s = 0; va_start(ap, n); while (n--) s += va_arg(ap, int); va_end(ap); return s; }
int main(void) { printf("%d\\n", sum(3, 1, 2, 3)); return 0; }
`;

let dir: string;
let templates: string;
let chain: Chain;
let template: TemplateDeclaration;
let built: Extract<BuildTemplateResult, { ok: true }>;
let kernel: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-buildenv-test-'));
  templates = join(dir, 'templates');
  // The chain up to BusyBox in the store the test files share (its sources from the offline distfiles).
  await chainOutput('busybox', 'bin/busybox');
  ({ chain, template, built } = await buildSharedTemplate('buildenv', templates));
  kernel = await ensureKernel();
}, 1_800_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (backend: string, work: string, command: readonly string[], timeoutSeconds: number) =>
  runTemplate({ name: 'buildenv', templates, backend, kernel, work, command, options: ['--timeout', String(timeoutSeconds)] });

async function helloWork(name: string): Promise<string> {
  const work = join(dir, name);
  await mkdir(work);
  const tarball = DISTFILES.map((d) => join(d, HELLO)).find((p) => existsSync(p));
  if (tarball === undefined) throw new Error(`${HELLO} is not in the distfiles (${DISTFILES.join(', ')})`);
  await copyFile(tarball, join(work, HELLO));
  await copyFile(BUILD_HELLO, join(work, 'build-hello.sh'));
  return work;
}

describe('the buildenv template', () => {
  it('holds only chain outputs, and its links lead to them', () => {
    const manifest = built.manifest;
    expect(manifest.provenance.builtFromSeeds).toBe(true);
    expect(manifest.provenance.unbuiltExecutables).toEqual([]);
    const files = manifest.files.filter((f) => f.type === 'file');
    for (const file of files) {
      const declared = chain.stages.find((s) => s.name === file.stage)!.outputs.find((o) => o.path === file.output)!;
      expect(file.sha256).toBe(declared.sha256);
    }
    const paths = new Set(files.map((f) => f.path));
    const links = manifest.files.filter((f) => f.type === 'symlink');
    for (const path of ['usr/bin/cc', 'usr/bin/ar', 'bin/sed', 'usr/bin/awk', 'bin/tar']) {
      expect(links.map((l) => l.path)).toContain(path);
    }
    for (const link of links) expect(paths.has(posix.resolve('/', posix.dirname(link.path), link.target!).slice(1))).toBe(true);
    for (const path of [
      'bin/sh',
      'usr/bin/tcc',
      'usr/bin/make',
      'bin/busybox',
      'usr/lib/libc.a',
      'usr/include/stdio.h',
      'usr/lib/tcc/libtcc1.a',
    ])
      expect(paths.has(path)).toBe(true);
  });

  // The whole chain again, seeds to BusyBox, in a store of its own: musl and BusyBox alone take
  // a minute and a half on an idle machine.
  it('reproduces from an empty store under bubblewrap: the same archive, image and manifest', { timeout: 900_000 }, async () => {
    const result = await reproduceTemplate({
      chain,
      template,
      sandbox: createBwrapSandbox(),
      against: templates,
      sources: { distfiles: DISTFILES, retries: 0 },
      workDir: dir,
    });
    if (!result.ok) throw new Error(`the rebuild from an empty store failed: ${JSON.stringify(result.build)}`);
    expect(result.comparison).toEqual({ identical: true, differences: [] });
    expect(result.build.manifest.archive.sha256).toBe(built.manifest.archive.sha256);
    expect(result.build.manifest.image.sha256).toBe(built.manifest.image.sha256);
  });
});

describe.each([
  { backend: 'bwrap', timeout: 1_200 },
  { backend: 'qemu', timeout: 3_600 },
])('GNU hello 2.10 in the buildenv template under $backend', ({ backend, timeout }) => {
  it('links a variadic program with no flags: tcc reads the C library again after libtcc1.a', { timeout: 600_000 }, async () => {
    const work = join(dir, `variadic-${backend}`);
    await mkdir(work);
    await writeFile(join(work, 'sum.c'), VARIADIC_C);
    const built = await run(backend, work, ['sh', '-c', 'cc sum.c -o sum && ./sum > sum.out'], 600);
    expect({ exitCode: built.exitCode, all: built.all }).toEqual({ exitCode: 0, all: '' });
    expect(await readFile(join(work, 'sum.out'), 'utf8')).toBe('6\n');
  });

  it("configures, builds and checks with hello's own scripts, and ./hello greets", { timeout: (timeout + 120) * 1000 }, async () => {
    const work = await helloWork(`hello-${backend}`);
    const started = Date.now();
    const result = await run(backend, work, ['sh', 'build-hello.sh'], timeout);
    const seconds = Math.round((Date.now() - started) / 1000);
    process.stderr.write(`GNU hello in buildenv under ${backend}: ${seconds} s\n`);
    expect(result.exitCode, result.all?.slice(-3000)).toBe(0);
    expect(await readFile(join(work, 'greeting'), 'utf8')).toBe('Hello, world!\n');
    // make check wrote its log, and the program was built in the work directory.
    expect(existsSync(join(work, 'hello-2.10', 'test-suite.log'))).toBe(true);
    expect(existsSync(join(work, 'hello-2.10', 'hello'))).toBe(true);
  });
});
