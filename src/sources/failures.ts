// Why a source could not be had from one place. Expected failures are values, told apart by
// `reason`, so the renderers and the summary can say exactly what each URL or file did.
import type { Sha256 } from '../digest.js';
import { assertNever } from '../errors.js';

export type SourceFailure =
  /** The server answered with a status that is not the file (404, 403, or a 5xx after retries). */
  | { readonly reason: 'http-status'; readonly url: string; readonly status: number }
  /** The connection failed or broke, and kept failing through every retry. */
  | { readonly reason: 'network'; readonly url: string; readonly message: string }
  /** No byte arrived for the stall timeout (before the headers or in the body), through every retry. */
  | { readonly reason: 'stalled'; readonly url: string; readonly seconds: number }
  /** The server sent bytes whose sha256 is not the one the manifest pins. They were not stored. */
  | {
      readonly reason: 'hash-mismatch';
      readonly url: string;
      /** The URL that finally served the bytes, after redirects. */
      readonly servedBy: string;
      readonly expected: Sha256;
      readonly actual: Sha256;
      readonly bytes: number;
    }
  | { readonly reason: 'redirect-loop'; readonly url: string; readonly hops: readonly string[] }
  | { readonly reason: 'too-many-redirects'; readonly url: string; readonly limit: number }
  | { readonly reason: 'unsupported-url'; readonly url: string; readonly message: string }
  | { readonly reason: 'aborted'; readonly url: string }
  /** The server sent (or announced) more bytes than the source may have. Nothing was kept. */
  | { readonly reason: 'too-large'; readonly url: string; readonly limit: number; readonly from: 'manifest' | 'default' }
  /** The download from this URL, retries included, did not finish within the deadline. */
  | { readonly reason: 'deadline'; readonly url: string; readonly seconds: number }
  /** The store's copy was not the source's bytes (damaged on disk). It was moved aside; other places are tried. */
  | {
      readonly reason: 'stored-corrupt';
      readonly path: string;
      readonly expected: Sha256;
      readonly actual: Sha256 | 'not a regular file';
      readonly movedTo: string;
    }
  /** A file in a distfiles directory has the source's name but other bytes. Not fatal: other places are tried. */
  | { readonly reason: 'distfile-mismatch'; readonly path: string; readonly expected: Sha256; readonly actual: Sha256 };

/** Where the failure happened: a URL or a distfiles path. */
export function failurePlace(failure: SourceFailure): string {
  return failure.reason === 'distfile-mismatch' || failure.reason === 'stored-corrupt' ? failure.path : failure.url;
}

/** One line of plain English for a failure, without its place. */
export function describeFailure(failure: SourceFailure): string {
  switch (failure.reason) {
    case 'http-status':
      return `HTTP ${failure.status}`;
    case 'network':
      return `network error: ${failure.message}`;
    case 'stalled':
      return `stalled: no data for ${failure.seconds} s`;
    case 'hash-mismatch':
      return (
        `wrong bytes: expected sha256 ${failure.expected}, got ${failure.actual} (${failure.bytes} bytes` +
        (failure.servedBy !== failure.url ? `, served by ${failure.servedBy})` : ')') +
        '; not stored'
      );
    case 'redirect-loop':
      return `redirect loop: ${failure.hops.join(' -> ')}`;
    case 'too-many-redirects':
      return `more than ${failure.limit} redirects`;
    case 'unsupported-url':
      return `unsupported URL: ${failure.message}`;
    case 'aborted':
      return 'aborted';
    case 'too-large':
      return failure.from === 'manifest'
        ? `larger than the manifest's size of ${failure.limit} bytes; not stored`
        : `larger than the limit of ${failure.limit} bytes (give the source a size: in its manifest to allow more); not stored`;
    case 'deadline':
      return `not finished within the deadline of ${failure.seconds} s`;
    case 'stored-corrupt':
      return `the store's copy is damaged: expected sha256 ${failure.expected}, got ${failure.actual}; moved aside to ${failure.movedTo}`;
    case 'distfile-mismatch':
      return `wrong bytes: expected sha256 ${failure.expected}, got ${failure.actual}; not used`;
    default:
      return assertNever(failure);
  }
}
