// The --sandbox, --kernel and --accel flags turned into a backend: shared by every command that runs
// stages (bootstrap, audit --rebuild, template, lock). commander has already checked the names.
import type { Arch } from '../arch.js';
import { KindlingError, messageOf } from '../errors.js';
import type { AccelChoice } from '../sandbox/accel.js';
import { createSandbox, type SandboxName } from '../sandbox/select.js';
import type { Sandbox } from '../sandbox/sandbox.js';

export interface SandboxFlags {
  readonly sandbox: SandboxName;
  readonly kernel?: string;
  readonly kernelSha256?: string;
  readonly accel?: AccelChoice;
}

/**
 * The backend for a chain of architecture `arch`. A backend that cannot run that architecture here
 * (no emulator, no binfmt entry, no kernel for it) is refused now, with its reason on one line.
 */
export async function sandboxFromFlags(flags: SandboxFlags, arch: Arch): Promise<Sandbox> {
  const sandbox = await createSandbox({
    name: flags.sandbox,
    arch,
    ...(flags.kernel === undefined ? {} : { kernel: flags.kernel }),
    ...(flags.kernelSha256 === undefined ? {} : { kernelSha256: flags.kernelSha256 }),
    ...(flags.accel === undefined ? {} : { accel: flags.accel }),
  });
  try {
    // The cheap check: the qemu backend's KVM probe waits until a stage really runs.
    await (sandbox.check === undefined ? sandbox.trustedBase() : sandbox.check());
  } catch (error) {
    // A missing tool or kernel keeps its kind (the machine must change); anything else is one too.
    const kind = error instanceof KindlingError ? error.kind : 'environment';
    throw new KindlingError(kind, `the ${sandbox.name} backend cannot run the ${arch} chain: ${messageOf(error)}`);
  }
  return sandbox;
}
