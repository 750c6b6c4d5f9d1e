// `kindling kernel fetch` and `kindling kernel show`: the kernel the qemu backend boots, which is
// part of every VM result's trusted base.
import type { Command } from 'commander';
import { ARCHES, type Arch } from '../arch.js';
import { defaultKernelDir, describeKernel, locateKernel, obtainKernel, type KernelInfo } from '../sandbox/kernel.js';
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

function render(info: KernelInfo): string {
  return [
    `path     ${info.path}`,
    `sha256   ${info.sha256}`,
    `package  ${info.package === undefined ? 'unknown (not fetched by kindling, or changed since)' : `${info.package} ${info.version ?? ''}`.trim()}`,
  ].join('\n') + '\n';
}

export function register(program: Command): void {
  const kernel = program.command('kernel').description('the Linux kernel the qemu backend boots');

  kernel
    .command('fetch')
    .description(`download Debian's current cloud kernel (apt-get download, no root needed) and keep its vmlinuz`)
    .option('--dest <dir>', `directory to keep it in (default ${defaultKernelDir()})`)
    .addOption(choiceOption('--arch <arch>', `the machine it is for: ${ARCHES.join(' or ')} (Debian's arm64 packages need dpkg --add-architecture arm64)`, ARCHES, 'amd64'))
    .action(async (flags: FetchFlags) => {
      const info = await obtainKernel(flags.dest ?? defaultKernelDir(), flags.arch);
      process.stdout.write(render(info));
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
      process.stdout.write(flags.json === true ? JSON.stringify(info, null, 2) + '\n' : render(info));
    });
}
