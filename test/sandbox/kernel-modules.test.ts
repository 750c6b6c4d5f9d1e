// The modules a saved VM loads are pinned beside the kernel, with the kernel's own hash: changed
// bytes, a missing module or a module set of another kernel are refused, never loaded.
import { basename, join } from 'node:path';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import type { KernelInfo } from '../../src/sandbox/kernel.js';
import { modulesComponent, modulesDir, readModules, virtioModules } from '../../src/sandbox/kernel-modules.js';

let dir: string;
let kernel: KernelInfo;

/** A kernel file and its modules directory, as fetchModules leaves them (module bytes made up). */
async function fakeKernel(name: string): Promise<KernelInfo> {
  const path = join(dir, name);
  await writeFile(path, `kernel ${name}`);
  const info = { path, sha256: sha256Bytes(`kernel ${name}`), package: 'linux-image-test', version: '1' };
  await mkdir(modulesDir(path));
  const modules: Record<string, string> = {};
  for (const module of virtioModules()) {
    await writeFile(join(modulesDir(path), basename(module)), `module ${module}`);
    modules[basename(module)] = sha256Bytes(`module ${module}`);
  }
  const pin = { package: info.package, version: info.version, kernelSha256: info.sha256, modules };
  await writeFile(join(modulesDir(path), 'pin.json'), JSON.stringify(pin));
  return info;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-modules-test-'));
  kernel = await fakeKernel('vmlinuz-1-test');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the kernel's modules", () => {
  it('are read in load order, checked against their pin, and named in the trusted base as one set', async () => {
    const modules = await readModules(kernel);
    expect(modules?.modules.map((m) => m.name)).toEqual([
      'virtio_ring.ko',
      'virtio.ko',
      'virtio_pci_modern_dev.ko',
      'virtio_pci_legacy_dev.ko',
      'virtio_pci.ko',
      'virtio_blk.ko',
    ]);
    const component = modulesComponent(modules!);
    expect(component).toMatchObject({ name: 'kernel-modules', version: expect.stringMatching(/^linux-image-test 1: virtio_ring\.ko/) });
    expect(component.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are the same PCI transport and disk driver for the aarch64 machine, read beside an arm64 kernel', async () => {
    expect(virtioModules('aarch64')).toEqual(virtioModules('amd64'));
    expect((await readModules(kernel, 'aarch64'))?.modules.map((m) => m.name)).toEqual(
      (await readModules(kernel, 'amd64'))?.modules.map((m) => m.name),
    );
  });

  it('are none when none were fetched', async () => {
    expect(await readModules({ path: join(dir, 'vmlinuz-none'), sha256: sha256Bytes('x') })).toBeUndefined();
  });

  it('are refused for another kernel, or with changed bytes', async () => {
    await expect(readModules({ ...kernel, sha256: sha256Bytes('another kernel') })).rejects.toThrow(
      /were pinned for a kernel with sha256 [0-9a-f]{64}, not/,
    );
    const changed = await fakeKernel('vmlinuz-2-test');
    await writeFile(join(modulesDir(changed.path), 'virtio_blk.ko'), 'other bytes');
    await expect(readModules(changed)).rejects.toThrow(/virtio_blk\.ko has sha256 [0-9a-f]{64}, but .*pin\.json pins/);
    const missing = await fakeKernel('vmlinuz-3-test');
    await rm(join(modulesDir(missing.path), 'virtio.ko'));
    await expect(readModules(missing)).rejects.toThrow(/virtio\.ko is missing or not pinned/);
  });
});
