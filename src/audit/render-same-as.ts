// The two-routes comparisons (same-as.ts) in the audit's text and HTML reports: both routes, each
// with every hash the audit had for it, and whether they are the same bytes. JSON shows them as
// they are.
import { describeDifference } from './first-difference.js';
import { escapeHtml as e } from './html/escape.js';
import type { RouteReport, SameAsReport } from './same-as.js';

function routeName(route: RouteReport): string {
  return `chain ${route.chain} (${route.arch}), stage ${route.stage}, ${route.path}`;
}

/** "sha256 311c… declared, recorded, stored", or each hash apart when they disagree. */
function routeHashes(route: RouteReport): string {
  const evidence: [string, string | undefined][] = [
    ['declared', route.declared],
    ['recorded', route.recorded],
    ['stored', route.stored],
  ];
  const known = evidence.filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (known.every(([, sha]) => sha === route.declared)) return `sha256 ${route.declared} (${known.map(([what]) => what).join(', ')})`;
  return known.map(([what, sha]) => `${what} ${sha}`).join(', ');
}

/** "stage aarch64-b0:bin/b0 (chain amd64) and stage b0:bin/b0 (chain aarch64)" */
function routesName(comparison: SameAsReport): string {
  const [mine, theirs] = comparison.routes;
  return `stage ${mine.stage}:${mine.path} (chain ${mine.chain}) and stage ${theirs.stage}:${theirs.path} (chain ${theirs.chain})`;
}

/** What "the same" rests on: the bytes themselves only when both stores held them. */
function verdict(comparison: SameAsReport): string {
  const [mine, theirs] = comparison.routes;
  if (comparison.equal) {
    if (mine.stored !== undefined && theirs.stored !== undefined) return 'the same bytes';
    if (mine.recorded !== undefined && theirs.recorded !== undefined)
      return "the same sha256 in both manifests and both runs' records (no stored bytes compared)";
    return 'the same sha256 in both manifests (no run of both routes compared: give their records)';
  }
  const where = comparison.difference === undefined ? '' : `, ${describeDifference(comparison.difference, 'the first', 'the second')}`;
  return `DIFFERENT bytes${where}`;
}

export function sameAsLines(comparisons: readonly SameAsReport[]): string[] {
  const lines = ['Two routes to one binary'];
  for (const comparison of comparisons) {
    lines.push(`  ${routesName(comparison)}: ${verdict(comparison)}`);
    for (const route of comparison.routes) lines.push(`    ${routeName(route)}: ${routeHashes(route)}`);
  }
  return lines;
}

export function sameAsHtml(comparisons: readonly SameAsReport[]): string {
  const rows = comparisons
    .map((comparison) => {
      const routes = comparison.routes
        .map(
          (route) =>
            `<tr><td>chain <b>${e(route.chain)}</b> <span class="muted">(${e(route.arch)})</span></td><td>${e(route.stage)}</td><td><code>${e(route.path)}</code></td><td class="hash">${e(routeHashes(route))}</td></tr>`,
        )
        .join('');
      return `<p><span class="verdict ${comparison.equal ? 'pass' : 'fail'}">${comparison.equal ? 'SAME' : 'DIFFERENT'}</span>${e(`${routesName(comparison)}: ${verdict(comparison)}`)}</p><table><thead><tr><th>Route</th><th>Stage</th><th>Output</th><th>sha256 (declared by the manifest, in the run's record, of the stored bytes)</th></tr></thead><tbody>${routes}</tbody></table>`;
    })
    .join('');
  return `<h2>Two routes to one binary</h2><div class="card"><p class="muted">Each output built by two chains that share no binary, from two sets of seeds; they must be the same bytes.</p>${rows}</div>`;
}
