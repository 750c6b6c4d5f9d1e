// The qemu command line for one stage: a machine with one NVMe disk (the stage's ext4 image), a
// serial console, no network device, no graphics, and no other devices at all.
import type { ArchProfile } from '../arch.js';
import type { Accel } from './accel.js';
import { GUEST_INIT_PATH } from './guest-init.js';
import { FIXED_TIME, ROOT_FILESYSTEM, ROOT_MOUNT_OPTIONS } from './qemu-disk.js';
import { KindlingError } from '../errors.js';

/** A problem with the request itself that no VM could carry out (the message says which). */
export class KernelCommandLineError extends KindlingError {
  constructor(message: string) {
    super('manifest', message);
    this.name = 'KernelCommandLineError';
  }
}

// Limits of Linux: the command line holds 2047 characters (on x86), init gets at most 31
// arguments (more make the kernel panic), and words are split at spaces with no escape for
// quotes. The guest init takes the first of those 31 for the stage's init.
const COMMAND_LINE_LIMIT = 2047;
const KERNEL_INIT_ARGUMENTS = 31;
const SAFE_WORD = /^[\x21\x23-\x7e]+$/;

/** True when `word` can be one of init's arguments on the kernel command line. */
export function fitsKernelCommandLine(word: string): boolean {
  return SAFE_WORD.test(word);
}

/**
 * Settings that make an x86-64 boot shorter or sturdier under emulation, each measured (see the
 * sandbox README). None changes what a stage sees of its files; each is a setting the kernel
 * knows, since an unknown word would be handed to init and shift its arguments.
 */
export const AMD64_BOOT_SHORTCUTS: readonly string[] = [
  // The machine needs no ACPI: no power button, no hot plug; the disk is found on PCI and the
  // restart uses the keyboard controller's reset line. Parsing the ACPI tables costs a fifth of a boot.
  'acpi=off',
  // Under emulation on a busy host, the kernel's check that the timer interrupt ticks can fail
  // ("IO-APIC + timer doesn't work!", a panic); the timer does work, so skip the check.
  'no_timer_check',
  // Trust the emulated TSC rather than watching it against another clock for the whole run.
  'tsc=reliable',
  // Self-tests of every crypto algorithm at registration: nothing in a stage uses kernel crypto.
  'cryptomgr.notests',
  // No security modules (AppArmor, TOMOYO, …), no audit, no lockup watchdogs: one stage owns the
  // machine, and the VM is the boundary.
  'lsm=',
  'audit=0',
  'nowatchdog',
  // Initcalls that load certificates, set up key types and tracing, and probe a PS/2 controller
  // the machine has no use for.
  'initcall_blacklist=load_system_certificate_list,init_kprobe_trace,crypto_kdf108_init,init_encrypted,init_ima,i8042_init',
];

/** Mount options of the root disk when the stage's init is PID 1 and no guest init syncs at the end. */
const SYNC_MOUNT_OPTIONS = `sync,${ROOT_MOUNT_OPTIONS}`;

/**
 * The kernel command line. With the guest init (`withGuestInit`, the default) the kernel runs it,
 * and it runs the stage's init: the stage's init and its arguments come after `--`, which passes
 * them to the guest init in order. Without (an architecture that has none yet), the stage's init
 * is the kernel's init, given the arguments after `--`, and the disk is mounted `sync`, since
 * nothing syncs when that init exits. The kernel's own settings come before `--`, and must all be
 * ones it knows: an unknown word would be passed to init too. `quiet` keeps boot messages off the
 * log, while the restart line that carries the stage's status, and any panic, are still printed.
 */
export function kernelCommandLine(
  init: string,
  args: readonly string[],
  profile?: ArchProfile,
  withGuestInit = true,
  devices = false,
): string {
  const initPath = `/${init}`;
  for (const word of [initPath, ...args]) {
    if (!SAFE_WORD.test(word)) {
      throw new KernelCommandLineError(
        `cannot pass ${JSON.stringify(word)} to init through the kernel command line: only printable characters other than space and '"' are possible`,
      );
    }
  }
  const argumentLimit = withGuestInit ? KERNEL_INIT_ARGUMENTS - 1 : KERNEL_INIT_ARGUMENTS;
  if (args.length > argumentLimit) {
    throw new KernelCommandLineError(`init can be given at most ${argumentLimit} arguments in a VM, not ${args.length}`);
  }
  const amd64 = (profile?.arch ?? 'amd64') === 'amd64';
  const line = [
    'root=/dev/nvme0n1',
    `rootfstype=${ROOT_FILESYSTEM}`,
    `rootflags=${withGuestInit ? ROOT_MOUNT_OPTIONS : SYNC_MOUNT_OPTIONS}`,
    'rw',
    `init=${withGuestInit ? `/${GUEST_INIT_PATH}` : initPath}`,
    `console=${profile?.console ?? 'ttyS0'}`,
    'panic=-1',
    'quiet',
    ...(amd64 ? AMD64_BOOT_SHORTCUTS : []),
    // The kernel mounts its devtmpfs on the root's /dev once the root is mounted.
    ...(devices ? ['devtmpfs.mount=1'] : []),
    '--',
    ...(withGuestInit ? [initPath] : []),
    ...args,
  ].join(' ');
  if (line.length > COMMAND_LINE_LIMIT) {
    throw new KernelCommandLineError(
      `the kernel command line would be ${line.length} characters, more than Linux accepts (${COMMAND_LINE_LIMIT})`,
    );
  }
  return line;
}

/** qemu's option syntax doubles a comma inside a value. */
export function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** SeaBIOS's setting for its serial console; qemu warns that the name lacks an "opt/" prefix. */
export const FIRMWARE_CONSOLE_SETTING = 'etc/sercon-port';

export interface QemuMachine {
  readonly kernel: string;
  readonly image: string;
  readonly accel: Accel;
  readonly memoryMiB: number;
  readonly commandLine: string;
  /** The architecture's machine (default: an x86-64 PC). */
  readonly profile?: ArchProfile;
}

/**
 * The machine every kindling VM is, the stage's and the KVM probe's alike: the architecture's
 * board and CPU (the host's own under KVM), no reboot, no display, no default devices, no
 * user configuration, no network.
 */
export function bareMachine(accel: Accel, profile?: ArchProfile): string[] {
  return [
    ...(profile?.qemuMachine ?? []),
    ...(profile?.qemuCpu === undefined ? [] : ['-cpu', accel === 'kvm' ? 'host' : profile.qemuCpu]),
    '-accel',
    accel,
    '-no-reboot',
    '-nographic',
    '-nodefaults',
    '-no-user-config',
    '-nic',
    'none',
  ];
}

/**
 * A stage's machine before its kernel and disk, booted or saved and restored alike: one processor,
 * the memory, the fixed clock, the console on stdout.
 */
export function stageMachine(accel: Accel, memoryMiB: number, profile?: ArchProfile): string[] {
  return [
    ...bareMachine(accel, profile),
    '-smp',
    '1',
    '-m',
    String(memoryMiB),
    // The guest clock starts at the instant the disk's files carry, on every run, and follows
    // virtual time: a stage that reads the clock sees no trace of when the host ran it.
    '-rtc',
    `base=${FIXED_TIME.toISOString().slice(0, 19)},clock=vm`,
    // The console goes to qemu's stdout, which the backend sends to the stage's log. The firmware
    // (SeaBIOS, x86-64's) is told to keep off it, so the log starts with what the stage printed;
    // the Arm board has no firmware to tell.
    '-serial',
    'stdio',
    ...(profile?.biosFirmware === false ? [] : ['-fw_cfg', `name=${FIRMWARE_CONSOLE_SETTING},string=0`]),
  ];
}

/** The stage's disk image, raw, on the given controller (`nvme` when booted, `virtio-blk-pci` when restored). */
export function stageDisk(image: string, controller: string): string[] {
  return [
    '-drive',
    `file=${optionValue(image)},if=none,format=raw,id=stage,cache=unsafe`,
    '-device',
    `${controller},drive=stage,serial=kindling`,
  ];
}

export function qemuArguments(machine: QemuMachine): string[] {
  return [
    ...stageMachine(machine.accel, machine.memoryMiB, machine.profile),
    '-kernel',
    machine.kernel,
    '-append',
    machine.commandLine,
    ...stageDisk(machine.image, 'nvme'),
  ];
}
