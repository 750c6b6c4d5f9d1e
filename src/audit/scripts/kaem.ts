// Reads kaem scripts, the seed script runner's language: one command a line, words split on spaces
// and tabs, `#` starts a comment that runs to the end of the line, blank lines are skipped. The
// first word is the program, run by path as given, relative to the root.
import { rootRelative, type ScriptCommand, type ScriptReader } from './script-reader.js';

export const kaemReader: ScriptReader = {
  language: 'kaem',

  recognizes(scriptPath: string, initPath: string): boolean {
    return scriptPath.endsWith('.kaem') || initPath.split('/').pop() === 'kaem';
  },

  read(scriptPath: string, text: string): ScriptCommand[] {
    const commands: ScriptCommand[] = [];
    text.split('\n').forEach((raw, index) => {
      const hash = raw.indexOf('#');
      const words = (hash < 0 ? raw : raw.slice(0, hash)).split(/[ \t\r]+/).filter((w) => w !== '');
      const [program, ...args] = words;
      if (program === undefined) return;
      commands.push({ script: scriptPath, line: index + 1, program: rootRelative(program), args });
    });
    return commands;
  },
};
