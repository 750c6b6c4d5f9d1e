// What each stage ultimately rests on: follow its stage inputs back through every earlier stage
// and collect what nothing in the chain built — seeds, repository files, upstream downloads. For a
// chain that passes the audit, that is the whole list of what must be trusted or read by hand.
import type { StageReport, StageRoots } from './report.js';

export function stageRoots(stages: readonly Omit<StageReport, 'roots'>[]): Map<string, StageRoots> {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const order = new Map(stages.map((s, i) => [s.name, i]));
  const roots = new Map<string, StageRoots>();
  // Stages come in build order, so every producer's roots are known before its consumers'.
  for (const stage of stages) {
    const seeds = new Set<string>();
    const files = new Set<string>();
    const upstream = new Set<string>();
    const earlier = new Set<string>();
    for (const input of stage.inputs) {
      if (input.origin === 'seed' || input.origin === 'seed-source') seeds.add(input.from);
      else if (input.origin === 'repository') files.add(input.from);
      else if (input.origin === 'upstream') upstream.add(input.from);
      else {
        const producer = input.from.slice(0, input.from.indexOf(':'));
        const known = roots.get(producer);
        if (!byName.has(producer) || known === undefined) continue;
        earlier.add(producer);
        known.seeds.forEach((s) => seeds.add(s));
        known.repositoryFiles.forEach((f) => files.add(f));
        known.upstream.forEach((u) => upstream.add(u));
        known.stages.forEach((s) => earlier.add(s));
      }
    }
    roots.set(stage.name, {
      seeds: [...seeds].sort(),
      repositoryFiles: [...files].sort(),
      upstream: [...upstream].sort(),
      stages: [...earlier].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
    });
  }
  return roots;
}
