// The qemu command line for one stage: a machine with one NVMe disk (the stage's ext4 image), a
// serial console, no network device, no graphics, and no other devices at all.
import type { ArchProfile } from '../arch.js';
import type { Accel } from './accel.js';
import { FIXED_TIME, ROOT_FILESYSTEM, ROOT_MOUNT_OPTIONS } from './qemu-disk.js';

/** A problem with the request itself that no VM could carry out (the message says which). */
export class KernelCommandLineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelCommandLineError';
  }
}

// Limits of Linux on x86: the command line holds 2047 characters, init gets at most 31 arguments
// (more make the kernel panic), and words are split at spaces with no escape for quotes.
const COMMAND_LINE_LIMIT = 2047;
const INIT_ARGUMENT_LIMIT = 31;
const SAFE_WORD = /^[\x21\x23-\x7e]+$/;

/**
 * The kernel command line. Everything after `--` is passed to init as its arguments, in order;
 * the kernel's own settings therefore come before it. `quiet` keeps boot messages off the log,
 * while the panic line that carries init's exit status is still printed (it is an emergency).
 */
export function kernelCommandLine(init: string, args: readonly string[], profile?: ArchProfile): string {
  const initPath = `/${init}`;
  for (const word of [initPath, ...args]) {
    if (!SAFE_WORD.test(word)) {
      throw new KernelCommandLineError(
        `cannot pass ${JSON.stringify(word)} to init through the kernel command line: only printable characters other than space and '"' are possible`,
      );
    }
  }
  if (args.length > INIT_ARGUMENT_LIMIT) {
    throw new KernelCommandLineError(`init can be given at most ${INIT_ARGUMENT_LIMIT} arguments in a VM, not ${args.length}`);
  }
  const line = [
    'root=/dev/nvme0n1', `rootfstype=${ROOT_FILESYSTEM}`,
    // The kernel panics without syncing when init exits: only synchronous writes reach the disk.
    `rootflags=${ROOT_MOUNT_OPTIONS}`, 'rw',
    `init=${initPath}`,
    `console=${profile?.console ?? 'ttyS0'}`, 'panic=-1', 'quiet',
    '--', ...args,
  ].join(' ');
  if (line.length > COMMAND_LINE_LIMIT) {
    throw new KernelCommandLineError(`the kernel command line would be ${line.length} characters, more than Linux accepts (${COMMAND_LINE_LIMIT})`);
  }
  return line;
}

/** qemu's option syntax doubles a comma inside a value. */
function optionValue(value: string): string {
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

export function qemuArguments(machine: QemuMachine): string[] {
  return [
    ...(machine.profile?.qemuMachine ?? []),
    ...(machine.profile?.qemuCpu === undefined ? [] : ['-cpu', machine.accel === 'kvm' ? 'host' : machine.profile.qemuCpu]),
    '-accel', machine.accel,
    '-no-reboot',
    '-nographic', '-nodefaults', '-no-user-config',
    '-nic', 'none',
    '-smp', '1',
    '-m', String(machine.memoryMiB),
    // The guest clock starts at the instant the disk's files carry, on every run, and follows
    // virtual time: a stage that reads the clock sees no trace of when the host ran it.
    '-rtc', `base=${FIXED_TIME.toISOString().slice(0, 19)},clock=vm`,
    // The console goes to qemu's stdout, which the backend sends to the stage's log. The firmware
    // is told to keep off it, so the log starts with what the stage printed.
    '-serial', 'stdio',
    ...(machine.profile?.biosFirmware === false ? [] : ['-fw_cfg', `name=${FIRMWARE_CONSOLE_SETTING},string=0`]),
    '-kernel', machine.kernel,
    '-append', machine.commandLine,
    '-drive', `file=${optionValue(machine.image)},if=none,format=raw,id=stage,cache=unsafe`,
    '-device', 'nvme,drive=stage,serial=kindling',
  ];
}
