// The kernel a VM stage boots: Debian's cloud kernel, which has NVMe, ext4 and the
// 8250 serial console built in, so it boots straight from a disk with no initramfs or modules. It
// is part of every VM result's trusted base, so it is identified by sha256 and, when kindling
// fetched it, by the Debian package and version it came from.
import { randomBytes } from 'node:crypto';
import { access, constants, copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ARCHES, archProfile, type Arch } from '../arch.js';
import { sha256File, type Sha256 } from '../digest.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import type { TrustedComponent } from './sandbox.js';

/** The Debian meta package that always depends on the current cloud kernel image. */
export const KERNEL_META_PACKAGE = 'linux-image-cloud-amd64';

/**
 * A missing, unusable or unpinned kernel (the machine must change: exit 4), or one whose bytes are
 * not the pinned ones (a check found a problem: exit 1); the message names the path.
 */
export class KernelError extends KindlingError {
  constructor(message: string, kind: 'environment' | 'failed' = 'environment') {
    super(kind, message);
    this.name = 'KernelError';
  }
}

/** The sha256 a kernel must have, stated in configuration rather than read from beside the kernel. */
export interface ExpectedKernel {
  readonly sha256: Sha256;
  /** Where it was stated, for the message: `--kernel-sha256`, `$KINDLING_KERNEL_SHA256`. */
  readonly from: string;
}

export interface KernelInfo {
  readonly path: string;
  readonly sha256: Sha256;
  /** Debian package and version, known when the kernel was fetched by obtainKernel. */
  readonly package?: string;
  readonly version?: string;
}

/**
 * What obtainKernel (or `kernel pin`) writes beside each vmlinuz: the pin, its sha256, checked
 * before every boot, and (when fetched) the Debian package, so `kernel show` and records can name
 * its origin.
 */
interface KernelProvenance {
  readonly package?: string;
  readonly version?: string;
  readonly sha256: string;
  readonly pinnedAt?: string;
}

/** The file beside a kernel that pins its sha256. */
export function pinPath(kernel: string): string {
  return `${kernel}.json`;
}

async function readPin(kernel: string): Promise<Partial<KernelProvenance> | undefined> {
  return readFile(pinPath(kernel), 'utf8')
    .then((text) => JSON.parse(text) as Partial<KernelProvenance>)
    .catch(() => undefined);
}

/** `<repo>/.kindling/kernel`: the default place kernels are fetched to and looked for. */
export function defaultKernelDir(): string {
  return fileURLToPath(new URL('../../.kindling/kernel', import.meta.url));
}

async function isReadable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export interface KernelLookup {
  /** The machine's architecture (default amd64): its kernel environment variable and file names. */
  readonly arch?: Arch;
  /** A kernel given explicitly (`--kernel FILE`, or the backend's option). */
  readonly explicit?: string;
  /** The kernel named by the arch's variable ($KINDLING_KERNEL for amd64); read from the environment when not given. */
  readonly fromEnvironment?: string | undefined;
  readonly cacheDir?: string;
}

/**
 * Finds the kernel: an explicit path first, then $KINDLING_KERNEL, then the newest
 * `vmlinuz-*` in the cache directory. Throws KernelError naming where it looked.
 */
export async function locateKernel(lookup: KernelLookup = {}): Promise<string> {
  if (lookup.explicit !== undefined) {
    if (!(await isReadable(lookup.explicit))) throw new KernelError(`the kernel ${lookup.explicit} does not exist or cannot be read`);
    return lookup.explicit;
  }
  const profile = archProfile(lookup.arch ?? 'amd64');
  const fromEnv = 'fromEnvironment' in lookup ? lookup.fromEnvironment : readEnvironment().kernels[profile.arch];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!(await isReadable(fromEnv)))
      throw new KernelError(`the kernel ${fromEnv} (from $${profile.kernelEnv}) does not exist or cannot be read`);
    return fromEnv;
  }
  const cacheDir = lookup.cacheDir ?? defaultKernelDir();
  const names = await readdir(cacheDir).catch(() => [] as string[]);
  // Debian's kernel files end in their architecture: one for another machine is never picked.
  const foreign = ARCHES.filter((arch) => arch !== profile.arch).map((arch) => `-${archProfile(arch).debianArch}`);
  const kernels = names.filter(
    (name) => /^vmlinuz-[^/]+$/.test(name) && !name.endsWith('.json') && !foreign.some((suffix) => name.endsWith(suffix)),
  );
  kernels.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const newest = kernels.at(-1);
  if (newest === undefined) {
    throw new KernelError(
      `no kernel found: no --kernel, $${profile.kernelEnv} is not set, and ${cacheDir} holds no ${profile.arch === 'amd64' ? 'vmlinuz-*' : `vmlinuz-*-${profile.debianArch}`}; run \`kindling kernel fetch${profile.arch === 'amd64' ? '' : ` --arch ${profile.arch}`}\``,
    );
  }
  return join(cacheDir, newest);
}

/** The kernel's sha256 and, when its provenance file agrees with those bytes, its Debian package. */
export async function describeKernel(path: string): Promise<KernelInfo> {
  const sha256 = await sha256File(path);
  const provenance = await readPin(path);
  // A provenance file that names other bytes says nothing about this file.
  if (provenance?.sha256 !== sha256 || typeof provenance.package !== 'string' || typeof provenance.version !== 'string') {
    return { path, sha256 };
  }
  return { path, sha256, package: provenance.package, version: provenance.version };
}

/**
 * The kernel described, after checking its bytes against its pin: the sha256 stated in
 * configuration when there is one, else the one `kernel fetch` or `kernel pin` wrote beside it.
 * A kernel that is not pinned, or whose bytes differ, is refused with what to do: a changed kernel
 * boots only after someone says so.
 */
export async function checkedKernel(path: string, expected?: ExpectedKernel): Promise<KernelInfo> {
  const info = await describeKernel(path);
  if (expected !== undefined) {
    if (info.sha256 !== expected.sha256) {
      throw new KernelError(
        `the kernel ${path} has sha256 ${info.sha256}, but ${expected.from} pins ${expected.sha256}: boot the kernel with that hash, or state the new one`,
        'failed',
      );
    }
    return info;
  }
  const pinned = (await readPin(path))?.sha256;
  if (typeof pinned !== 'string') {
    throw new KernelError(
      `the kernel ${path} is not pinned: check it, then run \`kindling kernel pin --kernel ${path}\` to trust sha256 ${info.sha256}, or state the hash with --kernel-sha256`,
    );
  }
  if (pinned !== info.sha256) {
    throw new KernelError(
      `the kernel ${path} changed since it was pinned: sha256 ${info.sha256}, pinned ${pinned} (${pinPath(path)}); ` +
        `run \`kindling kernel fetch\` for a fresh one, or \`kindling kernel pin --kernel ${path}\` to trust these bytes`,
      'failed',
    );
  }
  return info;
}

/**
 * Pins a kernel as it is now (an explicit re-pin after a deliberate change, or a kernel kindling
 * did not fetch). The Debian origin is kept only while it names these very bytes.
 */
export async function pinKernel(path: string): Promise<KernelInfo> {
  if (!(await isReadable(path))) throw new KernelError(`the kernel ${path} does not exist or cannot be read`);
  const info = await describeKernel(path);
  const pin: KernelProvenance = {
    ...(info.package === undefined ? {} : { package: info.package, version: info.version ?? 'unknown' }),
    sha256: info.sha256,
    pinnedAt: new Date().toISOString(),
  };
  const partial = `${pinPath(path)}.partial-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(partial, JSON.stringify(pin, null, 2) + '\n');
    await rename(partial, pinPath(path));
  } catch (error) {
    await rm(partial, { force: true });
    throw new KernelError(
      `the pin ${pinPath(path)} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}): state the hash with --kernel-sha256 instead`,
    );
  }
  return info;
}

export function kernelComponent(info: KernelInfo): TrustedComponent {
  return {
    name: 'kernel',
    path: info.path,
    sha256: info.sha256,
    ...(info.package === undefined ? {} : { version: `${info.package} ${info.version ?? ''}`.trim() }),
  };
}

async function run(command: string, args: readonly string[], cwd?: string): Promise<string> {
  const result = await execa(command, args, { reject: false, all: true, ...(cwd === undefined ? {} : { cwd }), timeout: 600_000 });
  if (result.failed) {
    const why = result.code === 'ENOENT' ? 'not found (is this a Debian system?)' : result.all?.trim() || `exit status ${result.exitCode}`;
    throw new KernelError(`${command} ${args.join(' ')}: ${why}`);
  }
  return result.stdout;
}

/** The versioned image package the meta package currently depends on, e.g. linux-image-6.1.0-56-cloud-amd64. */
export async function resolveKernelPackage(metaPackage = KERNEL_META_PACKAGE): Promise<string> {
  const output = await run('apt-cache', ['depends', metaPackage]);
  const match = /^\s*Depends:\s*(linux-image-\S+)/m.exec(output);
  if (match?.[1] === undefined) {
    // Another architecture's packages are listed only once dpkg has been told of it.
    const foreign = /:(\w+)$/.exec(metaPackage)?.[1];
    const hint = foreign === undefined ? 'run apt-get update?' : `run dpkg --add-architecture ${foreign} and apt-get update?`;
    throw new KernelError(`apt-cache knows no kernel image that ${metaPackage} depends on (${hint})`);
  }
  return match[1];
}

/**
 * Gets the current cloud kernel into `destDir` without root and without a hand step: apt-get
 * download of the image package (apt checks it against the signed archive index), dpkg-deb -x in
 * a temporary directory, then the vmlinuz and its provenance are moved into place atomically, so
 * concurrent fetches and interrupted ones never leave a half-written kernel behind.
 */
export async function obtainKernel(destDir: string = defaultKernelDir(), arch: Arch = 'amd64'): Promise<KernelInfo> {
  const packageName = await resolveKernelPackage(archProfile(arch).kernelMetaPackage);
  await mkdir(destDir, { recursive: true });
  const work = await mkdtemp(join(tmpdir(), 'kindling-kernel-'));
  try {
    await run('apt-get', ['download', '-q', packageName], work);
    const deb = (await readdir(work)).find((name) => name.endsWith('.deb'));
    if (deb === undefined) throw new KernelError(`apt-get download ${packageName} left no .deb in ${work}`);
    const fields = await run('dpkg-deb', ['--field', join(work, deb), 'Package', 'Version']);
    const version = /^Version:\s*(\S+)/m.exec(fields)?.[1] ?? 'unknown';
    const tree = join(work, 'tree');
    await run('dpkg-deb', ['-x', join(work, deb), tree]);
    const vmlinuz = (await readdir(join(tree, 'boot')).catch(() => [] as string[])).find((name) => name.startsWith('vmlinuz-'));
    if (vmlinuz === undefined) throw new KernelError(`${deb} holds no boot/vmlinuz-*`);

    const target = join(destDir, vmlinuz);
    const sha256 = await sha256File(join(tree, 'boot', vmlinuz));
    const provenance: KernelProvenance = { package: packageName, version, sha256, pinnedAt: new Date().toISOString() };
    // Partial files start with a dot, so locateKernel never picks one up.
    const partial = join(destDir, `.${vmlinuz}.partial-${randomBytes(4).toString('hex')}`);
    await copyFile(join(tree, 'boot', vmlinuz), partial);
    await writeFile(`${partial}.json`, JSON.stringify(provenance, null, 2) + '\n');
    // The provenance lands first: a vmlinuz that can be found always has its origin beside it.
    await rename(`${partial}.json`, `${target}.json`);
    await rename(partial, target);
    return { path: target, sha256, package: packageName, version };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The kernel to boot: located if present, otherwise fetched into the cache directory first. */
export async function ensureKernel(lookup: KernelLookup = {}): Promise<string> {
  try {
    return await locateKernel(lookup);
  } catch (error) {
    const fromEnv = 'fromEnvironment' in lookup ? lookup.fromEnvironment : readEnvironment().kernels[lookup.arch ?? 'amd64'];
    // Only an absent cache is filled automatically; a wrong explicit path stays an error.
    if (lookup.explicit !== undefined || (fromEnv !== undefined && fromEnv !== '')) throw error;
    const cacheDir = lookup.cacheDir ?? defaultKernelDir();
    try {
      return (await obtainKernel(cacheDir, lookup.arch)).path;
    } catch (fetchError) {
      const why = fetchError instanceof Error ? fetchError.message : String(fetchError);
      throw new KernelError(`no kernel in ${cacheDir}, and fetching one failed: ${why}`);
    }
  }
}
