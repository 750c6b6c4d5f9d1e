// Every program a stage executes must be a seed or an earlier stage's output: then no binary from
// outside enters the chain. The programs are the stage's `run.init` and every command its script
// names; a script is read by the reader for its language (scripts/readers.ts).
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Chain, Stage, StageInput } from '../manifest/types.js';
import type { Finding, ProgramSite } from './findings.js';
import type { ProgramReport } from './report.js';
import { readerFor, SCRIPT_READERS } from './scripts/readers.js';
import { rootRelative, ScriptSyntaxError, type ScriptCommand, type ScriptState } from './scripts/script-reader.js';
import { hostPathOf } from './trace-inputs.js';

export interface CheckedPrograms {
  readonly programs: ProgramReport[];
  readonly script?: { readonly path: string; readonly language?: string };
  readonly findings: Finding[];
}

/** Scripts may run the stage's runner on another script; deeper nesting than this is not followed. */
const MAX_SCRIPT_DEPTH = 8;

export async function checkPrograms(chain: Chain, stage: Stage): Promise<CheckedPrograms> {
  const findings: Finding[] = [];
  const programs: ProgramReport[] = [];
  const inputs = new Map(stage.inputs.map((i) => [i.path, i]));
  const treeHolding = (path: string): StageInput | undefined =>
    stage.inputs.find((i) => i.origin.kind === 'tree' && path.startsWith(`${i.path}/`));
  /** Paths named as arguments by the commands so far, with where: a program made earlier in the stage. */
  const mentioned = new Map<string, string>();

  const classify = (program: string, where: ProgramSite): void => {
    const site = where.script === undefined ? 'run.init' : `${where.script}:${where.line ?? '?'}`;
    // A program inside a tree input is that tree's (a file from the repository, like any other).
    const input = inputs.get(program) ?? treeHolding(program);
    if (input === undefined) {
      const ownOutput = stage.outputs.some((o) => o.path === program) || stage.scratch.some((d) => program.startsWith(`${d}/`));
      const madeAt = mentioned.get(program);
      if (ownOutput && madeAt !== undefined) {
        programs.push({ program, site, origin: 'built-here', from: `made by ${madeAt}` });
      } else {
        programs.push({ program, site, origin: 'not-an-input' });
        findings.push({ reason: 'program-not-input', stage: stage.name, program, ...where });
      }
      return;
    }
    const origin = input.origin;
    switch (origin.kind) {
      case 'seed':
        programs.push({ program, site, origin: 'seed', from: origin.seed });
        return;
      case 'stage':
        programs.push({ program, site, origin: 'stage', from: `${origin.stage}:${origin.output}` });
        return;
      case 'file':
      case 'tree':
      case 'url':
      case 'seed-source': {
        const source =
          origin.kind === 'file'
            ? origin.file
            : origin.kind === 'tree'
              ? origin.tree
              : origin.kind === 'url'
                ? (origin.urls[0] ?? '')
                : `source of seed ${origin.seed}`;
        // A program from a source tree is, like a `file:` one, a file from the repository.
        const kind = origin.kind === 'tree' ? 'file' : origin.kind;
        programs.push({ program, site, origin: kind, from: source });
        findings.push({ reason: 'program-from-outside', stage: stage.name, program, origin: kind, source, ...where });
        return;
      }
    }
  };

  const init = stage.run.init;
  classify(init, {});

  // A script is an input of its own or a file of a tree input (upstream's scripts live in its tree).
  const isScript = (path: string): boolean => inputs.has(path) || treeHolding(path) !== undefined;
  // The script is the first argument that names one of the stage's inputs.
  const scriptPath = stage.run.args.map(rootRelative).find(isScript);
  if (scriptPath === undefined) return { programs, findings };
  const reader = readerFor(scriptPath, init);
  if (reader === undefined) {
    const known = SCRIPT_READERS.map((r) => r.language).join(', ');
    findings.push({
      reason: 'script-not-checked',
      stage: stage.name,
      script: scriptPath,
      why: `no reader for its language (the audit reads: ${known})`,
    });
    return { programs, script: { path: scriptPath }, findings };
  }

  const visited = new Set<string>();
  const readScript = async (path: string, depth: number, state?: ScriptState): Promise<void> => {
    if (visited.has(path) || depth > MAX_SCRIPT_DEPTH) return;
    visited.add(path);
    const text = await scriptText(chain, stage, path, inputs.get(path) ?? treeHolding(path)!);
    if (text === undefined) {
      findings.push({
        reason: 'script-not-checked',
        stage: stage.name,
        script: path,
        why: 'its text is not in the repository (it comes from a stage or a download)',
      });
      return;
    }
    let commands: ScriptCommand[];
    try {
      commands = reader.read(path, text, state);
    } catch (error) {
      if (!(error instanceof ScriptSyntaxError)) throw error;
      findings.push({
        reason: 'script-not-checked',
        stage: stage.name,
        script: path,
        why: `the ${reader.language} reader cannot read it: ${error.message}`,
      });
      return;
    }
    for (const command of commands) {
      // A program looked up in PATH is the first candidate the stage has (an input, or made here).
      const program = command.candidates?.find((c) => inputs.has(c) || mentioned.has(c) || treeHolding(c) !== undefined) ?? command.program;
      classify(program, { script: command.script, line: command.line });
      // The runner run on another script of the stage: read that one too. Upstream kaem and the
      // chain's (stage 18-kaem) take it after `--file` or `-f`, other options before or after it
      // (`--verbose --file x.kaem`); kindling's seed kaem as its only argument.
      const fileFlag = command.args.findIndex((a) => a === '--file' || a === '-f');
      const scriptArg = fileFlag >= 0 ? command.args[fileFlag + 1] : command.args.find((a) => !a.startsWith('-'));
      const directory = command.state?.directory ?? '';
      const nested =
        scriptArg === undefined ? undefined : rootRelative(scriptArg.startsWith('/') ? scriptArg : posix.join(directory || '.', scriptArg));
      const isRunner = program === init || program.split('/').pop() === 'kaem';
      if (isRunner && nested !== undefined && isScript(nested)) await readScript(nested, depth + 1, command.state);
      for (const arg of command.args) {
        const path = rootRelative(arg.startsWith('/') ? arg : posix.join(directory || '.', arg));
        if (!mentioned.has(path)) mentioned.set(path, `${command.script}:${command.line}`);
      }
    }
  };
  await readScript(scriptPath, 0);
  return { programs, script: { path: scriptPath, language: reader.language }, findings };
}

/** The script's text: the input's file, or for a file inside a tree input, that file of the tree. */
async function scriptText(chain: Chain, stage: Stage, path: string, input: StageInput): Promise<string | undefined> {
  const hostPath = hostPathOf(chain, stage, input);
  if (hostPath === undefined) return undefined;
  try {
    return await readFile(input.path === path ? hostPath : posix.join(hostPath, posix.relative(input.path, path)), 'utf8');
  } catch {
    return undefined;
  }
}
