// `kindling fetch`: make every upstream source a chain needs present in the store, from distfiles
// directories, mirrors or the manifests' URLs; optionally export them as a distfiles directory
// for a machine without network.
import type { Command } from 'commander';
import { describeUnavailable, fetchSources, type FetchSummary } from '../sources/ensure.js';
import { ExportError, exportWanted, type ExportedFile } from '../sources/export.js';
import type { FetchReporter } from '../sources/obtain.js';
import { withListrProgress } from '../sources/progress/listr.js';
import { createPlainReporter } from '../sources/progress/plain.js';
import { summaryJson } from '../sources/progress/summary.js';
import { resolveSourceSettings, SettingsError } from '../sources/settings.js';
import { wantedSources } from '../sources/wanted.js';
import { Store } from '../store/store.js';
import { loadChainForCli } from './chain-loading.js';
import { CliFailure } from './failure.js';
import { collectRepeated, defaultChainDir, defaultStoreDir } from './options.js';

interface FetchFlags {
  readonly chain?: string;
  readonly store?: string;
  readonly distfiles: string[];
  readonly mirror: string[];
  readonly export?: string;
  readonly json?: boolean;
  readonly retries: string;
  readonly stallTimeout: string;
  readonly connectTimeout: string;
}


export function register(program: Command): void {
  program
    .command('fetch')
    .description('fetch the upstream sources a chain needs into the store, checked by sha256')
    .option('--chain <dir>', 'chain directory (holding chain.yaml; default $KINDLING_CHAIN or stages/amd64)')
    .option('--store <dir>', 'store directory (default $KINDLING_STORE or .kindling/store)')
    .option('--distfiles <dir>', 'directory of source files to use before any download (repeatable; also KINDLING_DISTFILES)', collectRepeated, [])
    .option('--mirror <url>', 'mirror base URL or template with {name}/{sha256}, tried before the manifest URLs (repeatable)', collectRepeated, [])
    .option('--export <dir>', 'afterwards, write every source into this directory under its file name')
    .option('--json', 'print a machine-readable summary on stdout')
    .option('--retries <n>', 'retries per URL on network errors, stalls and 5xx', '3')
    .option('--stall-timeout <seconds>', 'give up on a request after this long without data', '30')
    .option('--connect-timeout <seconds>', 'give up connecting after this long', '15')
    .action(async (flags: FetchFlags) => {
      await fetchCommand(flags);
    });
}

function positiveNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new CliFailure(`${flag}: not a non-negative number: ${value}`, 2);
  return number;
}

async function fetchCommand(flags: FetchFlags): Promise<void> {
  const retries = Math.floor(positiveNumber('--retries', flags.retries));
  const stallTimeoutMs = Math.round(positiveNumber('--stall-timeout', flags.stallTimeout) * 1000);
  const connectTimeoutMs = Math.round(positiveNumber('--connect-timeout', flags.connectTimeout) * 1000);
  let settings;
  try {
    settings = await resolveSourceSettings({ distfiles: flags.distfiles, mirrors: flags.mirror }, process.env);
  } catch (error) {
    if (error instanceof SettingsError) throw new CliFailure(error.message, 2);
    throw error;
  }
  const chain = await loadChainForCli(flags.chain ?? defaultChainDir());
  const store = await Store.open(flags.store ?? defaultStoreDir());
  const sources = wantedSources(chain);

  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  let summary: FetchSummary;
  try {
    const fetch = (reporter: FetchReporter): Promise<FetchSummary> =>
      fetchSources(sources, store, {
        distfiles: settings.distfiles,
        mirrors: settings.mirrors,
        proxy: settings.proxy,
        retries,
        stallTimeoutMs,
        connectTimeoutMs,
        reporter,
        signal: abort.signal,
      });
    if (flags.json) {
      summary = await fetch(createPlainReporter((line) => process.stderr.write(`${line}\n`)));
    } else if (process.stdout.isTTY && sources.length > 0) {
      summary = await withListrProgress(sources, fetch);
    } else {
      summary = await fetch(createPlainReporter((line) => process.stdout.write(`${line}\n`)));
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
  if (abort.signal.aborted) throw new CliFailure('interrupted', 130);

  let exported: ExportedFile[] | undefined;
  if (flags.export !== undefined && summary.failed.length === 0) {
    try {
      exported = await exportWanted(sources, store, flags.export);
    } catch (error) {
      if (error instanceof ExportError) throw new CliFailure(error.message);
      throw error;
    }
  }

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summaryJson(summary, store, exported), null, 2)}\n`);
    if (summary.failed.length > 0) throw new CliFailure(`${summary.failed.length} source(s) could not be obtained`);
    return;
  }
  if (summary.failed.length > 0) throw new CliFailure(describeUnavailable(summary));
  if (sources.length === 0) process.stdout.write(`chain ${chain.name} names no upstream sources\n`);
  else process.stdout.write(`${sources.length} source(s) in the store ${store.root}\n`);
  if (exported !== undefined) {
    const written = exported.filter((file) => file.written).length;
    process.stdout.write(`exported ${exported.length} file(s) to ${flags.export} (${written} written, the rest already there)\n`);
  }
}
