// Fetch every source a chain needs before it runs, or fail early naming every source that could
// not be had, each with the reason per URL, rather than stopping at the first one.
import type { Dispatcher } from 'undici';
import type { Chain } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import { DistfilesIndex } from './distfiles.js';
import { describeFailure, failurePlace } from './failures.js';
import { createHttpClient } from './http-client.js';
import { obtainSource, type FetchReporter, type SourceOutcome } from './obtain.js';
import type { ProxySettings } from './settings.js';
import { wantedSources, type WantedSource } from './wanted.js';
import { KindlingError } from '../errors.js';

export interface FetchOptions {
  /** Distfiles directories, searched in order before any download. */
  readonly distfiles?: readonly string[];
  /** Mirror base URLs or templates, tried in order before the manifest's own URLs. */
  readonly mirrors?: readonly string[];
  /** Retries per URL after the first attempt, on network errors, stalls and 5xx. Default 3. */
  readonly retries?: number;
  /** First back-off delay in ms, doubled on each retry. Default 1000. */
  readonly backoffMs?: number;
  /** Time without any byte arriving before a request is given up. Default 30 s. */
  readonly stallTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** The most bytes a source without a manifest `size` may have. Default DEFAULT_MAX_SOURCE_BYTES. */
  readonly maxBytes?: number;
  /** Time allowed for the download from one URL, retries included. Default 30 minutes. */
  readonly deadlineMs?: number;
  readonly maxRedirects?: number;
  /** Sources fetched at the same time. Default 3. */
  readonly concurrency?: number;
  /** Default: no proxy. resolveSourceSettings reads the proxy variables. */
  readonly proxy?: ProxySettings;
  readonly reporter?: FetchReporter;
  readonly signal?: AbortSignal;
  /** An HTTP client to use instead of a new one (which is closed at the end). */
  readonly dispatcher?: Dispatcher;
}

export interface FetchSummary {
  readonly outcomes: readonly SourceOutcome[];
  readonly failed: readonly WantedSource[];
}

/** Larger than any source a chain needs today by two orders of magnitude, far smaller than a disk. */
export const DEFAULT_MAX_SOURCE_BYTES = 1024 * 1024 * 1024;

const NO_PROXY: ProxySettings = { httpProxy: '', httpsProxy: '', noProxy: '' };

export async function fetchSources(sources: readonly WantedSource[], store: Store, options: FetchOptions = {}): Promise<FetchSummary> {
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const dispatcher =
    options.dispatcher ??
    createHttpClient({
      connectTimeoutMs: options.connectTimeoutMs ?? 15_000,
      stallTimeoutMs,
      proxy: options.proxy ?? NO_PROXY,
    });
  const reporter = options.reporter ?? {};
  const context = {
    store,
    distfiles: new DistfilesIndex(options.distfiles ?? []),
    mirrors: options.mirrors ?? [],
    dispatcher,
    retries: options.retries ?? 3,
    backoffMs: options.backoffMs ?? 1000,
    maxRedirects: options.maxRedirects ?? 10,
    stallTimeoutMs,
    defaultMaxBytes: options.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES,
    deadlineMs: options.deadlineMs ?? 30 * 60_000,
    reporter,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  reporter.plan?.(sources);
  const outcomes: SourceOutcome[] = new Array<SourceOutcome>(sources.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < sources.length) {
      const index = next++;
      outcomes[index] = await obtainSource(sources[index]!, context);
    }
  };
  try {
    const workers = Math.max(1, Math.min(options.concurrency ?? 3, sources.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    if (options.dispatcher === undefined) await dispatcher.close();
  }
  return { outcomes, failed: outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.source) };
}

export class SourcesUnavailableError extends KindlingError {
  readonly outcomes: readonly SourceOutcome[];

  constructor(summary: FetchSummary) {
    super('failed', describeUnavailable(summary));
    this.name = 'SourcesUnavailableError';
    this.outcomes = summary.outcomes;
  }
}

/** Every missing source, where the chain needs it, and what each place said. */
export function describeUnavailable(summary: FetchSummary): string {
  const failed = summary.outcomes.filter((outcome) => !outcome.ok);
  const lines = [`${failed.length} of ${summary.outcomes.length} sources could not be obtained:`];
  for (const outcome of failed) {
    const { source } = outcome;
    lines.push(`  ${source.fileName} (sha256 ${source.sha256}; ${source.neededBy.join(', ') || 'requested'})`);
    if (outcome.failures.length === 0) lines.push('    no distfiles directory holds it and no URL is known');
    for (const failure of outcome.failures) lines.push(`    ${failurePlace(failure)}: ${describeFailure(failure)}`);
  }
  return lines.join('\n');
}

/**
 * Called before a chain runs: make every `url:` input present in the store. Throws
 * SourcesUnavailableError, naming all the sources that could not be had, if any is missing.
 */
export async function ensureSources(chain: Chain, store: Store, options: FetchOptions = {}): Promise<FetchSummary> {
  const summary = await fetchSources(wantedSources(chain), store, options);
  if (summary.failed.length > 0) throw new SourcesUnavailableError(summary);
  return summary;
}
