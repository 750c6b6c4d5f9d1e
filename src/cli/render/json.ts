// JSON lines: one object per event, for programs that watch a run.
import type { ChainRenderer } from './renderer.js';

export function jsonRenderer(write: (text: string) => void): ChainRenderer {
  return {
    start: (stages) => write(JSON.stringify({ type: 'chain-started', stages: stages.map((s) => s.name) }) + '\n'),
    event: (event) => write(JSON.stringify(event) + '\n'),
    finish: () => Promise.resolve(),
  };
}
