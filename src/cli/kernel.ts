// `kindling kernel fetch` and `kindling kernel show`: the kernel the qemu backend boots, which is
// part of every VM result's trusted base.
import type { Command } from 'commander';
import { ARCHES, type Arch } from '../arch.js';
import {
  checkedKernel,
  defaultKernelDir,
  describeKernel,
  locateKernel,
  obtainKernel,
  pinKernel,
  pinPath,
  type KernelInfo,
} from '../sandbox/kernel.js';
import { messageOf } from '../errors.js';
import { choiceOption } from './flag-values.js';

interface FetchFlags {
  readonly dest?: string;
  readonly arch: Arch;
}

interface ShowFlags {
  readonly kernel?: string;
  readonly arch: Arch;
  readonly json?: boolean;
}

function render(info: KernelInfo, pin?: string): string {
  return (
    [
      `path     ${info.path}`,
      `sha256   ${info.sha256}`,
      `package  ${info.package === undefined ? 'unknown (not fetched by kindling, or changed since)' : `${info.package} ${info.version ?? ''}`.trim()}`,
      ...(pin === undefined ? [] : [`pin      ${pin}`]),
    ].join('\n') + '\n'
  );
}

/** Whether the kernel's bytes are the pinned ones, in words (the same check as before every boot). */
async function pinState(path: string): Promise<{ readonly ok: boolean; readonly text: string }> {
  try {
    await checkedKernel(path);
    return { ok: true, text: `pinned (${pinPath(path)}): checked before every boot` };
  } catch (error) {
    return { ok: false, text: messageOf(error) };
  }
}

export function register(program: Command): void {
  const kernel = program.command('kernel').description('the Linux kernel the qemu backend boots');

  kernel
    .command('fetch')
    .description(`download Debian's current cloud kernel (apt-get download, no root needed) and keep its vmlinuz`)
    .option('--dest <dir>', `directory to keep it in (default ${defaultKernelDir()})`)
    .addOption(
      choiceOption(
        '--arch <arch>',
        `the machine it is for: ${ARCHES.join(' or ')} (Debian's arm64 packages need dpkg --add-architecture arm64)`,
        ARCHES,
        'amd64',
      ),
    )
    .action(async (flags: FetchFlags) => {
      const info = await obtainKernel(flags.dest ?? defaultKernelDir(), flags.arch);
      process.stdout.write(render(info, `pinned (${pinPath(info.path)}): checked before every boot`));
    });

  kernel
    .command('pin')
    .description(
      'trust the kernel as it is now: write its sha256 beside it, to be checked before every boot (after a deliberate change, or for a kernel kindling did not fetch)',
    )
    .option('--kernel <file>', 'a kernel file instead of $KINDLING_KERNEL or the fetched one')
    .addOption(choiceOption('--arch <arch>', `the machine it is for: ${ARCHES.join(' or ')}`, ARCHES, 'amd64'))
    .action(async (flags: ShowFlags) => {
      const arch = flags.arch;
      const info = await pinKernel(await locateKernel(flags.kernel === undefined ? { arch } : { explicit: flags.kernel, arch }));
      process.stdout.write(render(info, `pinned now (${pinPath(info.path)})`));
    });

  kernel
    .command('show')
    .description('show which kernel the qemu backend would boot, with its sha256 and origin')
    .option('--kernel <file>', 'a kernel file instead of $KINDLING_KERNEL or the fetched one')
    .addOption(choiceOption('--arch <arch>', `the machine it is for: ${ARCHES.join(' or ')}`, ARCHES, 'amd64'))
    .option('--json', 'print JSON')
    .action(async (flags: ShowFlags) => {
      const arch = flags.arch;
      const info = await describeKernel(await locateKernel(flags.kernel === undefined ? { arch } : { explicit: flags.kernel, arch }));
      const pin = await pinState(info.path);
      process.stdout.write(
        flags.json === true ? JSON.stringify({ ...info, pinned: pin.ok, pin: pin.text }, null, 2) + '\n' : render(info, pin.text),
      );
    });
}
