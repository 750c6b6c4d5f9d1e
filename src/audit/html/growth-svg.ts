// The chart of how the chain grows: per step (the seeds, then each stage), the bytes of programs it
// produces on a log scale, since they span a few hundred bytes to megabytes, and the lines of
// source it takes on a linear one.
import type { GrowthRow } from '../report.js';
import { escapeHtml } from './escape.js';

const LABEL_WIDTH = 130;
const BYTES_WIDTH = 320;
const LINES_WIDTH = 240;
const VALUE_WIDTH = 90;
const ROW = 26;
const TOP = 44;

function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 10_000) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 10_000_000) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const TICK_NAMES = new Map([
  [100, '100 B'],
  [1e3, '1 kB'],
  [1e4, '10 kB'],
  [1e5, '100 kB'],
  [1e6, '1 MB'],
  [1e7, '10 MB'],
  [1e8, '100 MB'],
]);

export function growthSvg(rows: readonly GrowthRow[]): string {
  if (rows.length === 0) return '<p class="empty">Nothing to chart.</p>';
  const maxBytes = Math.max(2, ...rows.map((r) => r.programBytes ?? 0));
  const maxLines = Math.max(1, ...rows.map((r) => r.sourceLines));
  const bytesX = LABEL_WIDTH;
  const linesX = LABEL_WIDTH + BYTES_WIDTH + VALUE_WIDTH + 20;
  const width = linesX + LINES_WIDTH + VALUE_WIDTH;
  const height = TOP + rows.length * ROW + 8;
  // The scale starts at 10 bytes: programs are never that small, and the bars then show growth.
  const span = Math.log10(maxBytes) - 1;
  const logWidth = (bytes: number): number => Math.max(2, ((Math.log10(Math.max(bytes, 10)) - 1) / span) * BYTES_WIDTH);
  const ticks: string[] = [];
  for (let power = 100; power <= maxBytes; power *= 10) {
    const x = bytesX + logWidth(power);
    ticks.push(
      `<line class="tick" x1="${x.toFixed(1)}" y1="${TOP - 4}" x2="${x.toFixed(1)}" y2="${height - 6}"/><text class="tick-label" x="${x.toFixed(1)}" y="${TOP - 8}">${TICK_NAMES.get(power) ?? power}</text>`,
    );
  }

  const body = rows.map((row, i) => {
    const y = TOP + i * ROW;
    const parts = [`<g class="row" data-label="${escapeHtml(row.label)}">`];
    parts.push(`<text x="${LABEL_WIDTH - 10}" y="${y + 15}" class="row-label">${escapeHtml(row.label)}</text>`);
    if (row.programBytes === undefined) {
      parts.push(`<text x="${bytesX}" y="${y + 15}" class="unknown">size not known (no store given)</text>`);
    } else if (row.programBytes > 0) {
      const w = logWidth(row.programBytes);
      parts.push(
        `<rect class="bytes-bar${i === 0 ? ' seed' : ''}" x="${bytesX}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 9}" rx="2"><title>${row.programBytes} bytes</title></rect>`,
      );
      parts.push(`<text x="${bytesX + w + 6}" y="${y + 15}" class="value">${bytesText(row.programBytes)}</text>`);
    } else {
      parts.push(`<text x="${bytesX}" y="${y + 15}" class="no-program">no program</text>`);
    }
    const lw = Math.max(2, (row.sourceLines / maxLines) * LINES_WIDTH);
    parts.push(
      `<rect class="lines-bar" x="${linesX}" y="${y + 4}" width="${lw.toFixed(1)}" height="${ROW - 9}" rx="2"><title>${row.sourceLines} lines</title></rect>`,
    );
    parts.push(`<text x="${linesX + lw + 6}" y="${y + 15}" class="value">${row.sourceLines.toLocaleString('en')} lines</text>`);
    parts.push('</g>');
    return parts.join('');
  });
  return [
    `<svg class="growth" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Bytes of programs and lines of source per stage">`,
    `<text x="${bytesX}" y="16" class="axis">programs produced (bytes, log scale)</text>`,
    `<text x="${linesX}" y="16" class="axis">source written for the step (lines)</text>`,
    ...ticks,
    ...body,
    '</svg>',
  ].join('\n');
}
