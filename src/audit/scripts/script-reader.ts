// What the audit needs from a script language: the programs a script runs, line by line. One
// reader per language (kaem now; a shell built by the chain later) sits behind this interface.
import { posix } from 'node:path';
import { KindlingError } from '../../errors.js';

export interface ScriptCommand {
  /** The script file (a path in the stage root) the command was read from. */
  readonly script: string;
  /** 1-based line number in that file. */
  readonly line: number;
  /** The program run, as a path relative to the stage root (the root is the working directory). */
  readonly program: string;
  /** When the program is looked up (in PATH): every file it may be, in lookup order; `program` is the first. */
  readonly candidates?: readonly string[];
  readonly args: readonly string[];
  /** The script's variables and directory when the command runs: what a script it runs starts with. */
  readonly state?: ScriptState;
}

/** What a script runner carries from line to line, and into the scripts it runs. */
export interface ScriptState {
  readonly variables: ReadonlyMap<string, string>;
  /** The current directory, relative to the root ('' for the root itself). */
  readonly directory: string;
}

export interface ScriptReader {
  /** A name for reports: "kaem". */
  readonly language: string;
  /** Whether this reader understands the script at `scriptPath`, run by the program at `initPath`. */
  recognizes(scriptPath: string, initPath: string): boolean;
  /**
   * The commands of a script, in order, starting from `state` (a nested script's is its caller's).
   * Throws ScriptSyntaxError for a line it cannot read.
   */
  read(scriptPath: string, text: string, state?: ScriptState): ScriptCommand[];
}

export class ScriptSyntaxError extends KindlingError {
  readonly script: string;
  readonly line: number;

  constructor(script: string, line: number, message: string) {
    super('manifest', `${script}:${line}: ${message}`);
    this.name = 'ScriptSyntaxError';
    this.script = script;
    this.line = line;
  }
}

/**
 * A path as the stage sees it, made relative to the root: the working directory is `/`, so
 * `/bin/x`, `./bin/x` and `bin/x` name one file. A path that climbs out of the root keeps its `..`.
 */
export function rootRelative(path: string): string {
  const normal = posix.normalize(path.startsWith('/') ? path.slice(1) || '.' : path);
  return normal.startsWith('./') ? normal.slice(2) : normal;
}
