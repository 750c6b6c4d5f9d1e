// Chooses a backend by name. Each backend is one file behind the Sandbox interface; this is the
// only place that knows them all.
import { createBwrapSandbox } from './bwrap.js';
import type { Sandbox } from './sandbox.js';

export interface SandboxChoice {
  readonly name: 'qemu' | 'bwrap';
  readonly kernel?: string;
  readonly accel?: 'kvm' | 'tcg' | 'auto';
}

export async function createSandbox(choice: SandboxChoice): Promise<Sandbox> {
  switch (choice.name) {
    case 'bwrap':
      return createBwrapSandbox();
    case 'qemu': {
      const { createQemuSandbox } = await import('./qemu.js');
      return createQemuSandbox({
        ...(choice.kernel === undefined ? {} : { kernel: choice.kernel }),
        ...(choice.accel === undefined ? {} : { accel: choice.accel }),
      });
    }
  }
}
