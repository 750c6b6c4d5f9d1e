// The guest init: the one program kindling itself puts in every VM, as PID 1 (see
// guest/amd64/init.hex0 for what it does, byte by byte). It is part of the trusted base of every
// VM result, so before it enters any VM its binary must be exactly its commented source assembled
// by kindling's own hex0 assembler, and have the sha256 pinned here. Each architecture has its
// own (guest/amd64, guest/aarch64); an architecture without one would run the stage's init as
// PID 1 on a disk mounted `sync` (see the sandbox README for what that loses).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Arch } from '../arch.js';
import { sha256Bytes, type Sha256 } from '../digest.js';
import { checkSeedSource, describeSourceDifference } from '../seeds/source-check.js';
import type { TrustedComponent } from './sandbox.js';
import { KindlingError } from '../errors.js';

/** sha256 of each architecture's guest/<arch>/init; also in its SHA256SUMS, for `sha256sum -c`. */
export const GUEST_INIT_SHA256: Readonly<Partial<Record<Arch, Sha256>>> = {
  amd64: '0cc6e8a2d52ec7257e80d484fa8d3090fe1cfa5e18cf71ee40da08f3f548b425' as Sha256,
  aarch64: 'cda4bd1faa2ce31d383d5bb93f63f53f6e610db90e958a90d5e83a04e163d4c7' as Sha256,
};
/**
 * sha256 of guest/<arch>/boot, the initramfs's /init of a VM that is saved once and restored per
 * stage (boot.hex0; qemu-snapshot.ts): it loads the disk driver, mounts the stage's disk and
 * becomes the guest init. Checked like the guest init, and named in the trusted base beside it.
 */
export const GUEST_BOOT_SHA256: Readonly<Partial<Record<Arch, Sha256>>> = {
  amd64: '1ff9dd5a008dad14671a8ebe36b5e6ebcd2e47276baec0134e4d7573698c3509' as Sha256,
  aarch64: '194f3199541d1389b68684383a02d7ecc3e6a93a3085e907f39b9a49f6342e7e' as Sha256,
};
/** Where it sits on the disk (it removes itself before the stage starts). */
export const GUEST_INIT_PATH = 'kindling-init';

export interface GuestInit {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly sha256: Sha256;
}

/** A guest init that is not exactly its source, or not the pinned one; the message says which. */
export class GuestInitError extends KindlingError {
  constructor(message: string) {
    super('environment', message);
    this.name = 'GuestInitError';
  }
}

/** The directory holding an architecture's init, init.hex0 and SHA256SUMS, beside this module's source. */
export function guestInitDir(arch: Arch = 'amd64'): string {
  return fileURLToPath(new URL(`../../src/sandbox/guest/${arch}/`, import.meta.url));
}

/** Whether VMs of this architecture start with the guest init. */
export function hasGuestInit(arch: Arch): boolean {
  return GUEST_INIT_SHA256[arch] !== undefined;
}

async function loadAndCheck(dir: string, pinned: Sha256, name = 'init'): Promise<GuestInit> {
  const path = `${dir}${name}`;
  let binary: Buffer;
  let source: Buffer;
  try {
    [binary, source] = await Promise.all([readFile(path), readFile(`${path}.hex0`)]);
  } catch (error) {
    throw new GuestInitError(`the guest init could not be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Checked as the seeds are, by the one seed checker.
  const check = checkSeedSource(binary, source, `${path}.hex0`);
  if (check.result === 'invalid') throw new GuestInitError(`the guest init's source ${path}.hex0 does not assemble: ${check.message}`);
  if (check.result === 'differs') {
    throw new GuestInitError(
      `the guest ${name} ${path} is not what its source ${path}.hex0 assembles to, ${describeSourceDifference(check.difference)}`,
    );
  }
  const sha256 = sha256Bytes(binary);
  if (sha256 !== pinned) {
    throw new GuestInitError(`the guest ${name} ${path} has sha256 ${sha256}, not the pinned ${pinned}`);
  }
  return { path, bytes: binary, sha256 };
}

const loaded = new Map<Arch, Promise<GuestInit>>();

/**
 * The checked guest init of an architecture, read and checked once per process; `dir` reads it
 * from elsewhere (a test's altered copy), checked against the same pinned hash.
 */
export function loadGuestInit(arch: Arch = 'amd64', dir?: string): Promise<GuestInit> {
  const pinned = GUEST_INIT_SHA256[arch];
  if (pinned === undefined) return Promise.reject(new GuestInitError(`kindling has no guest init for ${arch} yet`));
  if (dir !== undefined) return loadAndCheck(dir, pinned);
  let result = loaded.get(arch);
  if (result === undefined) {
    result = loadAndCheck(guestInitDir(arch), pinned);
    loaded.set(arch, result);
  }
  return result;
}

const loadedBoot = new Map<Arch, Promise<GuestInit>>();

/** Whether VMs of this architecture can be saved once and restored per stage (they need the boot program). */
export function hasGuestBoot(arch: Arch): boolean {
  return GUEST_BOOT_SHA256[arch] !== undefined && hasGuestInit(arch);
}

/** The checked boot program of an architecture (guest/<arch>/boot), read and checked once per process. */
export function loadGuestBoot(arch: Arch = 'amd64', dir?: string): Promise<GuestInit> {
  const pinned = GUEST_BOOT_SHA256[arch];
  if (pinned === undefined) return Promise.reject(new GuestInitError(`kindling has no guest boot program for ${arch} yet`));
  if (dir !== undefined) return loadAndCheck(dir, pinned, 'boot');
  let result = loadedBoot.get(arch);
  if (result === undefined) {
    result = loadAndCheck(guestInitDir(arch), pinned, 'boot');
    loadedBoot.set(arch, result);
  }
  return result;
}

export function guestInitComponent(init: GuestInit): TrustedComponent {
  return { name: 'guest-init', path: init.path, sha256: init.sha256 };
}

export function guestBootComponent(boot: GuestInit): TrustedComponent {
  return { name: 'guest-boot', path: boot.path, sha256: boot.sha256 };
}
