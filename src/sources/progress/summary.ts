// The machine-readable summary printed by `kindling fetch --json`.
import type { Store } from '../../store/store.js';
import type { FetchSummary } from '../ensure.js';
import type { ExportedFile } from '../export.js';
import { describeFailure, failurePlace, type SourceFailure } from '../failures.js';

export interface SourceSummaryJson {
  readonly fileName: string;
  readonly sha256: string;
  readonly ok: boolean;
  readonly via?: 'store' | 'distfiles' | 'download';
  readonly from?: string;
  /** The store object, when obtained. */
  readonly path?: string;
  readonly neededBy: readonly string[];
  readonly failures: readonly (SourceFailure & { readonly place: string; readonly message: string })[];
}

export interface FetchSummaryJson {
  readonly ok: boolean;
  readonly sources: readonly SourceSummaryJson[];
  readonly exported?: readonly ExportedFile[];
}

export function summaryJson(summary: FetchSummary, store: Store, exported?: readonly ExportedFile[]): FetchSummaryJson {
  return {
    ok: summary.failed.length === 0,
    sources: summary.outcomes.map((outcome) => ({
      fileName: outcome.source.fileName,
      sha256: outcome.source.sha256,
      ok: outcome.ok,
      ...(outcome.ok ? { via: outcome.via, from: outcome.from, path: store.objectPath(outcome.source.sha256) } : {}),
      neededBy: outcome.source.neededBy,
      failures: outcome.failures.map((failure) => ({
        ...failure,
        place: failurePlace(failure),
        message: describeFailure(failure),
      })),
    })),
    ...(exported === undefined ? {} : { exported }),
  };
}
