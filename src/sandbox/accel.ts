// Which qemu accelerator runs the VM: KVM when it really works, TCG (pure emulation) otherwise.
// /dev/kvm existing is not enough: under nested virtualisation KVM can accept a guest and then
// hang it forever. So the probe boots the real kernel (without a disk it panics at once, and
// panic=-1 with -no-reboot ends qemu) and trusts KVM only if that finishes within a short time.
import { access, constants } from 'node:fs/promises';
import { execa } from 'execa';
import type { ArchProfile } from '../arch.js';
import { bareMachine } from './qemu-command.js';

/** The accelerators a user may ask for; 'auto' probes KVM and falls back to TCG. */
export const ACCEL_CHOICES = ['kvm', 'tcg', 'auto'] as const;
export type AccelChoice = (typeof ACCEL_CHOICES)[number];
export type Accel = Exclude<AccelChoice, 'auto'>;

/** A working KVM boots this kernel to its panic in well under a second; a hung one never does. */
export const KVM_PROBE_TIMEOUT_MS = 5_000;

export interface KvmProbe {
  readonly qemu: string;
  readonly kernel: string;
  readonly timeoutMs?: number;
  readonly profile?: ArchProfile;
}

export async function probeKvm(probe: KvmProbe): Promise<boolean> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return false;
  }
  const result = await execa(
    probe.qemu,
    [
      ...bareMachine('kvm', probe.profile),
      '-m',
      '256',
      '-serial',
      'stdio',
      '-kernel',
      probe.kernel,
      '-append',
      `console=${probe.profile?.console ?? 'ttyS0'} panic=-1 quiet`,
    ],
    { stdin: 'ignore', reject: false, timeout: probe.timeoutMs ?? KVM_PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' },
  );
  return result.exitCode === 0 && result.stdout.includes('Kernel panic');
}

// One probe per qemu and kernel for the life of the process: a failing probe costs its whole timeout.
const probed = new Map<string, Promise<boolean>>();

export function resolveAccel(choice: AccelChoice, probe: KvmProbe): Promise<Accel> {
  if (choice !== 'auto') return Promise.resolve(choice);
  // KVM runs only the host's own architecture: a foreign machine is always emulated.
  if (probe.profile !== undefined && probe.profile.nodeArch !== process.arch) return Promise.resolve('tcg');
  const key = `${probe.qemu}\0${probe.kernel}`;
  let result = probed.get(key);
  if (result === undefined) {
    result = probeKvm(probe);
    probed.set(key, result);
  }
  return result.then((works) => (works ? 'kvm' : 'tcg'));
}
