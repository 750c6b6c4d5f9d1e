// Reads what `strace -f --pidns-translation` wrote about a stage's processes: which paths each
// opened for reading, executed, wrote, or looked for in vain. Paths are made absolute inside the
// stage root by following each process's working directory (chdir, inherited over fork).
import { posix } from 'node:path';

export interface FileAccess {
  /** Opened for reading or executed, and there. */
  readonly read: Set<string>;
  /** Created, opened for writing, renamed to or made as a directory. */
  readonly written: Set<string>;
  /** Opened for reading or executed, but not there (ENOENT): each with the call that missed it. */
  readonly missing: Map<string, string>;
}

/** The system calls the trace asks strace for (`-e trace=`). */
export const TRACED_CALLS = [
  'open',
  'openat',
  'creat',
  'execve',
  'chdir',
  'fchdir',
  'rename',
  'renameat',
  'renameat2',
  'mkdir',
  'mkdirat',
  'clone',
  'clone3',
  'fork',
  'vfork',
];

/** One strace string argument, unescaped (strace writes \" \\ \n \t and octal escapes). */
function unquote(text: string): string {
  return text.replace(/\\(\d{1,3}|x[0-9a-fA-F]{2}|.)/g, (_, escaped: string) => {
    if (/^\d/.test(escaped)) return String.fromCharCode(parseInt(escaped, 8));
    if (escaped.startsWith('x') && escaped.length === 3) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[escaped] ?? escaped;
  });
}

/** The quoted strings among a call's arguments, in order. */
function strings(args: string): string[] {
  return [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unquote(m[1]!));
}

const CALL = /^(\d+) +(\w+)\((.*)\) += (-?\d+|\?)(?: \/\* (\d+) in strace's PID NS \*\/)?(?: (\w+))?/;

/**
 * Every access after the stage's init started (what bwrap did to set up the sandbox is not the
 * stage's). `init` is the init's absolute path inside the root.
 */
export function readStraceLog(text: string, init: string): FileAccess {
  const access: FileAccess = { read: new Set(), written: new Set(), missing: new Map() };
  const cwd = new Map<number, string>();
  const pending = new Map<number, string>();
  let started = false;

  const resolve = (pid: number, path: string): string =>
    posix.normalize(posix.isAbsolute(path) ? path : posix.join(cwd.get(pid) ?? '/', path));
  const wrote = (path: string): void => {
    access.written.add(path);
    access.missing.delete(path);
  };

  for (let line of text.split('\n')) {
    // Calls interrupted by another process's are split in two lines: join them.
    const unfinished = /^(\d+) (.*) <unfinished \.\.\.>$/.exec(line);
    if (unfinished !== null) {
      pending.set(Number(unfinished[1]), unfinished[2]!);
      continue;
    }
    const resumed = /^(\d+) <\.\.\. \w+ resumed>(.*)$/.exec(line);
    if (resumed !== null) {
      const pid = Number(resumed[1]);
      line = `${pid} ${pending.get(pid) ?? ''}${resumed[2]!}`;
      pending.delete(pid);
    }
    const call = CALL.exec(line);
    if (call === null) continue;
    const pid = Number(call[1]);
    const name = call[2]!;
    const args = call[3]!;
    const result = call[4]!;
    const ok = result !== '?' && Number(result) >= 0;
    const error = call[6];
    const paths = strings(args);

    if (!started) {
      if (name === 'execve' && ok && paths[0] === init) {
        started = true;
        cwd.set(pid, '/');
      } else continue;
    }
    switch (name) {
      case 'clone':
      case 'clone3':
      case 'fork':
      case 'vfork': {
        // The child's pid as strace sees it: after the translation comment when in another namespace.
        const child = Number(call[5] ?? result);
        if (ok) cwd.set(child, cwd.get(pid) ?? '/');
        break;
      }
      case 'chdir':
        if (ok && paths[0] !== undefined) cwd.set(pid, resolve(pid, paths[0]));
        break;
      case 'execve':
      case 'open':
      case 'openat':
      case 'creat': {
        const path = paths[0];
        if (path === undefined) break;
        const where = resolve(pid, path);
        const writing = name === 'creat' || /O_WRONLY|O_RDWR|O_CREAT/.test(args);
        if (ok) {
          if (writing) wrote(where);
          else if (!access.written.has(where)) access.read.add(where);
        } else if (error === 'ENOENT' && !writing && !access.written.has(where)) {
          access.missing.set(where, name === 'execve' ? 'run' : 'opened');
        }
        break;
      }
      case 'rename':
      case 'renameat':
      case 'renameat2':
        if (ok && paths[1] !== undefined) wrote(resolve(pid, paths[1]));
        break;
      case 'mkdir':
      case 'mkdirat':
        if (ok && paths[0] !== undefined) wrote(resolve(pid, paths[0]));
        break;
    }
  }
  return access;
}
