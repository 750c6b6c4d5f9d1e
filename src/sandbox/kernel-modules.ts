// The kernel modules a saved VM loads (qemu-snapshot.ts): virtio's PCI transport and disk driver,
// which Debian's cloud kernels, amd64 and arm64, have only as modules. They come from the very
// package the pinned kernel came from, at its version, and are pinned the same way: their sha256s
// are written beside the kernel when they are fetched, with the kernel's own sha256, and every use
// checks both.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Arch } from '../arch.js';
import { sha256Bytes, type Sha256 } from '../digest.js';
import { KernelError, type KernelInfo } from './kernel.js';
import type { TrustedComponent } from './sandbox.js';

/**
 * The modules, in the order they are loaded (each after what it depends on, as their `depends=`
 * fields say), by their path in the package. The package ships them uncompressed
 * (CONFIG_MODULE_COMPRESS_NONE), so finit_module takes the files as they are.
 */
const PCI_VIRTIO_MODULES: readonly string[] = [
  'kernel/drivers/virtio/virtio_ring.ko',
  'kernel/drivers/virtio/virtio.ko',
  'kernel/drivers/virtio/virtio_pci_modern_dev.ko',
  'kernel/drivers/virtio/virtio_pci_legacy_dev.ko',
  'kernel/drivers/virtio/virtio_pci.ko',
  'kernel/drivers/block/virtio_blk.ko',
];

/**
 * Each architecture's modules. Both machines find the disk on PCI: the arm64 cloud kernel builds
 * the `virt` board's PCIe host in (CONFIG_PCI_HOST_GENERIC=y) and virtio only as modules, its
 * PCI and MMIO transports alike; the PCI one is the amd64 machine's, with the same `depends=`.
 */
const VIRTIO_MODULES_BY_ARCH: Readonly<Record<Arch, readonly string[]>> = {
  amd64: PCI_VIRTIO_MODULES,
  aarch64: PCI_VIRTIO_MODULES,
};

/** The modules a saved machine of this architecture loads, in order. */
export function virtioModules(arch: Arch = 'amd64'): readonly string[] {
  return VIRTIO_MODULES_BY_ARCH[arch];
}

export interface KernelModule {
  /** The file name, as the boot program opens it in the initramfs (virtio_blk.ko). */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly sha256: Sha256;
}

export interface KernelModules {
  readonly package: string;
  readonly version: string;
  readonly kernelSha256: Sha256;
  readonly modules: readonly KernelModule[];
  /** One hash for the set: sha256 of its `sha256  name` lines, as in a SHA256SUMS file. */
  readonly sha256: Sha256;
}

interface ModulesPin {
  readonly package: string;
  readonly version: string;
  readonly kernelSha256: string;
  readonly modules: Record<string, string>;
}

/**
 * Where a kernel's modules are kept: a directory beside it, with their pin, named so that the
 * search for the newest `vmlinuz-*` never takes it for a kernel.
 */
export function modulesDir(kernelPath: string): string {
  return join(dirname(kernelPath), `modules-${basename(kernelPath)}`);
}

function setHash(modules: readonly { name: string; sha256: string }[]): Sha256 {
  return sha256Bytes(Buffer.from(modules.map((m) => `${m.sha256}  ${m.name}\n`).join(''), 'utf8'));
}

/** The modules beside the kernel, checked against their pin and the kernel's hash; undefined when none were fetched. */
export async function readModules(kernel: KernelInfo, arch: Arch = 'amd64'): Promise<KernelModules | undefined> {
  const dir = modulesDir(kernel.path);
  let pin: ModulesPin;
  try {
    pin = JSON.parse(await readFile(join(dir, 'pin.json'), 'utf8')) as ModulesPin;
  } catch {
    return undefined;
  }
  if (pin.kernelSha256 !== kernel.sha256) {
    throw new KernelError(
      `the modules in ${dir} were pinned for a kernel with sha256 ${pin.kernelSha256}, not ${kernel.sha256}: remove ${dir} to fetch the ones of this kernel`,
      'failed',
    );
  }
  const modules: KernelModule[] = [];
  for (const path of virtioModules(arch)) {
    const name = basename(path);
    const pinned = pin.modules[name];
    const bytes = await readFile(join(dir, name)).catch(() => undefined);
    if (pinned === undefined || bytes === undefined) {
      throw new KernelError(`the kernel module ${join(dir, name)} is missing or not pinned in ${join(dir, 'pin.json')}`, 'failed');
    }
    const sha256 = sha256Bytes(bytes);
    if (sha256 !== pinned) {
      throw new KernelError(
        `the kernel module ${join(dir, name)} has sha256 ${sha256}, but ${join(dir, 'pin.json')} pins ${pinned}`,
        'failed',
      );
    }
    modules.push({ name, bytes, sha256 });
  }
  return { package: pin.package, version: pin.version, kernelSha256: kernel.sha256, modules, sha256: setHash(modules) };
}

async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await execa(command, args, { reject: false, all: true, cwd, timeout: 600_000 });
  if (result.failed) throw new KernelError(`${command} ${args.join(' ')}: ${result.all?.trim() || `exit status ${result.exitCode}`}`);
  return result.stdout;
}

/**
 * Fetches the modules of a kernel kindling fetched (its pin names its Debian package and version):
 * `apt-get download PACKAGE=VERSION` (apt checks it against the signed archive index), then only
 * if that package's vmlinuz is the pinned kernel, byte for byte, are its modules kept and pinned.
 */
export async function fetchModules(kernel: KernelInfo, arch: Arch = 'amd64'): Promise<KernelModules> {
  if (kernel.package === undefined || kernel.version === undefined) {
    throw new KernelError(`the kernel ${kernel.path} names no Debian package, so its modules cannot be fetched`);
  }
  const work = await mkdtemp(join(tmpdir(), 'kindling-modules-'));
  try {
    await run('apt-get', ['download', '-q', `${kernel.package}=${kernel.version}`], work);
    const deb = (await readdir(work)).find((name) => name.endsWith('.deb'));
    if (deb === undefined) throw new KernelError(`apt-get download ${kernel.package}=${kernel.version} left no .deb in ${work}`);
    const tree = join(work, 'tree');
    await run('dpkg-deb', ['-x', join(work, deb), tree], work);
    const vmlinuz = (await readdir(join(tree, 'boot'))).find((name) => name.startsWith('vmlinuz-'));
    const kernelBytes = vmlinuz === undefined ? undefined : await readFile(join(tree, 'boot', vmlinuz));
    if (kernelBytes === undefined || sha256Bytes(kernelBytes) !== kernel.sha256) {
      throw new KernelError(`${deb} does not hold the pinned kernel (sha256 ${kernel.sha256}): its modules would not match it`, 'failed');
    }
    const release = (await readdir(join(tree, 'lib/modules')))[0];
    if (release === undefined) throw new KernelError(`${deb} holds no lib/modules`);
    const dir = modulesDir(kernel.path);
    const partial = `${dir}.partial-${randomBytes(4).toString('hex')}`;
    await mkdir(partial, { recursive: true });
    const hashes: Record<string, string> = {};
    for (const path of virtioModules(arch)) {
      const bytes = await readFile(join(tree, 'lib/modules', release, path)).catch(() => undefined);
      if (bytes === undefined) throw new KernelError(`${deb} holds no ${path}`);
      hashes[basename(path)] = sha256Bytes(bytes);
      await writeFile(join(partial, basename(path)), bytes);
    }
    const pin: ModulesPin = { package: kernel.package, version: kernel.version, kernelSha256: kernel.sha256, modules: hashes };
    await writeFile(join(partial, 'pin.json'), JSON.stringify(pin, null, 2) + '\n');
    // Another process may have fetched them meanwhile: theirs are the same bytes, so either stays.
    await rename(partial, dir).catch(() => rm(partial, { recursive: true, force: true }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const fetched = await readModules(kernel, arch);
  if (fetched === undefined) throw new KernelError(`the modules of ${kernel.path} could not be kept in ${modulesDir(kernel.path)}`);
  return fetched;
}

/** The modules, fetched first when the kernel has none beside it yet. */
export async function ensureModules(kernel: KernelInfo, arch: Arch = 'amd64'): Promise<KernelModules> {
  return (await readModules(kernel, arch)) ?? fetchModules(kernel, arch);
}

export function modulesComponent(modules: KernelModules): TrustedComponent {
  return {
    name: 'kernel-modules',
    version: `${modules.package} ${modules.version}: ${modules.modules.map((m) => m.name).join(' ')}`,
    sha256: modules.sha256,
  };
}
