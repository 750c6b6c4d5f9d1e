// Progress as plain lines, one per event that matters, for logs and pipes (no progress bars).
import { describeFailure, failurePlace } from '../failures.js';
import type { FetchReporter, SourceOutcome } from '../obtain.js';
import { formatBytes } from './format.js';

export function outcomeLine(outcome: SourceOutcome): string {
  const name = outcome.source.fileName;
  if (!outcome.ok) return `${name}: NOT OBTAINED (sha256 ${outcome.source.sha256})`;
  switch (outcome.via) {
    case 'store':
      return `${name}: already in the store`;
    case 'distfiles':
      return `${name}: imported from ${outcome.from ?? '?'}`;
    case 'download':
      return `${name}: downloaded from ${outcome.from ?? '?'}`;
  }
}

export function createPlainReporter(writeLine: (line: string) => void): FetchReporter {
  const sizes = new Map<string, number>();
  return {
    download(source, url) {
      writeLine(`${source.fileName}: downloading ${url}`);
    },
    progress(source, received) {
      sizes.set(source.sha256, received);
    },
    retry(source, failure, delayMs) {
      writeLine(`${source.fileName}: ${failurePlace(failure)}: ${describeFailure(failure)}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
    },
    failure(source, failure) {
      writeLine(`${source.fileName}: ${failurePlace(failure)}: ${describeFailure(failure)}`);
    },
    done(outcome) {
      const size = sizes.get(outcome.source.sha256);
      const suffix = outcome.ok && outcome.via === 'download' && size !== undefined ? ` (${formatBytes(size)})` : '';
      writeLine(outcomeLine(outcome) + suffix);
    },
  };
}
