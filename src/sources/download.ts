// Download one URL into a partial file, with bounded redirects, retries with exponential back-off
// on network errors, stalls and 5xx, and resumption by Range request when the partial file already
// holds bytes. This module only moves bytes: whether they are the right ones is decided by the
// caller, which hashes the whole file before anything is stored. Two bounds keep a hostile or
// broken server from holding a run forever or filling the disk: a byte limit per source and a
// deadline per URL (retries included), besides the stall timeout.
import { rm, stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import { BodyTooLargeError, writeBodyToFile } from './body-to-file.js';
import type { SourceFailure } from './failures.js';

export interface DownloadOptions {
  readonly dispatcher: Dispatcher;
  /** Retries after the first attempt, for transient failures only. */
  readonly retries: number;
  /** The first back-off delay; each later one doubles (capped at 30 s). */
  readonly backoffMs: number;
  readonly maxRedirects: number;
  /** Only for messages: the dispatcher enforces it. */
  readonly stallTimeoutMs: number;
  /** The most bytes the file may have; a server sending more is cut off. */
  readonly maxBytes: number;
  /** Where maxBytes comes from, for the message: the manifest's `size`, or the default limit. */
  readonly maxBytesFrom: 'manifest' | 'default';
  /** The whole download from this URL, retries and back-off included, must end within this time. */
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
  onProgress?(received: number, total: number | undefined): void;
  onRetry?(failure: SourceFailure, delayMs: number): void;
}

export type DownloadResult =
  | {
      readonly ok: true;
      /** The URL that answered with the bytes, after redirects. */
      readonly servedBy: string;
      readonly bytes: number;
      /** True when some of the bytes came from an earlier, interrupted attempt or run. */
      readonly resumed: boolean;
    }
  | { readonly ok: false; readonly failure: SourceFailure };

type Attempt =
  | { readonly kind: 'done'; readonly servedBy: string; readonly bytes: number; readonly resumed: boolean }
  | { readonly kind: 'transient'; readonly failure: SourceFailure }
  | { readonly kind: 'fatal'; readonly failure: SourceFailure };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_BACKOFF_MS = 30_000;

export async function downloadToFile(url: string, partialPath: string, options: DownloadOptions): Promise<DownloadResult> {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return { ok: false, failure: { reason: 'unsupported-url', url, message: 'not a URL' } };
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    return { ok: false, failure: { reason: 'unsupported-url', url, message: `${protocol} is not http or https` } };
  }
  // One signal stops the download for either cause: the caller's (Ctrl-C) or the deadline. Which
  // one fired decides the failure reported.
  const deadline = AbortSignal.timeout(options.deadlineMs);
  const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
  const stopped = (): SourceFailure =>
    options.signal?.aborted ? { reason: 'aborted', url } : { reason: 'deadline', url, seconds: options.deadlineMs / 1000 };
  const bounded = { ...options, signal };
  let resumed = false;
  for (let attempt = 0; ; attempt++) {
    const offset = await sizeOf(partialPath);
    resumed ||= offset > 0;
    const outcome = await attemptOnce(url, partialPath, offset, bounded);
    if (outcome.kind === 'done') return { ok: true, servedBy: outcome.servedBy, bytes: outcome.bytes, resumed };
    if (signal.aborted) return { ok: false, failure: stopped() };
    if (outcome.kind === 'fatal' || attempt >= options.retries) return { ok: false, failure: outcome.failure };
    const delay = Math.min(options.backoffMs * 2 ** attempt, MAX_BACKOFF_MS);
    options.onRetry?.(outcome.failure, delay);
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      return { ok: false, failure: stopped() };
    }
  }
}

async function attemptOnce(url: string, partialPath: string, offset: number, options: DownloadOptions): Promise<Attempt> {
  const hops = [url];
  let current = url;
  // A server may refuse our range (416) or answer another range than asked; then we start over
  // from byte 0, once.
  let restartedClean = false;
  for (;;) {
    const headers: Record<string, string> = { 'user-agent': 'kindling', 'accept-encoding': 'identity' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    let response: Dispatcher.ResponseData;
    try {
      response = await request(current, { dispatcher: options.dispatcher, method: 'GET', headers, signal: options.signal });
    } catch (error) {
      return classifyError(url, error, options);
    }
    const { statusCode } = response;

    if (REDIRECT_STATUSES.has(statusCode)) {
      await discard(response);
      const location = headerValue(response.headers.location);
      if (location === undefined) return { kind: 'fatal', failure: { reason: 'http-status', url, status: statusCode } };
      const next = new URL(location, current).href;
      if (hops.includes(next)) return { kind: 'fatal', failure: { reason: 'redirect-loop', url, hops: [...hops, next] } };
      if (hops.length > options.maxRedirects) {
        return { kind: 'fatal', failure: { reason: 'too-many-redirects', url, limit: options.maxRedirects } };
      }
      hops.push(next);
      current = next;
      continue;
    }

    let append = false;
    let total: number | undefined;
    if (statusCode === 206) {
      const range = parseContentRange(headerValue(response.headers['content-range']));
      if (range === undefined || range.start !== offset) {
        await discard(response);
        if (restartedClean) return { kind: 'transient', failure: { reason: 'network', url, message: 'server sent an unasked-for range' } };
        restartedClean = true;
        offset = await restartClean(partialPath);
        continue;
      }
      append = offset > 0;
      total = range.total;
    } else if (statusCode === 416 && offset > 0 && !restartedClean) {
      // The partial file is as long as (or longer than) the file: it cannot be trusted; start over.
      await discard(response);
      restartedClean = true;
      offset = await restartClean(partialPath);
      continue;
    } else if (statusCode === 200) {
      // A server that ignores Range sends the whole file: overwrite the partial file, not append.
      const length = Number(headerValue(response.headers['content-length']));
      total = Number.isSafeInteger(length) && length >= 0 ? length : undefined;
    } else {
      await discard(response);
      const failure: SourceFailure = { reason: 'http-status', url, status: statusCode };
      const transient = statusCode >= 500 || statusCode === 408 || statusCode === 429;
      return { kind: transient ? 'transient' : 'fatal', failure };
    }

    const start = append ? offset : 0;
    // A file announced as larger than it may be is refused before a byte of it is read.
    if (total !== undefined && total > options.maxBytes) {
      await discard(response);
      return { kind: 'fatal', failure: tooLarge(url, options) };
    }
    let received = start;
    options.onProgress?.(received, total);
    try {
      await writeBodyToFile(response.body, partialPath, {
        append,
        startSize: start,
        limit: options.maxBytes,
        onChunk: (length) => {
          received += length;
          options.onProgress?.(received, total);
        },
      });
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        await rm(partialPath, { force: true });
        return { kind: 'fatal', failure: tooLarge(url, options) };
      }
      return classifyError(url, error, options);
    }
    if (total !== undefined && received !== total) {
      return { kind: 'transient', failure: { reason: 'network', url, message: `body ended after ${received} of ${total} bytes` } };
    }
    return { kind: 'done', servedBy: current, bytes: received, resumed: append };
  }
}

function tooLarge(url: string, options: DownloadOptions): SourceFailure {
  return { reason: 'too-large', url, limit: options.maxBytes, from: options.maxBytesFrom };
}

function classifyError(url: string, error: unknown, options: DownloadOptions): Attempt {
  // The caller turns an abort into 'aborted' or 'deadline': it knows which signal fired.
  if (options.signal?.aborted) return { kind: 'fatal', failure: { reason: 'aborted', url } };
  const code = (error as { code?: unknown }).code;
  if (code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') {
    return { kind: 'transient', failure: { reason: 'stalled', url, seconds: options.stallTimeoutMs / 1000 } };
  }
  const message = error instanceof Error ? `${error.message}${typeof code === 'string' ? ` (${code})` : ''}` : String(error);
  // A name that does not resolve will not resolve a second later either.
  const kind = code === 'ENOTFOUND' ? 'fatal' : 'transient';
  return { kind, failure: { reason: 'network', url, message } };
}

async function restartClean(partialPath: string): Promise<number> {
  await rm(partialPath, { force: true });
  return 0;
}

async function discard(response: Dispatcher.ResponseData): Promise<void> {
  try {
    await response.body.dump();
  } catch {
    // The body of a response we do not use may fail to drain; nothing depends on it.
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `bytes START-END/TOTAL` (TOTAL may be `*`). */
function parseContentRange(value: string | undefined): { start: number; total: number | undefined } | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (match === null) return undefined;
  return { start: Number(match[1]), total: match[3] === '*' ? undefined : Number(match[3]) };
}
