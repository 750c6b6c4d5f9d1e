// The chain as a graph of origins: seeds and upstream sources at the top, stages below the stages
// and seeds they take inputs from. Repository files are listed per stage rather than drawn: every
// stage has some, and a node for each would hide the shape of the chain.
import type { Chain } from '../manifest/types.js';
import type { GraphEdge, GraphNode, StageReport } from './report.js';

export function originGraph(chain: Chain, stages: readonly StageReport[]): { nodes: GraphNode[]; edges: GraphEdge[] } {
  const nodes: GraphNode[] = [];
  const edges = new Map<string, { from: string; to: string; paths: string[] }>();
  const layer = new Map<string, number>();
  for (const seed of chain.seeds.values()) {
    nodes.push({ id: `seed:${seed.name}`, kind: 'seed', label: seed.name, layer: 0 });
    layer.set(`seed:${seed.name}`, 0);
  }
  const connect = (from: string, to: string, path: string): void => {
    const key = `${from}\n${to}`;
    const edge = edges.get(key) ?? { from, to, paths: [] };
    edge.paths.push(path);
    edges.set(key, edge);
  };
  const sources = new Map<string, { label: string; consumers: string[] }>();
  for (const stage of stages) {
    const id = `stage:${stage.name}`;
    let depth = 1;
    for (const input of stage.inputs) {
      if (input.origin === 'seed' || input.origin === 'seed-source') {
        connect(`seed:${input.from}`, id, input.path);
      } else if (input.origin === 'stage') {
        const producer = `stage:${input.from.slice(0, input.from.indexOf(':'))}`;
        connect(producer, id, input.path);
        depth = Math.max(depth, (layer.get(producer) ?? 0) + 1);
      } else if (input.origin === 'upstream') {
        const sourceId = `source:${input.sha256}`;
        const source = sources.get(sourceId) ?? { label: input.from.split('/').pop() || input.from, consumers: [] };
        source.consumers.push(id);
        sources.set(sourceId, source);
        connect(sourceId, id, input.path);
      }
    }
    layer.set(id, depth);
    nodes.push({ id, kind: 'stage', label: stage.name, layer: depth });
  }
  // A source is drawn one row above the first stage that takes it.
  for (const [id, source] of sources) {
    const first = Math.min(...source.consumers.map((c) => layer.get(c) ?? 1));
    nodes.push({ id, kind: 'source', label: source.label, layer: Math.max(0, first - 1) });
  }
  return { nodes, edges: [...edges.values()] };
}
