// One line per event, for logs and pipes.
import type { ChainRenderer } from './renderer.js';
import { describeEvent } from './describe-event.js';

export function plainRenderer(write: (text: string) => void): ChainRenderer {
  return {
    start: (stages) => write(`chain: ${stages.length} stage${stages.length === 1 ? '' : 's'}: ${stages.map((s) => s.name).join(' → ')}\n`),
    event: (event) => write(describeEvent(event) + '\n'),
    finish: () => Promise.resolve(),
  };
}
