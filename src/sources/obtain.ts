// Make one source present in the store: already there, else from a distfiles directory, else
// downloaded from each candidate URL in turn until one serves the right bytes. The whole of it
// runs under a store lock named after the sha256, so two processes fetching the same file take
// turns: the second finds the object the first stored. The partial file of an interrupted
// download is `tmp/partial-<sha256>`: its name says it is incomplete, and its bytes are hashed
// with the rest before anything is adopted.
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import type { Sha256 } from '../digest.js';
import type { Store } from '../store/store.js';
import type { DistfilesIndex } from './distfiles.js';
import { downloadToFile, type DownloadResult } from './download.js';
import type { SourceFailure } from './failures.js';
import { candidateUrls } from './mirrors.js';
import type { WantedSource } from './wanted.js';

export type SourceOutcome =
  | {
      readonly ok: true;
      readonly source: WantedSource;
      readonly via: 'store' | 'distfiles' | 'download';
      /** The distfiles path or the URL (after redirects) the bytes came from; absent for the store. */
      readonly from?: string;
      /** Places tried before the one that worked, and why each did not. */
      readonly failures: readonly SourceFailure[];
    }
  | { readonly ok: false; readonly source: WantedSource; readonly failures: readonly SourceFailure[] };

/** Events for progress displays. Every callback is optional. */
export interface FetchReporter {
  plan?(sources: readonly WantedSource[]): void;
  start?(source: WantedSource): void;
  download?(source: WantedSource, url: string): void;
  progress?(source: WantedSource, received: number, total: number | undefined): void;
  retry?(source: WantedSource, failure: SourceFailure, delayMs: number): void;
  failure?(source: WantedSource, failure: SourceFailure): void;
  done?(outcome: SourceOutcome): void;
}

export interface ObtainContext {
  readonly store: Store;
  readonly distfiles: DistfilesIndex;
  readonly mirrors: readonly string[];
  readonly dispatcher: Dispatcher;
  readonly retries: number;
  readonly backoffMs: number;
  readonly maxRedirects: number;
  readonly stallTimeoutMs: number;
  /** The byte limit of a source whose manifest gives no size. */
  readonly defaultMaxBytes: number;
  readonly deadlineMs: number;
  readonly reporter: FetchReporter;
  readonly signal?: AbortSignal;
}

export function partialPath(store: Store, source: WantedSource): string {
  return join(store.root, 'tmp', `partial-${source.sha256}`);
}

export async function obtainSource(source: WantedSource, context: ObtainContext): Promise<SourceOutcome> {
  const { store, reporter } = context;
  reporter.start?.(source);
  const outcome = await store.withLock(`source-${source.sha256}`, () => obtainLocked(source, context));
  reporter.done?.(outcome);
  return outcome;
}

async function obtainLocked(source: WantedSource, context: ObtainContext): Promise<SourceOutcome> {
  const { store, reporter } = context;
  const failures: SourceFailure[] = [];
  const note = (failure: SourceFailure): void => {
    failures.push(failure);
    reporter.failure?.(source, failure);
  };
  // The stored copy is re-hashed, not believed: a flipped byte or a file truncated by a power cut
  // is moved aside and the source fetched again, and the failure names the store, not the URL.
  const stored = await store.checkObject(source.sha256);
  if (stored.state === 'ok') return { ok: true, source, via: 'store', failures: [] };
  if (stored.state !== 'missing') {
    const path = store.objectPath(source.sha256);
    const movedTo = await store.setAside(path);
    note({
      reason: 'stored-corrupt',
      path,
      expected: source.sha256,
      actual: stored.state === 'corrupt' ? stored.actual : 'not a regular file',
      movedTo,
    });
  }

  const local = await context.distfiles.find(source);
  local.notes.forEach(note);
  if (local.found) {
    const imported = await store.importFile(local.path, source.sha256);
    if (imported.ok) return { ok: true, source, via: 'distfiles', from: local.path, failures };
    // The file changed between hashing and copying; fall through to the network.
    note({ reason: 'distfile-mismatch', path: local.path, expected: imported.expected, actual: imported.actual });
  }

  const partial = partialPath(store, source);
  for (const url of candidateUrls(source, context.mirrors)) {
    if (context.signal?.aborted) break;
    let result = await download(source, url, partial, context);
    let adopted = result.ok ? await adoptPartial(store, source, partial) : undefined;
    if (result.ok && adopted?.ok === false && result.resumed) {
      // Bytes kept from an earlier attempt may be what was wrong: try this URL once from byte 0.
      result = await download(source, url, partial, context);
      adopted = result.ok ? await adoptPartial(store, source, partial) : undefined;
    }
    if (!result.ok) {
      note(result.failure);
      continue;
    }
    if (adopted?.ok) return { ok: true, source, via: 'download', from: result.servedBy, failures };
    if (adopted !== undefined && !adopted.ok) {
      note({
        reason: 'hash-mismatch',
        url,
        servedBy: result.servedBy,
        expected: source.sha256,
        actual: adopted.actual,
        bytes: adopted.bytes,
      });
    }
  }
  return { ok: false, source, failures };
}

function download(source: WantedSource, url: string, partial: string, context: ObtainContext): Promise<DownloadResult> {
  context.reporter.download?.(source, url);
  return downloadToFile(url, partial, {
    dispatcher: context.dispatcher,
    retries: context.retries,
    backoffMs: context.backoffMs,
    maxRedirects: context.maxRedirects,
    stallTimeoutMs: context.stallTimeoutMs,
    maxBytes: source.size ?? context.defaultMaxBytes,
    maxBytesFrom: source.size === undefined ? 'default' : 'manifest',
    deadlineMs: context.deadlineMs,
    ...(context.signal === undefined ? {} : { signal: context.signal }),
    onProgress: (received, total) => context.reporter.progress?.(source, received, total),
    onRetry: (failure, delayMs) => context.reporter.retry?.(source, failure, delayMs),
  });
}

/**
 * Move the finished partial file to a fresh temporary name and let the store hash it: a match
 * becomes the object, a mismatch is deleted (so it is never stored and never resumed from).
 */
async function adoptPartial(
  store: Store,
  source: WantedSource,
  partial: string,
): Promise<{ ok: true } | { ok: false; actual: Sha256; bytes: number }> {
  const temp = store.tempPath(`download-${source.sha256}`);
  await rename(partial, temp);
  const bytes = (await stat(temp)).size;
  const adopted = await store.adoptTemp(temp, source.sha256);
  if (adopted.ok) return { ok: true };
  await rm(temp, { force: true });
  return { ok: false, actual: adopted.actual, bytes };
}
