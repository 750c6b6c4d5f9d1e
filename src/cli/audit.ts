// `kindling audit`: prove a chain without running it; optionally check a run's records and rebuild
// the chain from nothing. The checks live in src/audit/; this module reads flags and renders.
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { sha256Value } from './flag-values.js';
import type { FetchOptions } from '../sources/ensure.js';
import { resolveSourceSettings } from '../sources/settings.js';
import { audit } from '../audit/audit.js';
import { diverseDoubleCompile, type DdcResult } from '../audit/ddc.js';
import { countChainHandwritten, countHandwritten } from '../audit/handwritten.js';
import { renderHtml } from '../audit/render-html.js';
import { handwrittenLines, renderText, verdictLine } from '../audit/render-text.js';
import { loadChain } from '../manifest/chain.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import { listEvidence, type EvidenceReport } from '../remote/kept-evidence.js';
import { withInterrupts } from '../run/interrupt.js';
import { Store } from '../store/store.js';
import { collectRepeated, defaultChainDir, defaultStoreDir, sandboxOption, type SandboxName } from './options.js';
import { sandboxFromFlags } from './sandbox-choice.js';

interface AuditFlags {
  chain: string;
  records?: string;
  sameAsRecords: string[];
  store?: string;
  rebuild?: boolean;
  sandbox: SandboxName;
  kernel?: string;
  kernelSha256?: string;
  json?: boolean;
  html?: string;
  handwritten?: boolean;
  ddc?: boolean;
  ddcCompiler: string;
  distfiles: string[];
}

export function register(program: Command): void {
  program
    .command('audit')
    .description('prove a chain without running it: every input traced to its origin, every program to a seed or an earlier stage')
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--records <dir>', "check a run's provenance records (a store, or its stages/ directory)")
    .option(
      '--same-as-records <dir>',
      "another chain's records (a store, or its stages/ directory), for outputs declared same-as that chain's (repeatable; --records is looked in too)",
      collectRepeated,
      [],
    )
    .option('--store <dir>', 'a store whose objects give output sizes and expected bytes')
    .option('--rebuild', 'rebuild the chain from an empty temporary store and compare every output')
    .addOption(sandboxOption('backend for --rebuild: qemu or bwrap'))
    .option('--kernel <file>', 'guest kernel for --rebuild with qemu')
    .option('--kernel-sha256 <sha256>', 'the sha256 the guest kernel must have (else $KINDLING_KERNEL_SHA256, else its pin)', sha256Value)
    .option(
      '--ddc',
      "diverse double-compiling: build TinyCC from the chain's pinned sources with another compiler and compare with the store's tcc",
    )
    .option('--ddc-compiler <cc>', 'for --ddc: the independent C compiler (gcc command line)', 'gcc')
    .option(
      '--distfiles <dir>',
      'for --rebuild and --ddc: directory of upstream sources to use before any download (repeatable)',
      collectRepeated,
      [],
    )
    .option('--json', 'print the report as JSON')
    .option('--html <file>', 'write the report as one self-contained HTML page')
    .option('--handwritten', 'only count the hand-written hex and assembly, against stage0-posix')
    .action(async (flags: AuditFlags) => {
      if (flags.json === true && flags.html !== undefined) throw new KindlingError('usage', 'give --json or --html, not both');
      if (flags.handwritten === true) {
        await printHandwritten(flags);
        return;
      }
      const sandbox = flags.rebuild === true ? await sandboxFromFlags(flags, (await loadChain(flags.chain)).arch) : undefined;
      const sources = sandbox === undefined ? undefined : await sourceOptions(flags);
      // A rebuild runs stages: Ctrl-C stops them, as in bootstrap. The temporary store is kept.
      let report = await withInterrupts(
        (signal) =>
          audit({
            chainDir: flags.chain,
            ...(flags.records === undefined ? {} : { records: resolve(flags.records) }),
            sameAsRecords: flags.sameAsRecords.map((dir) => resolve(dir)),
            ...(flags.store === undefined ? {} : { store: resolve(flags.store) }),
            ...(sandbox === undefined
              ? {}
              : {
                  rebuild: {
                    sandbox,
                    ...(sources === undefined ? {} : { sources }),
                    signal,
                    onEvent: (event) => {
                      if (event.type === 'stage-started' && flags.json !== true) process.stderr.write(`rebuilding ${event.stage}\n`);
                    },
                  },
                }),
          }),
        'the rebuild was stopped; its temporary store is kept',
      );
      const ddc = flags.ddc === true ? await runDdc(flags) : undefined;
      if (ddc !== undefined) report = { ...report, ddc };
      // Results that disagreed, kept by `pull` under the store's evidence/ directory.
      const evidence = flags.store === undefined ? [] : await listEvidence(resolve(flags.store));
      if (flags.json === true) {
        process.stdout.write(JSON.stringify(evidence.length === 0 ? report : { ...report, evidence }, null, 2) + '\n');
      } else if (flags.html !== undefined) {
        await writeFile(flags.html, renderHtml(report));
        process.stdout.write(`${verdictLine(report)}; report written to ${flags.html}\n`);
      } else {
        process.stdout.write(renderText(report));
      }
      if (flags.json !== true) process.stdout.write(evidenceLines(resolve(flags.store ?? '.'), evidence));
      if (ddc?.ok === false)
        throw new KindlingError(
          'differs',
          `diverse double-compiling: the independent build of ${ddc.stage} differs from the chain's; both kept in ${ddc.kept ?? '(not kept)'}`,
        );
      if (!report.ok)
        throw new KindlingError('failed', `audit found ${report.counts.errors} error${report.counts.errors === 1 ? '' : 's'}`);
    });
}

function evidenceLines(storeRoot: string, kept: readonly { file: string; report: EvidenceReport }[]): string {
  const lines: string[] = [];
  for (const { file, report } of kept) {
    for (const difference of report.differences) {
      lines.push(
        `evidence: ${report.stage} ${difference.path}: manifest ${difference.expected}, ${difference.signers.join(', ')} ${difference.claimed ?? '(missing)'}` +
          `\n  kept: ${difference.kept === null ? 'not available' : join(storeRoot, difference.kept)}; on the remote: ${difference.remoteUrl ?? 'none'}; report: ${file}`,
      );
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** --ddc: the chain's tcc (from --store, else the default store) against an independent build. */
async function runDdc(flags: AuditFlags): Promise<DdcResult> {
  const store = await Store.open(resolve(flags.store ?? defaultStoreDir()));
  if (flags.json !== true) process.stderr.write(`diverse double-compiling: building TinyCC with ${flags.ddcCompiler}\n`);
  return diverseDoubleCompile({
    chain: await loadChain(flags.chain),
    store,
    compiler: flags.ddcCompiler,
    sources: await sourceOptions(flags),
  });
}

async function printHandwritten(flags: AuditFlags): Promise<void> {
  const chainDir = resolve(flags.chain);
  // A chain that does not load still has files to count: those under its directory.
  const chain = await loadChain(chainDir).catch(() => undefined);
  const seed = chain === undefined ? undefined : [...chain.seeds.values()][0];
  const count =
    chain === undefined
      ? await countHandwritten([chainDir], chainDir, 'amd64')
      : await countChainHandwritten(chain, seed === undefined ? undefined : dirname(seed.path));
  if (flags.json === true) process.stdout.write(JSON.stringify(count, null, 2) + '\n');
  else process.stdout.write(handwrittenLines(count).join('\n') + '\n');
}

/** Upstream sources for a rebuild come from where a bootstrap would take them. */
async function sourceOptions(flags: AuditFlags): Promise<FetchOptions> {
  const settings = await resolveSourceSettings({ distfiles: flags.distfiles }, readEnvironment());
  return { distfiles: settings.distfiles, mirrors: settings.mirrors, proxy: settings.proxy };
}
