// Reads kaem scripts: kindling's seed runner's language, and the richer dialect of the kaem that
// other bootstraps write their steps in, so that their scripts are read, not misread. The chain
// builds a runner of that dialect (stages/amd64/18-kaem, whose LANGUAGE.md is the dialect), and
// test/stages/kaem.test.ts holds this reader and that runner to the same commands and refusals:
// - one command a line; a backslash at the end of a line (not a comment line) joins the next one;
// - words split on spaces and tabs; "double" and 'single' quotes keep blanks inside a word;
// - `#` at the start of a word starts a comment that runs to the end of the line;
// - `NAME=value` alone on a line, or `export NAME=value…`, sets a variable; `$NAME` and
//   `${NAME}` are replaced by its value; `unset NAME…` forgets it; variables set by a script are
//   seen by the scripts it runs with kaem;
// - `cd DIR` changes the directory later relative program paths are taken from;
// - `set` (-e, +e, -x, +x, or joined: -ex), `echo`, `pwd`, `unset`, `export` are the runner's own and run no program;
// - a program named without a `/` is looked up in the directories of PATH, when PATH is set.
// What the reader cannot know (a variable the script never sets, say) it refuses to guess, as the
// runner refuses to run it: it throws ScriptSyntaxError, and the audit then says the script was
// not checked — a proof left incomplete, never a false finding.
import { posix } from 'node:path';
import { rootRelative, ScriptSyntaxError, type ScriptCommand, type ScriptReader, type ScriptState } from './script-reader.js';

const BUILTINS = new Set(['echo', 'pwd']);
/** `set -e`, `set +x`, `set -ex`…: stop at a failing command (e), print commands (x); `+` turns off. */
const SET_OPTION = /^[-+][ex]+$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

export const kaemReader: ScriptReader = {
  language: 'kaem',

  recognizes(scriptPath: string, initPath: string): boolean {
    return scriptPath.endsWith('.kaem') || initPath.split('/').pop() === 'kaem';
  },

  read(scriptPath: string, text: string, start: ScriptState = { variables: new Map(), directory: '' }): ScriptCommand[] {
    const variables = new Map(start.variables);
    let directory = start.directory;
    const commands: ScriptCommand[] = [];
    for (const { line, text: logical } of logicalLines(text)) {
      const fail = (message: string): never => {
        throw new ScriptSyntaxError(scriptPath, line, message);
      };
      const words = splitWords(logical, fail).map((word) => expand(word, variables, fail));
      if (words.length === 0) continue;
      const [first, ...rest] = words as [string, ...string[]];
      if (first === 'export') {
        // `export NAME` exports what is set already: every variable is in the environment.
        for (const word of rest) {
          const assignment = ASSIGNMENT.exec(word);
          if (assignment !== null) variables.set(assignment[1]!, assignment[2]!);
        }
        continue;
      }
      const assignment = ASSIGNMENT.exec(first);
      if (assignment !== null) {
        if (rest.length > 0) fail('an assignment before a command is not supported (set it on a line of its own)');
        variables.set(assignment[1]!, assignment[2]!);
        continue;
      }
      if (first === 'unset') {
        for (const name of rest) variables.delete(name);
        continue;
      }
      if (first === 'set') {
        const bad = rest.find((option) => !SET_OPTION.test(option));
        if (bad !== undefined) fail(`set takes -e, +e, -x, +x (or -ex, ...), not '${bad}'`);
        continue;
      }
      if (first === 'cd') {
        if (rest.length !== 1) fail('cd takes one directory');
        directory = rootRelative(posix.join(rest[0]!.startsWith('/') ? '' : directory, rest[0]!)) || '';
        if (directory === '.') directory = '';
        continue;
      }
      if (BUILTINS.has(first)) continue;
      const state = { variables: new Map(variables), directory };
      const candidates = programCandidates(first, directory, variables.get('PATH'));
      commands.push({
        script: scriptPath,
        line,
        program: candidates[0]!,
        ...(candidates.length > 1 ? { candidates } : {}),
        args: rest,
        state,
      });
    }
    return commands;
  },
};

/** Lines with their continuations joined, each with the number of the line it starts on. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let pending: { line: number; text: string } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const joined = pending === undefined ? { line: index + 1, text: line } : { line: pending.line, text: pending.text + line };
    if (joined.text.endsWith('\\') && !isComment(joined.text)) {
      pending = { line: joined.line, text: joined.text.slice(0, -1) };
    } else {
      pending = undefined;
      out.push(joined);
    }
  });
  if (pending !== undefined) out.push(pending);
  return out;
}

function isComment(line: string): boolean {
  return line.trimStart().startsWith('#');
}

/** Words of a line: blanks split, quotes group (and are removed), `#` at a word's start ends the line. */
function splitWords(line: string, fail: (message: string) => never): { text: string; expandable: boolean[] }[] {
  const words: { text: string; expandable: boolean[] }[] = [];
  let current: { text: string; expandable: boolean[] } | undefined;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (current !== undefined) words.push(current);
      current = undefined;
      i += 1;
      continue;
    }
    if (c === '#' && current === undefined) break;
    current ??= { text: '', expandable: [] };
    if (c === '"' || c === "'") {
      const end = line.indexOf(c, i + 1);
      if (end < 0) fail(`unterminated ${c === '"' ? 'double' : 'single'} quote`);
      const inside = line.slice(i + 1, end);
      current.text += inside;
      // Variables are replaced inside double quotes, not inside single ones.
      for (let k = 0; k < inside.length; k += 1) current.expandable.push(c === '"');
      i = end + 1;
      continue;
    }
    current.text += c;
    current.expandable.push(true);
    i += 1;
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** `$NAME` and `${NAME}` replaced by the variable's value; an unknown variable cannot be guessed. */
function expand(
  word: { text: string; expandable: boolean[] },
  variables: ReadonlyMap<string, string>,
  fail: (message: string) => never,
): string {
  let out = '';
  let i = 0;
  while (i < word.text.length) {
    if (word.text[i] !== '$' || word.expandable[i] !== true) {
      out += word.text[i]!;
      i += 1;
      continue;
    }
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(word.text.slice(i));
    const plain = braced === null ? /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(word.text.slice(i)) : null;
    const match = braced ?? plain;
    if (match === null) fail(`'$' not followed by a variable name in '${word.text}'`);
    const value = variables.get(match[1]!);
    if (value === undefined) fail(`variable ${match[1]} is not set (a stage starts with an empty environment)`);
    out += value;
    i += match[0].length;
  }
  return out;
}

/** The files a program word may name, in the order kaem would try them. */
function programCandidates(program: string, directory: string, path: string | undefined): string[] {
  if (program.includes('/')) return [rootRelative(program.startsWith('/') ? program : posix.join(directory || '.', program))];
  if (path === undefined) return [rootRelative(posix.join(directory || '.', program))];
  const dirs = path.split(':').filter((d) => d !== '');
  return dirs.map((dir) => rootRelative(posix.join(dir.startsWith('/') ? dir : posix.join(directory || '.', dir), program)));
}
