// The --sandbox, --kernel and --accel flags, checked and turned into a backend: shared by every
// command that runs stages (bootstrap, audit --rebuild, template).
import type { Arch } from '../arch.js';
import { createSandbox } from '../sandbox/select.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { CliFailure } from './failure.js';
import type { SandboxName } from './options.js';

export interface SandboxFlags {
  readonly sandbox: string;
  readonly kernel?: string;
  readonly accel?: 'kvm' | 'tcg' | 'auto';
}

export function checkSandboxName(value: string): SandboxName {
  if (value !== 'qemu' && value !== 'bwrap') throw new CliFailure(`--sandbox must be qemu or bwrap, not '${value}'`, 2);
  return value;
}

/**
 * The backend for a chain of architecture `arch`. A backend that cannot run that architecture here
 * (no emulator, no binfmt entry, no kernel for it) is refused now, with its reason on one line.
 */
export async function sandboxFromFlags(flags: SandboxFlags, arch: Arch): Promise<Sandbox> {
  const sandbox = await createSandbox({
    name: checkSandboxName(flags.sandbox),
    arch,
    ...(flags.kernel === undefined ? {} : { kernel: flags.kernel }),
    ...(flags.accel === undefined ? {} : { accel: flags.accel }),
  });
  try {
    await sandbox.trustedBase();
  } catch (error) {
    throw new CliFailure(`the ${sandbox.name} backend cannot run the ${arch} chain: ${error instanceof Error ? error.message : String(error)}`, 1);
  }
  return sandbox;
}
