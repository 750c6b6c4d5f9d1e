// Every script language the audit can read. Adding a language is adding a reader here.
import { kaemReader } from './kaem.js';
import type { ScriptReader } from './script-reader.js';

export const SCRIPT_READERS: readonly ScriptReader[] = [kaemReader];

export function readerFor(scriptPath: string, initPath: string): ScriptReader | undefined {
  return SCRIPT_READERS.find((reader) => reader.recognizes(scriptPath, initPath));
}
