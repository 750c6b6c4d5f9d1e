// A template declaration: which stage outputs go into an image, at which paths, with which modes.
// Templates live beside the chain, one YAML file each: <chain>/templates/<name>.yaml. Everything
// that can be checked without running anything is checked here, and every error names the file
// and the field, as the stage manifests' errors do.
import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import yaml from 'js-yaml';
import { sha256Bytes, type Sha256 } from '../digest.js';
import { ManifestError } from '../manifest/errors.js';
import { asList, asMap, asString, checkKeys, required } from '../manifest/fields.js';
import { checkStageRootPath, pathsOverlap } from '../manifest/paths.js';
import type { Chain } from '../manifest/types.js';
import { KindlingError } from '../errors.js';

export const TEMPLATES_DIR = 'templates';

export interface TemplateEntry {
  /** Where the file sits in the template: relative, normal, inside it. */
  readonly path: string;
  readonly stage: string;
  /** The output path as the producing stage declares it. */
  readonly output: string;
  readonly sha256: Sha256;
  /** Permission bits only (no file type, no setuid/setgid/sticky). */
  readonly mode: number;
}

/**
 * A symbolic link the template holds: one program under several names (BusyBox's applets, `cc`
 * for tcc) without a copy per name. It carries no bytes of its own, only the path it points to.
 */
export interface TemplateLink {
  readonly path: string;
  /** Where it points, as written: relative to the link's directory, or absolute in the template. */
  readonly target: string;
}

export interface TemplateDeclaration {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the YAML file. */
  readonly file: string;
  /** sha256 of the file's bytes: part of the template's identity. */
  readonly declarationSha256: Sha256;
  readonly entries: readonly TemplateEntry[];
  readonly links: readonly TemplateLink[];
}

const TEMPLATE_KEYS = ['name', 'description', 'entries'];
const ENTRY_KEYS = ['path', 'stage', 'output', 'mode'];
const LINK_KEYS = ['path', 'link'];
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
// Template paths are written into tar headers and given to debugfs, whose command parser splits on
// blanks and treats quotes specially: a plain portable character set keeps both exact.
const PATH_SEGMENT_PATTERN = /^[A-Za-z0-9._+@=,~-]+$/;
const MAX_PATH_BYTES = 255;
// The octal spelling a reader expects: 755, 0755 or 0o755. YAML is read with the failsafe schema,
// so `0755` arrives as the text the author wrote, not as a number YAML reinterpreted.
const MODE_PATTERN = /^(?:0o?)?([0-7]{3,4})$/;

export function templateFile(chain: Chain, name: string): string {
  return join(chain.dir, TEMPLATES_DIR, `${name}.yaml`);
}

/** Names of the templates declared beside the chain, sorted. */
export async function listTemplates(chain: Chain): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(join(chain.dir, TEMPLATES_DIR));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.yaml'))
    .map((n) => n.slice(0, -'.yaml'.length))
    .sort();
}

export class UnknownTemplateError extends KindlingError {
  constructor(name: string, known: readonly string[], dir: string) {
    super('usage', `no template '${name}' in ${dir} (templates: ${known.join(', ') || 'none'})`);
    this.name = 'UnknownTemplateError';
  }
}

/** Loads and checks template `name` of `chain` against the chain's stages and outputs. */
export async function loadTemplate(chain: Chain, name: string): Promise<TemplateDeclaration> {
  const path = templateFile(chain, name);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new UnknownTemplateError(name, await listTemplates(chain), join(chain.dir, TEMPLATES_DIR));
  }
  return parseTemplate(chain, path, bytes, name);
}

/** Checks a template's bytes; `expectedName` (the file's base name) must match its `name` field. */
export function parseTemplate(chain: Chain, path: string, bytes: Buffer, expectedName?: string): TemplateDeclaration {
  const file = relative(process.cwd(), path) || path;
  let document: unknown;
  try {
    document = yaml.load(bytes.toString('utf8'), { filename: file, schema: yaml.FAILSAFE_SCHEMA });
  } catch (error) {
    throw new ManifestError(file, '', `is not valid YAML: ${(error as Error).message}`);
  }
  const top = asMap(file, '', document);
  checkKeys(file, '', top, TEMPLATE_KEYS);
  const name = asString(file, 'name', required(file, '', top, 'name'));
  if (!NAME_PATTERN.test(name)) throw new ManifestError(file, 'name', `'${name}' must be letters, digits, . _ + -`);
  if (expectedName !== undefined && name !== expectedName) {
    throw new ManifestError(file, 'name', `is '${name}' but the file is named ${expectedName}.yaml; the two must agree`);
  }
  const description = top.description === undefined ? '' : asString(file, 'description', top.description);
  const list = asList(file, 'entries', required(file, '', top, 'entries'));
  if (list.length === 0) throw new ManifestError(file, 'entries', 'a template must hold at least one file');
  // Each declared entry with the index it came from, so a clash names the entry that caused it.
  const expanded = list.flatMap((value, i) => readEntryOrLink(chain, file, `entries[${i}]`, value).map((entry) => ({ entry, index: i })));
  expanded.forEach(({ entry, index }, k) => {
    const clash = expanded.findIndex((other, j) => j < k && pathsOverlap(other.entry.path, entry.path));
    if (clash === -1) return;
    const other = expanded[clash]!;
    const problem =
      other.entry.path === entry.path
        ? `'${entry.path}' is also given by entries[${other.index}]`
        : `'${entry.path}' and '${other.entry.path}' (entries[${other.index}]) cannot both exist: one would be a directory of the other`;
    throw new ManifestError(file, `entries[${index}].path`, problem);
  });
  const entries = expanded.flatMap(({ entry }) => ('target' in entry ? [] : [entry]));
  const links = expanded.flatMap(({ entry }) => ('target' in entry ? [entry] : []));
  const paths = new Set(entries.map((e) => e.path));
  const linkPaths = new Set(links.map((l) => l.path));
  expanded.forEach(({ entry, index }) => {
    if (!('target' in entry)) return;
    const dir = posix.dirname(entry.path);
    const pointed = entry.target.startsWith('/') ? entry.target.slice(1) : posix.normalize(posix.join(dir, entry.target));
    if (!paths.has(pointed) && !linkPaths.has(pointed)) {
      throw new ManifestError(file, `entries[${index}].link`, `'${entry.target}' (from ${entry.path}) is no file or link of the template`);
    }
  });
  return { name, description, file: path, declarationSha256: sha256Bytes(bytes), entries, links };
}

/** An entry is a stage output (or a directory of them), or a symbolic link: `{ path, link }`. */
function readEntryOrLink(chain: Chain, file: string, field: string, value: unknown): (TemplateEntry | TemplateLink)[] {
  const map = asMap(file, field, value);
  if (map.link === undefined) return readEntry(chain, file, field, value);
  checkKeys(file, field, map, LINK_KEYS);
  const path = checkTemplatePath(file, `${field}.path`, required(file, field, map, 'path'));
  const target = asString(file, `${field}.link`, map.link);
  const segments = (target.startsWith('/') ? target.slice(1) : target).split('/');
  const odd = segments.find((segment) => segment !== '..' && (segment === '.' || !PATH_SEGMENT_PATTERN.test(segment)));
  if (target === '' || odd !== undefined) {
    throw new ManifestError(
      file,
      `${field}.link`,
      `'${target}' must be a path of the template, relative or absolute, of the characters a template path may hold`,
    );
  }
  return [{ path, target }];
}

/**
 * One declared entry: a single output at `path`, or, when `output` names a directory of the
 * stage's outputs, every output under it at the same place under `path`.
 */
function readEntry(chain: Chain, file: string, field: string, value: unknown): TemplateEntry[] {
  const map = asMap(file, field, value);
  checkKeys(file, field, map, ENTRY_KEYS);
  const path = checkTemplatePath(file, `${field}.path`, required(file, field, map, 'path'));
  const stageName = asString(file, `${field}.stage`, required(file, field, map, 'stage'));
  const stage = chain.stages.find((s) => s.name === stageName);
  if (stage === undefined) {
    throw new ManifestError(
      file,
      `${field}.stage`,
      `no stage named '${stageName}' in chain '${chain.name}' (stages: ${chain.stages.map((s) => s.name).join(', ') || 'none'})`,
    );
  }
  // As for stage inputs, the output defaults to the same path.
  const outputPath = map.output === undefined ? path : checkStageRootPath(file, `${field}.output`, map.output);
  const mode = map.mode === undefined ? undefined : readMode(file, `${field}.mode`, map.mode);
  const exact = stage.outputs.find((o) => o.path === outputPath);
  const chosen = exact !== undefined ? [exact] : stage.outputs.filter((o) => o.path.startsWith(`${outputPath}/`));
  if (chosen.length === 0) {
    throw new ManifestError(
      file,
      `${field}.output`,
      `stage '${stageName}' declares no output '${outputPath}' and none under it (outputs: ${stage.outputs.map((o) => o.path).join(', ')})`,
    );
  }
  return chosen.map((output) => {
    const placed = exact !== undefined ? path : `${path}${output.path.slice(outputPath.length)}`;
    const where = exact !== undefined ? `${field}.path` : `${field}.path (for ${output.path})`;
    return {
      path: checkTemplatePath(file, where, placed),
      stage: stageName,
      output: output.path,
      sha256: output.sha256,
      mode: mode ?? (output.executable ? 0o755 : 0o644),
    };
  });
}

function checkTemplatePath(file: string, field: string, value: unknown): string {
  const path = checkStageRootPath(file, field, value);
  const odd = path.split('/').find((segment) => !PATH_SEGMENT_PATTERN.test(segment));
  if (odd !== undefined) {
    throw new ManifestError(
      file,
      field,
      `'${path}': '${odd}' holds a character a template path may not (allowed: letters, digits and . _ + @ = , ~ -)`,
    );
  }
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw new ManifestError(file, field, `is longer than ${MAX_PATH_BYTES} bytes`);
  if (path.split('/')[0] === 'lost+found') {
    throw new ManifestError(file, field, `'${path}': lost+found at the top is the image filesystem's own directory`);
  }
  return path;
}

function readMode(file: string, field: string, value: unknown): number {
  const match = typeof value === 'string' ? MODE_PATTERN.exec(value) : null;
  if (match === null) throw new ManifestError(file, field, `'${String(value)}' is not an octal mode such as 0755 or 0644`);
  const mode = parseInt(match[1]!, 8);
  if (mode > 0o777) {
    throw new ManifestError(file, field, `'${String(value)}' sets setuid, setgid or sticky bits, which a template does not carry`);
  }
  if ((mode & 0o400) === 0) throw new ManifestError(file, field, `'${String(value)}' leaves the file unreadable to its owner`);
  return mode;
}

export function formatMode(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}
