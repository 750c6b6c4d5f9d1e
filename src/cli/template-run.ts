// `kindling template run NAME [--backend qemu|bwrap] [--work DIR] -- COMMAND...`: a command inside a
// built template (src/template/run.ts); kindling's exit status is the command's.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadChain } from '../manifest/chain.js';
import type { AccelChoice } from '../sandbox/accel.js';
import { SANDBOX_NAMES } from '../sandbox/select.js';
import { loadTemplate } from '../template/declaration.js';
import { runInTemplate } from '../template/run.js';
import { withInterrupts } from '../run/interrupt.js';
import { setCommandStatus } from './command-status.js';
import { choiceOption, seconds, sha256Value } from './flag-values.js';
import { accelOption, defaultChainDir, defaultSandbox, type SandboxName } from './options.js';
import { sandboxFromFlags } from './sandbox-choice.js';

interface RunFlags {
  chain: string;
  templates: string;
  backend: SandboxName;
  work?: string;
  timeout: number;
  kernel?: string;
  kernelSha256?: string;
  accel?: AccelChoice;
}

export const DEFAULT_RUN_TIMEOUT_SECONDS = 600;

export function registerRun(template: Command, defaultTemplatesDir: () => string): void {
  template
    .command('run <name> <command...>')
    .usage('<name> [options] -- <command...>')
    .description(
      "run a command inside a built template: in a VM booted on it (qemu) or with it as / (bwrap); exits with the command's status",
    )
    .option('--chain <dir>', 'chain directory (holds chain.yaml and templates/)', defaultChainDir())
    .option('--templates <dir>', 'directory the template was built into (NAME.tar, NAME.manifest.json)', defaultTemplatesDir())
    .addOption(
      choiceOption(
        '--backend <name>',
        'qemu (a VM booted on the template) or bwrap (faster, shares the host kernel)',
        SANDBOX_NAMES,
        defaultSandbox(),
      ),
    )
    .option('--work <dir>', 'directory copied to / before the command, and given what / holds beyond the image after it')
    .option('--timeout <seconds>', 'stop the command after this long', seconds(86_400), DEFAULT_RUN_TIMEOUT_SECONDS)
    .option('--kernel <file>', 'guest kernel for the qemu backend')
    .option('--kernel-sha256 <sha256>', 'the sha256 the guest kernel must have (else $KINDLING_KERNEL_SHA256, else its pin)', sha256Value)
    .addOption(accelOption())
    .action(async (name: string, command: string[], flags: RunFlags) => {
      const chain = await loadChain(flags.chain);
      // An undeclared name is told apart from a declared one not yet built.
      await loadTemplate(chain, name);
      const sandbox = await sandboxFromFlags({ ...flags, sandbox: flags.backend }, chain.arch);
      const result = await withInterrupts((signal) =>
        runInTemplate({
          templatesDir: resolve(flags.templates),
          name,
          sandbox,
          command,
          ...(flags.work === undefined ? {} : { workDir: resolve(flags.work) }),
          timeoutMs: Math.round(flags.timeout * 1000),
          signal,
        }),
      );
      process.stdout.write(result.output);
      setCommandStatus(result.exitCode);
    });
}
