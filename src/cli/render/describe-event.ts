// Words for each chain event, shared by the plain and the task-list renderers.
import { describeFailure } from '../../run/failure.js';
import type { ChainEvent } from '../../run/bootstrap.js';

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function describeEvent(event: ChainEvent): string {
  switch (event.type) {
    case 'stage-started':
      return `${event.stage}: running`;
    case 'stage-note':
      return `${event.stage}: ${event.message}`;
    case 'stage-verified':
      return event.cached
        ? `${event.stage}: verified (already in the store)`
        : `${event.stage}: verified in ${seconds(event.record.durationMs)} (${event.record.outputs.length} output${event.record.outputs.length === 1 ? '' : 's'})`;
    case 'stage-failed': {
      const lines = [`${event.stage}: FAILED`, ...event.outcome.failures.map((f) => `  ${describeFailure(f)}`)];
      if (event.outcome.workDir !== undefined) lines.push(`  kept for inspection: ${event.outcome.workDir}`);
      if (event.outcome.logFile !== undefined) lines.push(`  log: ${event.outcome.logFile}`);
      return lines.join('\n');
    }
    case 'stage-not-run':
      return `${event.stage}: not run (${event.because})`;
  }
}
