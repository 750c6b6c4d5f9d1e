import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../src/cli/kernel.js';
import { sha256File } from '../../src/digest.js';
import { readEnvironment } from '../../src/environment.js';
import {
  describeKernel,
  KernelError,
  kernelComponent,
  locateKernel,
  obtainKernel,
  resolveKernelPackage,
} from '../../src/sandbox/kernel.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-kernel-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fakeCache(name: string, files: string[]): Promise<string> {
  const cache = join(dir, name);
  await mkdir(cache, { recursive: true });
  for (const file of files) await writeFile(join(cache, file), `kernel ${file}`);
  return cache;
}

describe('finding the kernel', () => {
  it('prefers the explicit path, then $KINDLING_KERNEL, then the newest kernel in the cache', async () => {
    const cache = await fakeCache('order', [
      'vmlinuz-6.1.0-9-cloud-amd64',
      'vmlinuz-6.1.0-56-cloud-amd64',
      'vmlinuz-6.1.0-56-cloud-amd64.json',
      '.vmlinuz-7.0.partial-1a2b',
    ]);
    const explicit = join(cache, 'vmlinuz-6.1.0-9-cloud-amd64');
    const fromEnv = join(cache, 'vmlinuz-6.1.0-9-cloud-amd64');
    expect(await locateKernel({ explicit, fromEnvironment: join(dir, 'nope'), cacheDir: cache })).toBe(explicit);
    expect(await locateKernel({ fromEnvironment: fromEnv, cacheDir: cache })).toBe(fromEnv);
    // 56 is newer than 9: versions compare by number, and partial downloads are never picked.
    expect(await locateKernel({ fromEnvironment: undefined, cacheDir: cache })).toBe(join(cache, 'vmlinuz-6.1.0-56-cloud-amd64'));
  });

  it("picks only a kernel of the machine's architecture, by its own variable", async () => {
    const cache = await fakeCache('arches', [
      'vmlinuz-6.1.0-56-cloud-amd64',
      'vmlinuz-6.1.0-56-cloud-arm64',
      'vmlinuz-6.1.0-9-cloud-arm64',
    ]);
    expect(await locateKernel({ fromEnvironment: undefined, cacheDir: cache })).toBe(join(cache, 'vmlinuz-6.1.0-56-cloud-amd64'));
    expect(await locateKernel({ fromEnvironment: undefined, cacheDir: cache, arch: 'aarch64' })).toBe(
      join(cache, 'vmlinuz-6.1.0-56-cloud-arm64'),
    );
    const fromEnv = join(cache, 'vmlinuz-6.1.0-9-cloud-arm64');
    const kernels = readEnvironment({ KINDLING_KERNEL: join(dir, 'nope'), KINDLING_KERNEL_AARCH64: fromEnv }).kernels;
    expect(await locateKernel({ fromEnvironment: kernels.aarch64, cacheDir: cache, arch: 'aarch64' })).toBe(fromEnv);
    const onlyAmd64 = await fakeCache('only-amd64', ['vmlinuz-6.1.0-56-cloud-amd64']);
    await expect(locateKernel({ fromEnvironment: undefined, cacheDir: onlyAmd64, arch: 'aarch64' })).rejects.toThrow(
      `${onlyAmd64} holds no vmlinuz-*-arm64; run \`kindling kernel fetch --arch aarch64\``,
    );
  });

  it('names the path when an explicit kernel is missing', async () => {
    const missing = join(dir, 'missing-vmlinuz');
    await expect(locateKernel({ explicit: missing })).rejects.toThrow(
      new KernelError(`the kernel ${missing} does not exist or cannot be read`),
    );
  });

  it('names $KINDLING_KERNEL when it points nowhere', async () => {
    const missing = join(dir, 'env-vmlinuz');
    await expect(locateKernel({ fromEnvironment: missing })).rejects.toThrow(
      `the kernel ${missing} (from $KINDLING_KERNEL) does not exist`,
    );
  });

  it('says where it looked and what to run when there is no kernel at all', async () => {
    const empty = await fakeCache('empty', []);
    await expect(locateKernel({ fromEnvironment: undefined, cacheDir: empty })).rejects.toThrow(
      `${empty} holds no vmlinuz-*; run \`kindling kernel fetch\``,
    );
  });
});

describe('describing the kernel', () => {
  it('names the package only while the provenance file matches the bytes', async () => {
    const cache = await fakeCache('described', ['vmlinuz-x']);
    const path = join(cache, 'vmlinuz-x');
    const sha256 = await sha256File(path);
    await writeFile(`${path}.json`, JSON.stringify({ package: 'linux-image-x', version: '1.2-3', sha256 }));
    const info = await describeKernel(path);
    expect(info).toEqual({ path, sha256, package: 'linux-image-x', version: '1.2-3' });
    expect(kernelComponent(info)).toEqual({ name: 'kernel', path, sha256, version: 'linux-image-x 1.2-3' });

    await writeFile(path, 'changed bytes');
    const changed = await describeKernel(path);
    expect(changed.package).toBeUndefined();
    expect(changed.sha256).toBe(await sha256File(path));
  });
});

describe('fetching the kernel from the Debian archive', () => {
  it('downloads the cloud image package the meta package depends on and keeps its vmlinuz', async () => {
    const dest = join(dir, 'fetched');
    const info = await obtainKernel(dest);
    const expectedPackage = await resolveKernelPackage();
    expect(expectedPackage).toMatch(/^linux-image-[\d.]+-\d+-cloud-amd64$/);
    expect(info.package).toBe(expectedPackage);
    expect(info.path).toBe(join(dest, `vmlinuz-${expectedPackage.slice('linux-image-'.length)}`));
    expect(info.sha256).toBe(await sha256File(info.path));
    // The version is the one apt would install now.
    const policy = await execa('apt-cache', ['policy', expectedPackage]);
    expect(policy.stdout).toContain(`Candidate: ${info.version}`);
    // A Linux x86 boot image: "HdrS" at 0x202.
    const handle = await open(info.path, 'r');
    const magic = Buffer.alloc(4);
    await handle.read(magic, 0, 4, 0x202);
    await handle.close();
    expect(magic.toString('latin1')).toBe('HdrS');
    // What was recorded beside it is what describeKernel and `kernel show` report.
    expect(await describeKernel(info.path)).toEqual(info);
    expect(JSON.parse(await readFile(`${info.path}.json`, 'utf8'))).toEqual({
      package: info.package,
      version: info.version,
      sha256: info.sha256,
      pinnedAt: expect.any(String),
    });
    expect(await locateKernel({ fromEnvironment: undefined, cacheDir: dest })).toBe(info.path);

    // `kindling kernel show --kernel FILE` prints the same facts.
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const program = new Command('kindling').exitOverride();
      register(program);
      await program.parseAsync(['kernel', 'show', '--kernel', info.path, '--json'], { from: 'user' });
    } finally {
      spy.mockRestore();
    }
    expect(JSON.parse(written.join(''))).toEqual({ ...info, pinned: true, pin: expect.stringContaining('checked before every boot') });
  }, 120_000);
});
