// The diverse double-compiling result (ddc.ts) in the audit's text and HTML reports. JSON shows
// the result as it is.
import type { DdcResult } from './ddc.js';
import { describeDifference } from './first-difference.js';
import { escapeHtml as e } from './html/escape.js';

function summary(ddc: DdcResult): string {
  return ddc.ok
    ? `MATCH: ${ddc.files.length} files built by the independent route are the chain's bytes`
    : `DIFFERS: ${ddc.files.filter((f) => f.difference !== undefined).length} of ${ddc.files.length} files differ; both sides kept in ${ddc.kept ?? '(not kept)'}`;
}

export function ddcLines(ddc: DdcResult): string[] {
  const lines = [`Diverse double-compiling of stage ${ddc.stage} (independent compiler ${ddc.compiler}): ${summary(ddc)}`];
  for (const file of ddc.files) {
    lines.push(
      file.difference === undefined
        ? `  same      ${file.path} sha256 ${file.chainSha256}`
        : `  DIFFERS   ${file.path} ${describeDifference(file.difference, "the chain's", "the independent build's")}`,
    );
  }
  return lines;
}

export function ddcHtml(ddc: DdcResult): string {
  const rows = ddc.files
    .map(
      (f) =>
        `<tr><td><code>${e(f.path)}</code></td><td>${f.difference === undefined ? 'same bytes' : `<span class="tag bad">differs</span> ${e(describeDifference(f.difference, "the chain's", "the independent build's"))}`}</td><td><code>${e(f.chainSha256.slice(0, 16))}…</code></td><td><code>${e(f.independentSha256.slice(0, 16))}…</code></td></tr>`,
    )
    .join('');
  return `<h2>Diverse double-compiling</h2><div class="card"><p>Stage <b>${e(ddc.stage)}</b> rebuilt from the same pinned sources with <code>${e(ddc.compiler)}</code> as the first compiler: <span class="verdict ${ddc.ok ? 'pass' : 'fail'}">${ddc.ok ? 'MATCH' : 'DIFFERS'}</span> ${e(summary(ddc).replace(/^[A-Z]+: /, ''))}.</p><table><thead><tr><th>File</th><th>Compared</th><th>Chain sha256</th><th>Independent sha256</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}
