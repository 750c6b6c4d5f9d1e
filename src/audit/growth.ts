// How the chain grows, step by step: bytes of programs out, lines of source in. The first row is
// the seeds; a row per stage follows in build order.
import type { Sha256 } from '../digest.js';
import type { GrowthRow, SeedReport, StageReport } from './report.js';

export function growthRows(seeds: readonly SeedReport[], stages: readonly StageReport[]): GrowthRow[] {
  const rows: GrowthRow[] = [
    {
      label: 'seeds',
      programBytes: seeds.reduce((n, s) => n + s.size, 0),
      sourceLines: seeds.reduce((n, s) => n + s.sourceLines, 0),
    },
  ];
  for (const stage of stages) {
    const programs = stage.outputs.filter((o) => o.executable);
    const known = programs.every((o) => o.size !== undefined);
    rows.push({
      label: stage.name,
      ...(known ? { programBytes: programs.reduce((n, o) => n + (o.size ?? 0), 0) } : {}),
      sourceLines: stage.sourceLines,
    });
  }
  return rows;
}

/** Fills in output sizes from whatever stores were at hand. */
export function withSizes(stages: readonly StageReport[], sizes: ReadonlyMap<Sha256, number>): void {
  for (const stage of stages) {
    stage.outputs.forEach((output, i) => {
      const size = sizes.get(output.sha256);
      if (size !== undefined && output.size === undefined) stage.outputs[i] = { ...output, size };
    });
  }
}
