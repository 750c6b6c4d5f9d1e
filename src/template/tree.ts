// The tree a template holds: its files and the directories they imply, in one canonical order.
// Archive, image and manifest are all written from this list, so they cannot disagree, and
// nothing about the host (directory order, umask, clock) has a way in.
import type { Sha256 } from '../digest.js';
import type { TemplateDeclaration } from './declaration.js';

/** Directories are always 0755: a template declares files, its directories follow from them. */
export const DIRECTORY_MODE = 0o755;

export interface TemplateFileNode {
  readonly kind: 'file';
  readonly path: string;
  readonly mode: number;
  readonly sha256: Sha256;
  readonly stage: string;
  readonly output: string;
}

export interface TemplateDirectoryNode {
  readonly kind: 'directory';
  readonly path: string;
  readonly mode: number;
}

/** A symbolic link: mode 0777 as Linux gives every link (its own mode is never consulted). */
export interface TemplateLinkNode {
  readonly kind: 'symlink';
  readonly path: string;
  readonly mode: number;
  readonly target: string;
}

export const LINK_MODE = 0o777;

export type TemplateNode = TemplateFileNode | TemplateDirectoryNode | TemplateLinkNode;

/** Byte order of the paths (they are ASCII): a directory always comes before what it holds. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function templateTree(declaration: TemplateDeclaration): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  const directories = new Set<string>();
  for (const entry of [...declaration.entries, ...declaration.links]) {
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i += 1) directories.add(segments.slice(0, i).join('/'));
  }
  for (const entry of declaration.entries) {
    nodes.push({ kind: 'file', path: entry.path, mode: entry.mode, sha256: entry.sha256, stage: entry.stage, output: entry.output });
  }
  for (const link of declaration.links) nodes.push({ kind: 'symlink', path: link.path, mode: LINK_MODE, target: link.target });
  for (const path of directories) nodes.push({ kind: 'directory', path, mode: DIRECTORY_MODE });
  return nodes.sort((a, b) => comparePaths(a.path, b.path));
}
