// Links compiled M0 into an executable as the chains' build.kaem files do: the macro files and the
// program joined by catm, M0, catm again between the chain's ELF header and end, then hex2; run
// with the tools of whichever chain is given, so a test can link with either architecture's.
import { join } from 'node:path';
import { execa } from 'execa';

export interface M0Linker {
  readonly m0: string;
  readonly catm: string;
  readonly hex2: string;
  /** The macro files, in order, put before the program. */
  readonly macros: readonly string[];
  /** The chain's common directory: elf64.hex2 and elf64-end.hex2. */
  readonly common: string;
}

/** Links `m0File` (a path ending in .M0) into the executable at the same path without .M0, and returns that path. */
export async function linkM0(m0File: string, tools: M0Linker): Promise<string> {
  const base = m0File.replace(/\.M0$/, '');
  const steps: [string, string[]][] = [
    [tools.catm, [`${base}.all.M0`, ...tools.macros, m0File]],
    [tools.m0, [`${base}.all.M0`, `${base}.hex2`]],
    [tools.catm, [`${base}.linked.hex2`, join(tools.common, 'elf64.hex2'), `${base}.hex2`, join(tools.common, 'elf64-end.hex2')]],
    [tools.hex2, [`${base}.linked.hex2`, base]],
  ];
  for (const [tool, args] of steps) await execa(tool, args, { env: {}, extendEnv: false });
  return base;
}
