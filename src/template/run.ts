// `kindling template run`: one command inside a built template, under a backend. The template's
// archive (checked against its manifest) is unpacked into a fresh root, the work directory's files
// are laid beside the image's own at `/`, which is where the command starts, and the backend runs
// the command with that root as the machine's whole filesystem: a VM booted on a disk made of it,
// or bubblewrap with it as `/`. Afterwards the work directory receives what `/` holds beyond the
// image: the files it had, as the command left them, and any the command made. The image's own
// files are unpacked afresh for every run, so nothing a command does to them outlives it. In a VM
// a command whose words the kernel command line cannot carry (a space, a quote) runs from a script
// in /tmp, through the image's /bin/sh.
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { execa } from 'execa';
import { sha256File } from '../digest.js';
import { KindlingError, messageOf } from '../errors.js';
import { fitsKernelCommandLine } from '../sandbox/qemu-command.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { outputFiles } from './build.js';
import { commandOutput } from './run-output.js';

export interface TemplateRunOptions {
  /** Directory holding NAME.tar and NAME.manifest.json, as `template build` wrote them. */
  readonly templatesDir: string;
  readonly name: string;
  readonly sandbox: Sandbox;
  /** The program (a path in the image or the work directory, or a name found in /usr/bin or /bin) and its arguments. */
  readonly command: readonly string[];
  /** Host directory copied in before the run and given the results after it. */
  readonly workDir?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface TemplateRunResult {
  readonly exitCode: number;
  /** What the command printed (stdout and stderr, in order). */
  readonly output: string;
  readonly durationMs: number;
}

/** Where a command named without a slash is looked for, in order. */
export const SEARCH_PATH = ['usr/bin', 'bin'] as const;
/** Names at the top of `/` that belong to the machine, never to the work directory. */
const RESERVED = new Set(['lost+found', 'kindling-init', 'dev', 'proc', 'tmp']);

export async function runInTemplate(options: TemplateRunOptions): Promise<TemplateRunResult> {
  const { name, command } = options;
  if (command.length === 0) throw new KindlingError('usage', 'no command given: kindling template run NAME -- COMMAND [ARGS...]');
  const files = outputFiles(options.templatesDir, name);
  const archiveSha256 = await builtArchiveSha256(files.manifest, name, options.templatesDir);
  if (options.workDir !== undefined) await requireDirectory(options.workDir);
  const actual = await sha256File(files.archive).catch(() => undefined);
  if (actual !== archiveSha256) {
    throw new KindlingError(
      'failed',
      `${files.archive}: ${actual === undefined ? 'missing' : `sha256 ${actual}`}, but ${files.manifest} names ${archiveSha256}: build the template again`,
    );
  }

  const scratch = await mkdtemp(join(tmpdir(), 'kindling-template-run-'));
  try {
    const root = join(scratch, 'root');
    await mkdir(root);
    const unpacked = await execa('tar', ['-xf', files.archive, '-C', root], { reject: false, all: true });
    if (unpacked.exitCode !== 0) throw new KindlingError('environment', `tar could not unpack ${files.archive}: ${unpacked.all?.trim()}`);
    const imageNames = new Set(await readdir(root));
    await mkdir(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
    // Where the machine's device nodes appear: configure scripts and Makefiles write to /dev/null.
    await mkdir(join(root, 'dev'), { recursive: true });

    if (options.workDir !== undefined) {
      for (const entry of await readdir(options.workDir)) {
        if (imageNames.has(entry) || RESERVED.has(entry)) {
          throw new KindlingError(
            'usage',
            `${join(options.workDir, entry)}: the command starts in /, where '${entry}' belongs to the image or the machine; move it into a subdirectory`,
          );
        }
      }
      await copyContents(options.workDir, root);
    }

    const program = await resolveCommand(root, command[0]!);
    if (program === undefined) {
      const where = command[0]!.includes('/') ? '' : ` (looked in ${SEARCH_PATH.map((d) => `/${d}`).join(' and ')})`;
      throw new KindlingError('failed', `command '${command[0]}' not found in template '${name}' or the work directory${where}`);
    }

    const { init, args } = await invocation(root, program, command.slice(1), options.sandbox.name, name);
    const logFile = join(scratch, 'output.log');
    const result = await options.sandbox.run({
      root,
      init,
      args,
      devices: true,
      timeoutMs: options.timeoutMs,
      logFile,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    if (!result.ok) {
      const error = result.error;
      if (error.reason === 'timeout') {
        throw new KindlingError(
          'failed',
          `'${command.join(' ')}' in template '${name}' did not end within ${error.timeoutMs / 1000} s (--timeout) under ${options.sandbox.name}; it was stopped and the work directory left as it was`,
        );
      }
      if (error.reason === 'aborted') throw new KindlingError('interrupted', `'${command[0]}' in template '${name}': ${error.message}`);
      throw new KindlingError(
        'failed',
        `'${command[0]}' in template '${name}' could not run under ${options.sandbox.name}: ${error.message}`,
      );
    }
    const log = await readFile(logFile, 'latin1').catch(() => '');
    const output = commandOutput(log, options.sandbox.name);

    if (options.workDir !== undefined) await takeResults(root, options.workDir, imageNames);
    return { exitCode: result.exitCode, output, durationMs: result.durationMs };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * What the backend starts. A VM's init gets its arguments through the kernel command line, which
 * splits words at spaces and has no quoting; so when a word could not pass there, the command is
 * written as a script in the run's /tmp (never returned to the work directory) and the image's
 * /bin/sh runs it, which `exec`s the program with the words exactly as given.
 */
async function invocation(
  root: string,
  program: string,
  args: readonly string[],
  backend: string,
  name: string,
): Promise<{ init: string; args: readonly string[] }> {
  if (backend !== 'qemu' || [program, ...args].every(fitsKernelCommandLine)) return { init: program, args };
  if ((await resolveCommand(root, '/bin/sh')) === undefined) {
    const word = args.find((a) => !fitsKernelCommandLine(a)) ?? program;
    throw new KindlingError(
      'usage',
      `cannot pass ${JSON.stringify(word)} to a command in a VM: template '${name}' has no /bin/sh to run it from a script, and the kernel command line takes only words without spaces or '"'`,
    );
  }
  const script = ['exec', `/${program}`, ...args].map((word, i) => (i === 0 ? word : shellQuoted(word))).join(' ') + '\n';
  await writeFile(join(root, COMMAND_SCRIPT), script, { mode: 0o644 });
  return { init: 'bin/sh', args: [`/${COMMAND_SCRIPT}`] };
}

/** Where a command that cannot pass on the kernel command line is written (under /tmp, which stays behind). */
export const COMMAND_SCRIPT = 'tmp/kindling-command';

/** A word in single quotes, for sh: a quote inside becomes '\''. */
export function shellQuoted(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

async function builtArchiveSha256(manifestPath: string, name: string, templatesDir: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new KindlingError(
      'usage',
      `template '${name}' is not built in ${templatesDir}: run kindling template build ${name} first, or give --templates`,
    );
  }
  try {
    const sha256 = (JSON.parse(text) as { archive?: { sha256?: unknown } }).archive?.sha256;
    if (typeof sha256 === 'string') return sha256;
  } catch {
    // Reported below, as for a manifest without the field.
  }
  throw new KindlingError('input', `${manifestPath}: archive.sha256 is missing or the file is not JSON`);
}

async function requireDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) throw new KindlingError('usage', `work directory ${dir} does not exist`);
  if (!info.isDirectory()) throw new KindlingError('usage', `work directory ${dir} is not a directory`);
}

/**
 * The command's program as a path inside root (no leading slash), or undefined when there is no
 * executable file there. A name with a slash is taken from `/` (where the command starts); a name
 * without one is looked for along SEARCH_PATH, as a shell would with that PATH.
 */
export async function resolveCommand(root: string, name: string): Promise<string | undefined> {
  const candidates = name.includes('/') ? [posix.resolve('/', name).slice(1)] : SEARCH_PATH.map((dir) => `${dir}/${name}`);
  for (const candidate of candidates) {
    if (candidate === '') continue;
    const resolved = await insideRoot(root, candidate);
    if (resolved === undefined) continue;
    const info = await lstat(join(root, resolved)).catch(() => undefined);
    if (info?.isFile() && (info.mode & 0o111) !== 0) return candidate;
  }
  return undefined;
}

/**
 * The path (relative to root) that `path` names once its symbolic links are followed as the
 * machine will follow them, with root as `/`; never read on the host, where a link would lead out
 * of the image. Undefined for a loop or a dangling link.
 */
async function insideRoot(root: string, path: string): Promise<string | undefined> {
  let current = path;
  for (let hops = 0; hops < 40; hops += 1) {
    const segments = current.split('/');
    let prefix = '';
    let followed = false;
    for (let i = 0; i < segments.length; i += 1) {
      const next = prefix === '' ? segments[i]! : `${prefix}/${segments[i]!}`;
      const info = await lstat(join(root, next)).catch(() => undefined);
      if (info === undefined) return undefined;
      if (info.isSymbolicLink()) {
        const target = await readlink(join(root, next));
        const base = target.startsWith('/') ? target : posix.join('/', prefix, target);
        current = posix.resolve('/', base, ...segments.slice(i + 1)).slice(1);
        followed = true;
        break;
      }
      prefix = next;
    }
    if (!followed) return current;
  }
  return undefined;
}

/** Copies dir's entries into target, keeping modes, times and symbolic links. */
async function copyContents(dir: string, target: string): Promise<void> {
  const copied = await execa('cp', ['-a', '--', `${dir}/.`, `${target}/`], { reject: false, all: true });
  if (copied.exitCode !== 0) throw new KindlingError('environment', `could not copy ${dir} into the run's root: ${copied.all?.trim()}`);
}

/** The work directory becomes what `/` holds beyond the image and the machine's own entries. */
async function takeResults(root: string, workDir: string, imageNames: ReadonlySet<string>): Promise<void> {
  const results = join(root, '..', 'results');
  await mkdir(results);
  for (const entry of await readdir(root)) {
    if (imageNames.has(entry) || RESERVED.has(entry)) continue;
    await rename(join(root, entry), join(results, entry));
  }
  try {
    for (const entry of await readdir(workDir)) await rm(join(workDir, entry), { recursive: true, force: true });
    await copyContents(results, workDir);
  } catch (error) {
    throw new KindlingError('environment', `the command ended, but its results could not be put in ${workDir}: ${messageOf(error)}`);
  }
}
