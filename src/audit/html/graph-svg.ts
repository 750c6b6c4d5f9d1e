// Draws the origin graph as SVG: one row per layer, seeds and upstream sources at the top, each
// stage below the stages it takes inputs from; an edge for each producer → consumer pair. Rows
// are ordered by the mean position of each node's parents, which keeps most edges short.
import type { GraphEdge, GraphNode } from '../report.js';
import { escapeHtml } from './escape.js';

const NODE_WIDTH = 150;
const NODE_HEIGHT = 40;
const GAP_X = 28;
const ROW_HEIGHT = 92;
const MARGIN = 20;
/** Distance between the trunks of long edges beside the graph. */
const TRUNK_GAP = 16;
/** How far into the gap between rows the across-runs of long edges lie. */
const GAP_LANE = 16;
/** Long edges leave and enter a node this far from its centre, beside the short edges. */
const ENTRY_OFFSET = 34;

/** An orthogonal path through `points`, with its corners rounded. */
function roundedPolyline(points: readonly (readonly [number, number])[]): string {
  const radius = 8;
  const [first, ...rest] = points;
  if (first === undefined) return '';
  let d = `M${first[0]},${first[1]}`;
  rest.forEach((point, i) => {
    const next = rest[i + 1];
    if (next === undefined) {
      d += ` L${point[0]},${point[1]}`;
      return;
    }
    const previous = i === 0 ? first : rest[i - 1]!;
    const toward = (from: readonly [number, number], to: readonly [number, number], length: number): [number, number] => {
      const dx = to[0] - from[0];
      const dy = to[1] - from[1];
      const distance = Math.hypot(dx, dy) || 1;
      const step = Math.min(length, distance / 2);
      return [from[0] + (dx / distance) * step, from[1] + (dy / distance) * step];
    };
    const before = toward(point, previous, radius);
    const after = toward(point, next, radius);
    d += ` L${before[0].toFixed(1)},${before[1].toFixed(1)} Q${point[0]},${point[1]} ${after[0].toFixed(1)},${after[1].toFixed(1)}`;
  });
  return d;
}

interface Placed {
  readonly node: GraphNode;
  x: number;
  y: number;
}

export function graphSvg(nodes: readonly GraphNode[], edges: readonly GraphEdge[], detail: (node: GraphNode) => string): string {
  if (nodes.length === 0) return '<p class="empty">No stages to draw.</p>';
  const layers = Math.max(...nodes.map((n) => n.layer)) + 1;
  const rows: Placed[][] = Array.from({ length: layers }, () => []);
  for (const node of nodes) rows[node.layer]!.push({ node, x: 0, y: 0 });
  const widest = Math.max(...rows.map((r) => r.length));
  // Room at the sides for edges that bow around the rows they skip.
  const width = Math.max(widest * (NODE_WIDTH + GAP_X) - GAP_X + 2 * MARGIN + 2 * NODE_WIDTH, 320);
  const byId = new Map<string, Placed>();
  const parents = new Map<string, string[]>();
  for (const edge of edges) parents.set(edge.to, [...(parents.get(edge.to) ?? []), edge.from]);

  rows.forEach((row, layer) => {
    if (layer > 0) {
      const mean = (p: Placed): number => {
        const xs = (parents.get(p.node.id) ?? []).map((id) => byId.get(id)?.x).filter((x): x is number => x !== undefined);
        return xs.length === 0 ? width / 2 : xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      row.sort((a, b) => mean(a) - mean(b));
    }
    const rowWidth = row.length * (NODE_WIDTH + GAP_X) - GAP_X;
    row.forEach((placed, i) => {
      placed.x = (width - rowWidth) / 2 + i * (NODE_WIDTH + GAP_X);
      placed.y = MARGIN + layer * ROW_HEIGHT;
      byId.set(placed.node.id, placed);
    });
  });
  const height = MARGIN * 2 + (layers - 1) * ROW_HEIGHT + NODE_HEIGHT;

  // An edge that skips rows (a seed every stage uses, say) would run through the nodes between.
  // Such edges leave their source at its side and run down a vertical trunk of their own beside
  // the graph, entering each consumer from that side: one line per source, however many consumers.
  const nodesLeft = Math.min(...[...byId.values()].map((p) => p.x));
  const nodesRight = Math.max(...[...byId.values()].map((p) => p.x + NODE_WIDTH));
  const trunks = new Map<string, { side: 1 | -1; x: number }>();
  let rightTrunks = 0;
  let leftTrunks = 0;
  const trunkOf = (source: Placed): { side: 1 | -1; x: number } => {
    const known = trunks.get(source.node.id);
    if (known !== undefined) return known;
    const centre = source.x + NODE_WIDTH / 2;
    const side: 1 | -1 = centre > width / 2 + 1 ? 1 : centre < width / 2 - 1 ? -1 : rightTrunks <= leftTrunks ? 1 : -1;
    const index = side === 1 ? rightTrunks++ : leftTrunks++;
    const trunk = { side, x: side === 1 ? nodesRight + TRUNK_GAP * (index + 1) : nodesLeft - TRUNK_GAP * (index + 1) };
    trunks.set(source.node.id, trunk);
    return trunk;
  };

  const paths = edges.flatMap((edge) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (from === undefined || to === undefined) return [];
    const long = to.node.layer - from.node.layer > 1;
    let d: string;
    if (long) {
      // Down out of the source into the gap below its row, across to the trunk, down the trunk,
      // across in the gap above the consumer's row, and down into it: never through a node.
      const { side, x: trunkX } = trunkOf(from);
      const startX = from.x + NODE_WIDTH / 2 + side * ENTRY_OFFSET;
      const endX = to.x + NODE_WIDTH / 2 + side * ENTRY_OFFSET;
      d = roundedPolyline([
        [startX, from.y + NODE_HEIGHT],
        [startX, from.y + NODE_HEIGHT + GAP_LANE],
        [trunkX, from.y + NODE_HEIGHT + GAP_LANE],
        [trunkX, to.y - GAP_LANE],
        [endX, to.y - GAP_LANE],
        [endX, to.y - 6],
      ]);
    } else {
      const x1 = from.x + NODE_WIDTH / 2;
      const y1 = from.y + NODE_HEIGHT;
      const x2 = to.x + NODE_WIDTH / 2;
      const y2 = to.y;
      const bend = Math.max(30, (y2 - y1) / 2);
      d = `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2 - 6}`;
    }
    return [
      `<path class="edge${long ? ' long' : ''}" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="${d}" marker-end="url(#arrow)"><title>${escapeHtml(`${edge.from.replace(/^\w+:/, '')} → ${edge.to.replace(/^\w+:/, '')}: ${edge.paths.join(', ')}`)}</title></path>`,
    ];
  });
  const boxes = [...byId.values()].map(({ node, x, y }) => {
    const label = node.label.length > 18 ? `${node.label.slice(0, 17)}…` : node.label;
    return [
      `<g class="node ${node.kind}" data-kind="${node.kind}" data-id="${escapeHtml(node.id)}" transform="translate(${x},${y})" tabindex="0">`,
      `<title>${escapeHtml(`${node.label} — ${detail(node)}`)}</title>`,
      `<rect width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="${node.kind === 'stage' ? 6 : 18}"/>`,
      `<text x="${NODE_WIDTH / 2}" y="17" class="label">${escapeHtml(label)}</text>`,
      `<text x="${NODE_WIDTH / 2}" y="31" class="detail">${escapeHtml(detail(node))}</text>`,
      '</g>',
    ].join('');
  });
  // The trunks are placed only now; widen the picture so that none runs past its edge.
  const trunkXs = [...trunks.values()].map((t) => t.x);
  const left = Math.min(0, ...trunkXs.map((x) => x - MARGIN));
  const right = Math.max(width, ...trunkXs.map((x) => x + MARGIN));
  return [
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="${left} 0 ${right - left} ${height}" width="${right - left}" height="${height}" role="img" aria-label="The chain from seeds to the last stage">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ...paths,
    ...boxes,
    '</svg>',
  ].join('\n');
}
