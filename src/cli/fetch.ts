// `kindling fetch`: make every upstream source a chain needs present in the store, from distfiles
// directories, mirrors or the manifests' URLs; optionally export them as a distfiles directory
// for a machine without network.
import type { Command } from 'commander';
import { describeUnavailable, fetchSources, type FetchSummary } from '../sources/ensure.js';
import { exportWanted, type ExportedFile } from '../sources/export.js';
import type { FetchReporter } from '../sources/obtain.js';
import { withListrProgress } from '../sources/progress/listr.js';
import { createPlainReporter } from '../sources/progress/plain.js';
import { summaryJson } from '../sources/progress/summary.js';
import { resolveSourceSettings } from '../sources/settings.js';
import { wantedSources } from '../sources/wanted.js';
import { Store } from '../store/store.js';
import { readEnvironment } from '../environment.js';
import { KindlingError } from '../errors.js';
import { withInterrupts } from '../run/interrupt.js';
import { loadChain } from '../manifest/chain.js';
import { seconds, wholeNumber } from './flag-values.js';
import { collectRepeated, defaultChainDir, defaultStoreDir } from './options.js';

interface FetchFlags {
  readonly chain?: string;
  readonly store?: string;
  readonly distfiles: string[];
  readonly mirror: string[];
  readonly export?: string;
  readonly json?: boolean;
  readonly retries: number;
  readonly stallTimeout: number;
  readonly connectTimeout: number;
}

export function register(program: Command): void {
  program
    .command('fetch')
    .description('fetch the upstream sources a chain needs into the store, checked by sha256')
    .option('--chain <dir>', 'chain directory (holding chain.yaml; default $KINDLING_CHAIN or stages/amd64)')
    .option('--store <dir>', 'store directory (default $KINDLING_STORE or .kindling/store)')
    .option(
      '--distfiles <dir>',
      'directory of source files to use before any download (repeatable; also KINDLING_DISTFILES)',
      collectRepeated,
      [],
    )
    .option(
      '--mirror <url>',
      'mirror base URL or template with {name}/{sha256}, tried before the manifest URLs (repeatable)',
      collectRepeated,
      [],
    )
    .option('--export <dir>', 'afterwards, write every source into this directory under its file name')
    .option('--json', 'print a machine-readable summary on stdout')
    .option('--retries <n>', 'retries per URL on network errors, stalls and 5xx', wholeNumber(0, 100), 3)
    .option('--stall-timeout <seconds>', 'give up on a request after this long without data', seconds(86_400), 30)
    .option('--connect-timeout <seconds>', 'give up connecting after this long', seconds(3_600), 15)
    .action(async (flags: FetchFlags) => {
      await fetchCommand(flags);
    });
}

async function fetchCommand(flags: FetchFlags): Promise<void> {
  const retries = flags.retries;
  const stallTimeoutMs = Math.round(flags.stallTimeout * 1000);
  const connectTimeoutMs = Math.round(flags.connectTimeout * 1000);
  const settings = await resolveSourceSettings({ distfiles: flags.distfiles, mirrors: flags.mirror }, readEnvironment());
  const chain = await loadChain(flags.chain ?? defaultChainDir());
  const store = await Store.open(flags.store ?? defaultStoreDir());
  const sources = wantedSources(chain);

  const summary = await withInterrupts(async (signal) => {
    const fetch = (reporter: FetchReporter): Promise<FetchSummary> =>
      fetchSources(sources, store, {
        distfiles: settings.distfiles,
        mirrors: settings.mirrors,
        proxy: settings.proxy,
        retries,
        stallTimeoutMs,
        connectTimeoutMs,
        reporter,
        signal,
      });
    if (flags.json) return fetch(createPlainReporter((line) => process.stderr.write(`${line}\n`)));
    if (process.stdout.isTTY && sources.length > 0) return withListrProgress(sources, fetch);
    return fetch(createPlainReporter((line) => process.stdout.write(`${line}\n`)));
  }, 'sources already checked are kept in the store');

  let exported: ExportedFile[] | undefined;
  if (flags.export !== undefined && summary.failed.length === 0) {
    exported = await exportWanted(sources, store, flags.export);
  }

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summaryJson(summary, store, exported), null, 2)}\n`);
    if (summary.failed.length > 0) throw new KindlingError('failed', `${summary.failed.length} source(s) could not be obtained`);
    return;
  }
  if (summary.failed.length > 0) throw new KindlingError('failed', describeUnavailable(summary));
  if (sources.length === 0) process.stdout.write(`chain ${chain.name} names no upstream sources\n`);
  else process.stdout.write(`${sources.length} source(s) in the store ${store.root}\n`);
  if (exported !== undefined) {
    const written = exported.filter((file) => file.written).length;
    process.stdout.write(`exported ${exported.length} file(s) to ${flags.export} (${written} written, the rest already there)\n`);
  }
}
