// `kindling kernel fetch` and `kindling kernel show`: the kernel the qemu backend boots, which is
// part of every VM result's trusted base.
import type { Command } from 'commander';
import { defaultKernelDir, describeKernel, KernelError, locateKernel, obtainKernel, type KernelInfo } from '../sandbox/kernel.js';
import { CliFailure } from './failure.js';

interface FetchFlags {
  readonly dest?: string;
}

interface ShowFlags {
  readonly kernel?: string;
  readonly json?: boolean;
}

function render(info: KernelInfo): string {
  return [
    `path     ${info.path}`,
    `sha256   ${info.sha256}`,
    `package  ${info.package === undefined ? 'unknown (not fetched by kindling, or changed since)' : `${info.package} ${info.version ?? ''}`.trim()}`,
  ].join('\n') + '\n';
}

async function asCliFailure<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof KernelError) throw new CliFailure(error.message);
    throw error;
  }
}

export function register(program: Command): void {
  const kernel = program.command('kernel').description('the Linux kernel the qemu backend boots');

  kernel
    .command('fetch')
    .description(`download Debian's current cloud kernel (apt-get download, no root needed) and keep its vmlinuz`)
    .option('--dest <dir>', `directory to keep it in (default ${defaultKernelDir()})`)
    .action(async (flags: FetchFlags) => {
      const info = await asCliFailure(() => obtainKernel(flags.dest ?? defaultKernelDir()));
      process.stdout.write(render(info));
    });

  kernel
    .command('show')
    .description('show which kernel the qemu backend would boot, with its sha256 and origin')
    .option('--kernel <file>', 'a kernel file instead of $KINDLING_KERNEL or the fetched one')
    .option('--json', 'print JSON')
    .action(async (flags: ShowFlags) => {
      const info = await asCliFailure(async () =>
        describeKernel(await locateKernel(flags.kernel === undefined ? {} : { explicit: flags.kernel })),
      );
      process.stdout.write(flags.json === true ? JSON.stringify(info, null, 2) + '\n' : render(info));
    });
}
