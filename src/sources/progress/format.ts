// Small text helpers shared by the progress displays.

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `[#########-----------] 1.2 MiB / 3.4 MiB`, or just the count when the total is unknown. */
export function progressLine(received: number, total: number | undefined, width = 24): string {
  if (total === undefined || total <= 0) return `${formatBytes(received)}`;
  const filled = Math.min(width, Math.round((received / total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${formatBytes(received)} / ${formatBytes(total)}`;
}
