// The architectures a chain can be written for, and what each backend needs to know to run one:
// the ELF machine its programs carry, the qemu system emulator and machine, the console device,
// the Debian cloud kernel to boot, and the binfmt_misc entry that lets bubblewrap run the chain's
// programs on a host of another architecture through qemu-user.

export type Arch = 'amd64' | 'aarch64';

export const ARCHES: readonly Arch[] = ['amd64', 'aarch64'];

export function isArch(value: string): value is Arch {
  return (ARCHES as readonly string[]).includes(value);
}

export interface ArchProfile {
  readonly arch: Arch;
  /** How people call it: the chain's name for it, and Linux's. */
  readonly title: string;
  /** Node's process.arch on a host that runs these programs natively. */
  readonly nodeArch: string;
  /** Debian's name, which its kernel packages and file names carry. */
  readonly debianArch: string;
  /** The ELF header's e_machine for this architecture. */
  readonly elfMachine: number;
  readonly qemuSystem: string;
  /** The Debian package that provides qemuSystem. */
  readonly qemuSystemPackage: string;
  /** qemu options that choose the machine (none: qemu's default PC). */
  readonly qemuMachine: readonly string[];
  /** The CPU qemu emulates (under KVM the host's own is used); none: qemu's default. */
  readonly qemuCpu?: string;
  /** The kernel's name for the serial console the log is read from. */
  readonly console: string;
  /** The machine boots through SeaBIOS, which must be told to keep off the serial console. */
  readonly biosFirmware: boolean;
  /** Debian's meta package that depends on the current cloud kernel image. */
  readonly kernelMetaPackage: string;
  /** The environment variable naming a kernel file to boot instead of the fetched one. */
  readonly kernelEnv: string;
  /** The binfmt_misc entry (registered by qemu-user-static) that runs these programs on another host. */
  readonly binfmtEntry: string;
  readonly qemuUserPackage: string;
}

const PROFILES: Readonly<Record<Arch, ArchProfile>> = {
  amd64: {
    arch: 'amd64',
    title: 'x86-64',
    nodeArch: 'x64',
    debianArch: 'amd64',
    elfMachine: 0x3e,
    qemuSystem: 'qemu-system-x86_64',
    qemuSystemPackage: 'qemu-system-x86',
    qemuMachine: [],
    console: 'ttyS0',
    biosFirmware: true,
    kernelMetaPackage: 'linux-image-cloud-amd64',
    kernelEnv: 'KINDLING_KERNEL',
    binfmtEntry: 'qemu-x86_64',
    qemuUserPackage: 'qemu-user-static',
  },
  aarch64: {
    arch: 'aarch64',
    title: 'AArch64',
    nodeArch: 'arm64',
    debianArch: 'arm64',
    elfMachine: 0xb7,
    qemuSystem: 'qemu-system-aarch64',
    qemuSystemPackage: 'qemu-system-arm',
    // qemu's generic Arm board boots a kernel directly, with no firmware; a Cortex-A57 is a plain
    // ARMv8.0 CPU, much cheaper to emulate than `max` (which adds pointer authentication).
    qemuMachine: ['-machine', 'virt'],
    qemuCpu: 'cortex-a57',
    console: 'ttyAMA0',
    biosFirmware: false,
    kernelMetaPackage: 'linux-image-cloud-arm64:arm64',
    kernelEnv: 'KINDLING_KERNEL_AARCH64',
    binfmtEntry: 'qemu-aarch64',
    qemuUserPackage: 'qemu-user-static',
  },
};

export function archProfile(arch: Arch): ArchProfile {
  return PROFILES[arch];
}

/** The architecture of the host kindling runs on, if it is one a chain can be written for. */
export function hostArch(): Arch | undefined {
  return ARCHES.find((arch) => PROFILES[arch].nodeArch === process.arch);
}
