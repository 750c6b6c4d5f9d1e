// Chooses a backend by name. Each backend is one file behind the Sandbox interface; this is the
// only place that knows them all.
import type { Arch } from '../arch.js';
import type { AccelChoice } from './accel.js';
import { createBwrapSandbox } from './bwrap.js';
import type { Sandbox } from './sandbox.js';

export const SANDBOX_NAMES = ['qemu', 'bwrap'] as const;
export type SandboxName = (typeof SANDBOX_NAMES)[number];

export interface SandboxChoice {
  readonly name: SandboxName;
  readonly kernel?: string;
  /** The sha256 the kernel must have (else $KINDLING_KERNEL_SHA256, else its pin). */
  readonly kernelSha256?: string;
  readonly accel?: AccelChoice;
  /** The chain's architecture (default amd64). */
  readonly arch?: Arch;
}

export async function createSandbox(choice: SandboxChoice): Promise<Sandbox> {
  switch (choice.name) {
    case 'bwrap':
      return createBwrapSandbox(choice.arch === undefined ? {} : { arch: choice.arch });
    case 'qemu': {
      const { createQemuSandbox } = await import('./qemu.js');
      return createQemuSandbox({
        ...(choice.kernel === undefined ? {} : { kernel: choice.kernel }),
        ...(choice.kernelSha256 === undefined ? {} : { kernelSha256: choice.kernelSha256 }),
        ...(choice.accel === undefined ? {} : { accel: choice.accel }),
        ...(choice.arch === undefined ? {} : { arch: choice.arch }),
      });
    }
  }
}
