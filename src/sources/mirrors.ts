// The URLs to try for one source, in order: the user's mirrors (closest first, as listed), then
// the manifest's own URL and its mirrors. A mirror is a base URL or a template (see settings.ts).
import type { WantedSource } from './wanted.js';

export function mirrorUrl(mirror: string, source: Pick<WantedSource, 'fileName' | 'sha256'>): string {
  if (mirror.includes('{name}') || mirror.includes('{sha256}')) {
    return mirror.replaceAll('{name}', encodeURIComponent(source.fileName)).replaceAll('{sha256}', source.sha256);
  }
  return `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(source.fileName)}`;
}

export function candidateUrls(source: WantedSource, mirrors: readonly string[]): string[] {
  const urls = [...mirrors.map((mirror) => mirrorUrl(mirror, source)), ...source.urls];
  return [...new Set(urls)];
}
