// How a chain run is shown. Three renderers behind one shape: a live task list for a terminal,
// plain lines for logs and pipes, JSON lines for machines.
import type { ChainEvent } from '../../run/bootstrap.js';
import type { Stage } from '../../manifest/types.js';

export interface ChainRenderer {
  start(stages: readonly Stage[]): void;
  event(event: ChainEvent): void;
  /** Called once the run is over; resolves when everything is written. */
  finish(): Promise<void>;
}
