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

  const paths = edges.flatMap((edge) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (from === undefined || to === undefined) return [];
    const x1 = from.x + NODE_WIDTH / 2;
    const y1 = from.y + NODE_HEIGHT;
    const x2 = to.x + NODE_WIDTH / 2;
    const y2 = to.y;
    const bend = Math.max(30, (y2 - y1) / 2);
    // An edge that skips rows (a seed every stage uses, say) bows out to the side and is drawn
    // lighter, so it does not run through the nodes between and hide the main line of the chain.
    const span = to.node.layer - from.node.layer;
    const long = span > 1;
    const side = long ? NODE_WIDTH * (0.85 + 0.12 * (span - 2)) * (x2 >= width / 2 ? 1 : -1) : 0;
    return [
      `<path class="edge${long ? ' long' : ''}" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}" d="M${x1},${y1} C${x1 + side},${y1 + bend} ${x2 + side},${y2 - bend} ${x2},${y2 - 6}" marker-end="url(#arrow)"><title>${escapeHtml(edge.paths.join(', '))}</title></path>`,
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
  return [
    `<svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="The chain from seeds to the last stage">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>',
    ...paths,
    ...boxes,
    '</svg>',
  ].join('\n');
}
