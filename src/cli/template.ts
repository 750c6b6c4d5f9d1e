// `kindling template build|reproduce|list`: templates — images made only from what the chain built.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { sha256Value } from './flag-values.js';
import { ManifestError } from '../manifest/errors.js';
import type { Chain } from '../manifest/types.js';
import { describeFailure } from '../run/failure.js';
import type { TrustedComponent } from '../sandbox/sandbox.js';
import { Store } from '../store/store.js';
import { buildTemplate, outputFiles, type BuildTemplateResult } from '../template/build.js';
import type { TemplateComparison } from '../template/compare.js';
import { listTemplates, loadTemplate } from '../template/declaration.js';
import type { TemplateManifest } from '../template/manifest.js';
import { reproduceTemplate } from '../template/reproduce.js';
import { KindlingError } from '../errors.js';
import { withInterrupts } from '../run/interrupt.js';
import { loadChain } from '../manifest/chain.js';
import type { AccelChoice } from '../sandbox/accel.js';
import { accelOption, defaultChainDir, defaultStoreDir, jobsOption, sandboxOption, type SandboxName } from './options.js';
import { sandboxFromFlags } from './sandbox-choice.js';
import { plainRenderer } from './render/plain.js';
import { registerRun } from './template-run.js';

interface CommonFlags {
  chain: string;
  store: string;
  sandbox: SandboxName;
  jobs: number;
  kernel?: string;
  kernelSha256?: string;
  accel?: AccelChoice;
  json?: boolean;
}

function defaultTemplatesDir(): string {
  return resolve('.kindling/templates');
}

export function register(program: Command): void {
  const template = program.command('template').description('build and reproduce templates: images made only from what the chain built');

  const common = (command: Command): Command =>
    command
      .option('--chain <dir>', 'chain directory (holds chain.yaml and templates/)', defaultChainDir())
      .addOption(sandboxOption())
      .addOption(jobsOption())
      .option('--kernel <file>', 'guest kernel for the qemu backend')
      .option('--kernel-sha256 <sha256>', 'the sha256 the guest kernel must have (else $KINDLING_KERNEL_SHA256, else its pin)', sha256Value)
      .addOption(accelOption())
      .option('--json', 'print JSON');

  common(
    template
      .command('build <name>')
      .description('run the stages a template needs (reusing verified results) and write its archive, image and manifest'),
  )
    .option('--store <dir>', 'content-addressed store for verified results', defaultStoreDir())
    .option('--out <dir>', 'directory for NAME.tar, NAME.ext2 and NAME.manifest.json', defaultTemplatesDir())
    .action(async (name: string, flags: CommonFlags & { out: string }) => {
      const chain = await loadChain(flags.chain);
      const declaration = await loadTemplate(chain, name);
      const store = await Store.open(flags.store);
      const sandbox = await sandboxFromFlags(flags, chain.arch);
      const write = (text: string): void => void process.stdout.write(text);
      const renderer = plainRenderer(write);
      const result = await withInterrupts((signal) =>
        buildTemplate({
          chain,
          template: declaration,
          store,
          sandbox,
          outDir: resolve(flags.out),
          jobs: flags.jobs,
          signal,
          ...(flags.json ? {} : { onEvent: (event) => renderer.event(event) }),
        }),
      );
      if (!result.ok) throw buildFailure(result, chain);
      if (flags.json) {
        write(JSON.stringify({ type: 'template-built', files: result.files, manifest: result.manifest }, null, 2) + '\n');
        return;
      }
      write(describeManifest(result.manifest));
      write(`archive   ${result.files.archive}\nimage     ${result.files.image}\nmanifest  ${result.files.manifest}\n`);
    });

  common(
    template
      .command('reproduce <name>')
      .description('rebuild a template from the seeds and sources alone, in an empty store, and compare it with an earlier build'),
  )
    .option('--against <dir>', 'directory holding the earlier build', defaultTemplatesDir())
    .option('--store <dir>', 'store to take upstream sources from (never stage outputs)', defaultStoreDir())
    .action(async (name: string, flags: CommonFlags & { against: string }) => {
      const chain = await loadChain(flags.chain);
      const declaration = await loadTemplate(chain, name);
      const earlier = outputFiles(resolve(flags.against), name);
      if (!existsSync(earlier.manifest) && !existsSync(earlier.archive)) {
        // Nothing to compare with: say so now rather than after a whole rebuild.
        throw new KindlingError(
          'usage',
          `no earlier build of '${name}' in ${resolve(flags.against)}: run kindling template build ${name} first, or give --against`,
        );
      }
      const sandbox = await sandboxFromFlags(flags, chain.arch);
      const sourcesFrom = await existingStore(resolve(flags.store));
      const write = (text: string): void => void process.stdout.write(text);
      const renderer = plainRenderer(write);
      const result = await withInterrupts((signal) =>
        reproduceTemplate({
          chain,
          template: declaration,
          sandbox,
          against: resolve(flags.against),
          ...(sourcesFrom === undefined ? {} : { sourcesFrom }),
          jobs: flags.jobs,
          signal,
          ...(flags.json ? {} : { onEvent: (event) => renderer.event(event) }),
        }),
      );
      if (!result.ok) {
        const failure = buildFailure(result.build, chain);
        throw new KindlingError(failure.kind, `${failure.message}; the rebuild is kept in ${result.workDir}`);
      }
      if (flags.json) {
        write(
          JSON.stringify(
            {
              type: 'template-reproduced',
              template: name,
              backend: sandbox.name,
              against: resolve(flags.against),
              ...result.comparison,
              ...(result.outDir === undefined ? {} : { kept: result.outDir }),
              manifest: result.build.manifest,
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        write(describeComparison(name, sandbox.name, result.comparison, result.build.manifest, resolve(flags.against)));
        if (result.outDir !== undefined) write(`the rebuild is kept in ${result.outDir}\n`);
      }
      if (!result.comparison.identical) throw new KindlingError('differs', `template '${name}' did not reproduce`);
    });

  registerRun(template, defaultTemplatesDir);

  template
    .command('list')
    .description('list the templates declared beside the chain')
    .option('--chain <dir>', 'chain directory', defaultChainDir())
    .action(async (flags: { chain: string }) => {
      const chain = await loadChain(flags.chain);
      for (const name of await listTemplates(chain)) {
        try {
          const declaration = await loadTemplate(chain, name);
          process.stdout.write(`${name}  ${declaration.entries.length} files  ${declaration.description}\n`);
        } catch (error) {
          // One broken declaration must not hide the others.
          if (!(error instanceof ManifestError)) throw error;
          process.stdout.write(`${name}  invalid: ${error.message}\n`);
        }
      }
    });
}

/** The store to take sources from, when there is one: reproduce must not create a store where none was. */
async function existingStore(dir: string): Promise<Store | undefined> {
  try {
    if (!(await stat(dir)).isDirectory()) return undefined;
  } catch {
    return undefined;
  }
  return Store.open(dir);
}

function buildFailure(result: Extract<BuildTemplateResult, { ok: false }>, chain: Chain): KindlingError {
  if (result.reason === 'store-object-changed') {
    return new KindlingError(
      'failed',
      `the store object for ${result.path} has sha256 ${result.actual}, expected ${result.expected}: the store was changed`,
    );
  }
  const lines = [...result.stages.outcomes.values()].flatMap((o) =>
    o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
  );
  return new KindlingError('failed', `chain '${chain.name}' stopped before the template was complete:\n  ${lines.join('\n  ')}`);
}

function describeManifest(manifest: TemplateManifest): string {
  const files = manifest.files.filter((f) => f.type === 'file');
  const lines = [
    `template '${manifest.template}' (chain ${manifest.chain}, ${manifest.arch}): ${files.length} files from ${manifest.provenance.stages.length} stages`,
  ];
  const width = Math.max(...files.map((f) => f.path.length));
  for (const file of files)
    lines.push(
      `  ${file.mode}  ${file.path.padEnd(width)}  ${file.sha256}  built by ${file.stage} (stage key ${file.stageKey?.slice(0, 12)})`,
    );
  lines.push(`archive sha256 ${manifest.archive.sha256} (${manifest.archive.size} bytes)`);
  lines.push(`image   sha256 ${manifest.image.sha256} (${manifest.image.size} bytes, ${manifest.image.filesystem})`);
  const seeds = manifest.provenance.seeds.map((s) => s.name).join(', ') || 'none';
  lines.push(
    manifest.provenance.builtFromSeeds
      ? `provenance: every binary was built by the chain from its seeds (${seeds})`
      : `provenance: seeds ${seeds}, and binaries the chain did not build: ${manifest.provenance.unbuiltExecutables.map((u) => `${u.path} in ${u.stage}`).join(', ')}`,
  );
  lines.push('trusted base:');
  for (const base of manifest.trustedBase.stages) {
    lines.push(`  ${base.backend} (stages ${base.stages.join(', ')}): ${base.components.map(describeComponent).join('; ')}`);
  }
  lines.push(`  image: ${manifest.trustedBase.imageTool.version ?? manifest.trustedBase.imageTool.name}`);
  return lines.join('\n') + '\n';
}

/** "bubblewrap 0.8.0", not "bubblewrap bubblewrap 0.8.0": many tools name themselves in their version line. */
function describeComponent(component: TrustedComponent): string {
  const version = component.version ?? '';
  return version.toLowerCase().startsWith(component.name.toLowerCase()) ? version : [component.name, version].filter(Boolean).join(' ');
}

function describeComparison(
  name: string,
  backend: string,
  comparison: TemplateComparison,
  manifest: TemplateManifest,
  against: string,
): string {
  if (comparison.identical) {
    return `template '${name}' reproduced under ${backend} from an empty store: identical to ${against}\n  archive sha256 ${manifest.archive.sha256}\n  image   sha256 ${manifest.image.sha256}\n`;
  }
  const lines = [`template '${name}' rebuilt under ${backend} from an empty store DIFFERS from ${against}:`];
  for (const difference of comparison.differences) lines.push(`  ${difference.artifact}: ${difference.detail}`);
  return lines.join('\n') + '\n';
}
