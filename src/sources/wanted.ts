// The upstream sources a chain needs: every `url:` input of every stage, one entry per sha256.
// Two stages may name the same tarball (perhaps with different mirrors); it is fetched once, and
// every URL given for it is tried.
import type { Sha256 } from '../digest.js';
import type { Chain } from '../manifest/types.js';

export interface WantedSource {
  readonly sha256: Sha256;
  /** The manifest's URL first, then its mirrors (then those of any other stage naming the same hash). */
  readonly urls: readonly string[];
  /** The name the file goes by in a distfiles directory: the last path segment of its first URL. */
  readonly fileName: string;
  /** Where the chain asks for it ("stage mes: src/mes.tar.gz"), for error messages. */
  readonly neededBy: readonly string[];
  /** The size in bytes the manifest gives, if it does: a download may not be larger. */
  readonly size?: number;
}

/** The last path segment of a URL, decoded; the sha256 when the URL has none (e.g. `https://host/`). */
export function fileNameOfUrl(url: string, fallback: string): string {
  let segment = '';
  try {
    const parts = new URL(url).pathname.split('/');
    segment = decodeURIComponent(parts[parts.length - 1] ?? '');
  } catch {
    segment = '';
  }
  // A name is used as a file name inside a distfiles directory: it must not climb out of it.
  if (segment === '' || segment === '.' || segment === '..' || segment.includes('/') || segment.includes('\0')) {
    return fallback;
  }
  return segment;
}

export function wantedSources(chain: Chain): WantedSource[] {
  const bySha = new Map<Sha256, { urls: string[]; neededBy: string[]; size?: number }>();
  for (const stage of chain.stages) {
    for (const input of stage.inputs) {
      if (input.origin.kind !== 'url') continue;
      let entry = bySha.get(input.sha256);
      if (entry === undefined) {
        entry = { urls: [], neededBy: [] };
        bySha.set(input.sha256, entry);
      }
      for (const url of input.origin.urls) if (!entry.urls.includes(url)) entry.urls.push(url);
      entry.neededBy.push(`stage ${stage.name}: ${input.path}`);
      // Two manifests giving different sizes for one hash: the smaller bound holds (one is wrong).
      const size = input.origin.size;
      if (size !== undefined) entry.size = Math.min(size, entry.size ?? size);
    }
  }
  return [...bySha].map(([sha256, { urls, neededBy, size }]) => ({
    sha256,
    urls,
    fileName: fileNameOfUrl(urls[0] ?? '', sha256),
    neededBy,
    ...(size === undefined ? {} : { size }),
  }));
}
