// Comparing two builds of a template: identical, or where they first part — the file inside the
// template and the byte inside that file, not just "the hashes differ".
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { findExecutable } from '../sandbox/tool-identity.js';
import { readArchive, type ArchiveMember } from './archive.js';
import { outputFiles } from './build.js';
import { reproducibleContent, type TemplateManifest } from './manifest.js';

export interface TemplateDifference {
  readonly artifact: 'archive' | 'image' | 'manifest';
  /** The template file where the builds first differ, when the difference is inside one. */
  readonly path?: string;
  /** First differing byte inside that file. */
  readonly offset?: number;
  /** First differing byte of the artifact (archive or image) as a whole. */
  readonly artifactOffset?: number;
  readonly detail: string;
}

export interface TemplateComparison {
  readonly identical: boolean;
  /** At most one difference per artifact: the first. */
  readonly differences: readonly TemplateDifference[];
}

const IMAGE_BLOCK_SIZE = 4096;

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/** Index of the first byte where a and b differ (the shorter length if one is a prefix), or -1. */
export function firstDifferingByte(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  // Compare in large slices first: Buffer.compare is native, the byte loop runs over one slice only.
  const slice = 64 * 1024;
  for (let start = 0; start < length; start += slice) {
    const end = Math.min(start + slice, length);
    if (Buffer.compare(a.subarray(start, end), b.subarray(start, end)) === 0) continue;
    for (let i = start; i < end; i += 1) if (a[i] !== b[i]) return i;
  }
  return a.length === b.length ? -1 : length;
}

/** Compares the build in `earlierDir` with the one in `laterDir`, both holding template `name`. */
export async function compareBuilds(earlierDir: string, laterDir: string, name: string): Promise<TemplateComparison> {
  const earlier = outputFiles(earlierDir, name);
  const later = outputFiles(laterDir, name);
  const differences: TemplateDifference[] = [];

  const archives = [await readOrUndefined(earlier.archive), await readOrUndefined(later.archive)] as const;
  const archiveDifference = await compareArchives(archives[0], archives[1], earlier.archive);
  if (archiveDifference !== undefined) differences.push(archiveDifference);

  const images = [await readOrUndefined(earlier.image), await readOrUndefined(later.image)] as const;
  const imageDifference = await compareImages(images[0], images[1], earlier.image, later.image);
  if (imageDifference !== undefined) differences.push(imageDifference);

  const manifests = [await readOrUndefined(earlier.manifest), await readOrUndefined(later.manifest)] as const;
  const manifestDifference = compareManifests(manifests[0], manifests[1], earlier.manifest);
  if (manifestDifference !== undefined) differences.push(manifestDifference);

  return { identical: differences.length === 0, differences };
}

function missing(
  artifact: TemplateDifference['artifact'],
  a: Buffer | undefined,
  b: Buffer | undefined,
  earlierPath: string,
): TemplateDifference | undefined {
  if (a === undefined) return { artifact, detail: `the earlier build has no ${artifact} (${earlierPath})` };
  if (b === undefined) return { artifact, detail: `the new build has no ${artifact}` };
  return undefined;
}

export async function compareArchives(
  a: Buffer | undefined,
  b: Buffer | undefined,
  earlierPath = 'the earlier archive',
): Promise<TemplateDifference | undefined> {
  const absent = missing('archive', a, b, earlierPath);
  if (absent !== undefined || a === undefined || b === undefined) return absent;
  const artifactOffset = firstDifferingByte(a, b);
  if (artifactOffset === -1) return undefined;
  let members: [ArchiveMember[], ArchiveMember[]];
  try {
    members = [await readArchive(a), await readArchive(b)];
  } catch (error) {
    return {
      artifact: 'archive',
      artifactOffset,
      detail: `the archives differ from byte ${artifactOffset}; one cannot be read as tar (${(error as Error).message})`,
    };
  }
  const [left, right] = members;
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const x = left[i];
    const y = right[i];
    if (x === undefined || y === undefined || x.name !== y.name) {
      const path = x === undefined ? y!.name : y === undefined ? x.name : x.name < y.name ? x.name : y.name;
      const inEarlier = left.some((m) => m.name === path);
      const inLater = right.some((m) => m.name === path);
      const detail =
        inEarlier && inLater ? `'${path}' is in both, in another order` : `'${path}' is only in the ${inEarlier ? 'earlier' : 'new'} build`;
      return { artifact: 'archive', path, artifactOffset, detail };
    }
    // A size difference is reported with the contents, at their first differing byte.
    for (const field of ['type', 'mode', 'uid', 'gid', 'uname', 'gname', 'mtime', 'linkname'] as const) {
      if (x[field] === y[field]) continue;
      const show = (v: string | number): string => (field === 'mode' && typeof v === 'number' ? '0' + v.toString(8) : JSON.stringify(v));
      return {
        artifact: 'archive',
        path: x.name,
        artifactOffset,
        detail: `'${x.name}': header field ${field} was ${show(x[field])} in the earlier build, is ${show(y[field])} in the new`,
      };
    }
    const offset = firstDifferingByte(x.data, y.data);
    if (offset !== -1) {
      const sizes = x.data.length === y.data.length ? '' : ` (sizes ${x.data.length} and ${y.data.length})`;
      return { artifact: 'archive', path: x.name, offset, artifactOffset, detail: `'${x.name}' differs from byte ${offset}${sizes}` };
    }
  }
  return {
    artifact: 'archive',
    artifactOffset,
    detail: `the archives differ at byte ${artifactOffset}, outside every file's header and contents`,
  };
}

export async function compareImages(
  a: Buffer | undefined,
  b: Buffer | undefined,
  earlierPath: string,
  laterPath: string,
): Promise<TemplateDifference | undefined> {
  const absent = missing('image', a, b, earlierPath);
  if (absent !== undefined || a === undefined || b === undefined) return absent;
  const artifactOffset = firstDifferingByte(a, b);
  if (artifactOffset === -1) return undefined;
  const located = await locateInImage(laterPath, artifactOffset);
  if (located === undefined) {
    // The primary superblock is bytes 1024-2047; its fields say how the filesystem was laid out.
    const where =
      artifactOffset >= 1024 && artifactOffset < 2048
        ? `in the superblock (its byte ${artifactOffset - 1024})`
        : "in filesystem metadata (not inside a file's contents)";
    return { artifact: 'image', artifactOffset, detail: `the images differ from byte ${artifactOffset}, ${where}` };
  }
  return {
    artifact: 'image',
    path: located.path,
    offset: located.offset,
    artifactOffset,
    detail: `'${located.path}' differs from byte ${located.offset} (image byte ${artifactOffset})`,
  };
}

/** Which file's contents hold byte `offset` of an ext2 image, and where in that file; asked of debugfs. */
async function locateInImage(image: string, offset: number): Promise<{ path: string; offset: number } | undefined> {
  const debugfs = await findExecutable('debugfs');
  if (debugfs === undefined) return undefined;
  const block = Math.floor(offset / IMAGE_BLOCK_SIZE);
  const ask = async (request: string): Promise<string> =>
    (await execa(debugfs, ['-R', request, image], { reject: false, env: { LC_ALL: 'C' } })).stdout;
  const inode = /^\s*\d+\s+(\d+)\s*$/m.exec(await ask(`icheck ${block}`))?.[1];
  if (inode === undefined) return undefined;
  const path = /^\s*\d+\s+\/(\S+)\s*$/m.exec(await ask(`ncheck ${inode}`))?.[1];
  if (path === undefined) return undefined;
  const blocks = (await ask(`blocks <${inode}>`)).trim().split(/\s+/).map(Number);
  const logical = blocks.indexOf(block);
  if (logical === -1) return undefined;
  return { path, offset: logical * IMAGE_BLOCK_SIZE + (offset % IMAGE_BLOCK_SIZE) };
}

export function compareManifests(
  a: Buffer | undefined,
  b: Buffer | undefined,
  earlierPath = 'the earlier manifest',
): TemplateDifference | undefined {
  const absent = missing('manifest', a, b, earlierPath);
  if (absent !== undefined || a === undefined || b === undefined) return absent;
  let parsed: [TemplateManifest, TemplateManifest];
  try {
    parsed = [JSON.parse(a.toString('utf8')) as TemplateManifest, JSON.parse(b.toString('utf8')) as TemplateManifest];
  } catch {
    return { artifact: 'manifest', detail: 'a manifest is not valid JSON' };
  }
  const field = firstDifferingField(reproducibleContent(parsed[0]), reproducibleContent(parsed[1]), '');
  if (field === undefined) return undefined;
  return {
    artifact: 'manifest',
    detail: `field ${field.path || '(top)'} was ${field.earlier} in the earlier build, is ${field.later} in the new`,
  };
}

function firstDifferingField(a: unknown, b: unknown, path: string): { path: string; earlier: string; later: string } | undefined {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a)
      ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String)
      : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const key of keys) {
      const child = Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      const found = firstDifferingField((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], child);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return undefined;
  const show = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));
  return { path, earlier: show(a), later: show(b) };
}
