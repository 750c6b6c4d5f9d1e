// The --sandbox, --kernel and --accel flags, checked and turned into a backend: shared by every
// command that runs stages (bootstrap, audit --rebuild, template).
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

export async function sandboxFromFlags(flags: SandboxFlags): Promise<Sandbox> {
  return createSandbox({
    name: checkSandboxName(flags.sandbox),
    ...(flags.kernel === undefined ? {} : { kernel: flags.kernel }),
    ...(flags.accel === undefined ? {} : { accel: flags.accel }),
  });
}
