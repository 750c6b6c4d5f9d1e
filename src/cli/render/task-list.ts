// A live task list (listr2) for a terminal: one task per stage, each finishing when its stage does.
import { Listr } from 'listr2';
import type { ChainEvent } from '../../run/bootstrap.js';
import { describeFailure } from '../../run/failure.js';
import { seconds } from './describe-event.js';
import type { ChainRenderer } from './renderer.js';

/** A stage's task: its latest title, and a settled end that the listr2 task waits for. */
interface StageTask {
  title: string;
  onTitle?: (title: string) => void;
  readonly end: Promise<string>;
  finish(title: string): void;
  fail(error: Error): void;
}

function stageTask(name: string): StageTask {
  let finish!: (title: string) => void;
  let fail!: (error: Error) => void;
  const end = new Promise<string>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // The task may settle before listr2 starts waiting on it; a rejection must not go unobserved.
  end.catch(() => undefined);
  return { title: `${name} — waiting`, end, finish, fail };
}

export function taskListRenderer(): ChainRenderer {
  const tasks = new Map<string, StageTask>();
  let done: Promise<unknown> = Promise.resolve();
  const retitle = (task: StageTask | undefined, title: string): void => {
    if (task === undefined) return;
    task.title = title;
    task.onTitle?.(title);
  };
  return {
    start(stages) {
      for (const stage of stages) tasks.set(stage.name, stageTask(stage.name));
      const list = new Listr(
        stages.map((stage) => {
          const state = tasks.get(stage.name)!;
          return {
            title: state.title,
            task: async (_context: unknown, task: { title: string }) => {
              task.title = state.title;
              state.onTitle = (title) => {
                task.title = title;
              };
              task.title = await state.end;
            },
          };
        }),
        { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false } },
      );
      done = list.run().catch(() => undefined);
    },
    event(event: ChainEvent) {
      const task = tasks.get(event.stage);
      switch (event.type) {
        case 'stage-started':
          retitle(task, `${event.stage} — running`);
          break;
        case 'stage-note':
          retitle(task, `${event.stage} — ${event.message}`);
          break;
        case 'stage-verified':
          task?.finish(`${event.stage} — verified${event.cached ? ' (in store)' : ` in ${seconds(event.record.durationMs)}`}`);
          break;
        case 'stage-failed': {
          const lines = event.outcome.failures.map(describeFailure);
          if (event.outcome.workDir !== undefined) lines.push(`kept for inspection: ${event.outcome.workDir}`);
          task?.fail(new Error(`${event.stage}: ${lines.join('; ')}`));
          break;
        }
        case 'stage-not-run':
          task?.finish(`${event.stage} — not run (${event.because})`);
          break;
      }
    },
    async finish() {
      await done;
    },
  };
}
