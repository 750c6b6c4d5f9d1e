// Progress as a listr2 task list for a terminal: one task per source, its output line a progress
// bar while it downloads. The fetching itself runs apart from listr2; each task only waits for
// its source's outcome, reported through the FetchReporter events.
import { Listr } from 'listr2';
import type { Sha256 } from '../../digest.js';
import { describeFailure, failurePlace } from '../failures.js';
import type { FetchReporter, SourceOutcome } from '../obtain.js';
import type { WantedSource } from '../wanted.js';
import { progressLine } from './format.js';
import { outcomeLine } from './plain.js';

/** The part of a listr2 task this display writes to. */
interface TaskView {
  title: string;
  output: string;
}

interface Slot {
  task?: TaskView;
  /** The latest title, kept for a task that listr2 has not started yet. */
  title?: string;
  lastDraw: number;
  /** Ends the task: with its outcome, or with an error when the run stopped before reaching it. */
  settle?: (outcome: SourceOutcome | Error) => void;
  early?: SourceOutcome | Error;
  settled: boolean;
}

const REDRAW_MS = 100;

export async function withListrProgress<T>(sources: readonly WantedSource[], run: (reporter: FetchReporter) => Promise<T>): Promise<T> {
  const slots = new Map<Sha256, Slot>(sources.map((s) => [s.sha256, { lastDraw: 0, settled: false }]));
  const slot = (source: WantedSource): Slot => slots.get(source.sha256) ?? { lastDraw: 0, settled: false };
  const setTitle = (own: Slot, title: string): void => {
    own.title = title;
    if (own.task) own.task.title = title;
  };
  const finish = (own: Slot, outcome: SourceOutcome | Error): void => {
    if (own.settled) return;
    own.settled = true;
    if (own.settle) own.settle(outcome);
    else own.early = outcome;
  };

  const listr = new Listr(
    sources.map((source) => ({
      title: `${source.fileName}: waiting`,
      task: (_context: unknown, task: TaskView) =>
        new Promise<void>((resolve, reject) => {
          const own = slot(source);
          own.task = task;
          if (own.title !== undefined) task.title = own.title;
          own.settle = (outcome) => {
            if (outcome instanceof Error) {
              reject(outcome);
              return;
            }
            task.title = outcomeLine(outcome);
            if (outcome.ok) resolve();
            else {
              const reasons = outcome.failures.map((f) => `${failurePlace(f)}: ${describeFailure(f)}`);
              reject(new Error(reasons.join('\n') || 'no distfiles directory holds it and no URL is known'));
            }
          };
          if (own.early !== undefined) own.settle(own.early);
        }),
    })),
    {
      concurrent: true,
      exitOnError: false,
      // The command owns Ctrl-C: it aborts the downloads and reports; listr2 would exit the process.
      registerSignalListeners: false,
      rendererOptions: { collapseErrors: false, showErrorMessage: true },
    },
  );
  const rendering = listr.run().catch(() => undefined);

  const reporter: FetchReporter = {
    start(source) {
      setTitle(slot(source), `${source.fileName}: looking in the store and distfiles`);
    },
    download(source, url) {
      setTitle(slot(source), `${source.fileName}: ${url}`);
    },
    progress(source, received, total) {
      const own = slot(source);
      const now = Date.now();
      if (own.task === undefined || (now - own.lastDraw < REDRAW_MS && received !== total)) return;
      own.lastDraw = now;
      own.task.output = progressLine(received, total);
    },
    retry(source, failure, delayMs) {
      const task = slot(source).task;
      if (task) task.output = `${describeFailure(failure)}; retrying in ${(delayMs / 1000).toFixed(1)} s`;
    },
    failure(source, failure) {
      const task = slot(source).task;
      if (task) task.output = `${failurePlace(failure)}: ${describeFailure(failure)}`;
    },
    done(outcome) {
      finish(slot(outcome.source), outcome);
    },
  };

  try {
    return await run(reporter);
  } finally {
    // A task whose source never reported (the run threw or was aborted) must not keep listr2 waiting.
    for (const own of slots.values()) finish(own, new Error('not fetched'));
    await rendering;
  }
}
