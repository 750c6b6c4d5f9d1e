// Runs one of the chain's assemblers (`TOOL IN OUT`) on a source, each run in a fresh directory of
// its own with an empty environment, and reads OUT back if the tool left one: the harness of the
// hex1 and hex2 stage tests of every architecture.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

export interface ToolRun {
  readonly exitCode: number | undefined;
  readonly stderr: string;
  /** OUT's bytes, or undefined when the tool left no OUT. */
  readonly output: Uint8Array | undefined;
  readonly outputPath: string;
}

export type AssemblerRun = (source: string | Uint8Array, options?: { readonly outputBefore?: string }) => Promise<ToolRun>;

/**
 * `tool` and `work` are read at each run, as tests set them in `beforeAll`. IN is named
 * `inputName` (its extension is what messages show); `outputBefore` puts an OUT there first, to
 * show that a failed run leaves it alone.
 */
export function assemblerRunner(tool: () => string, work: () => string, inputName: string): AssemblerRun {
  let runs = 0;
  return async (source, options = {}) => {
    runs += 1;
    const dir = join(work(), `run-${runs}`);
    await mkdir(dir);
    await writeFile(join(dir, inputName), source);
    const outputPath = join(dir, 'out');
    if (options.outputBefore !== undefined) await writeFile(outputPath, options.outputBefore);
    const result = await execa(tool(), [inputName, 'out'], { reject: false, cwd: dir, env: {}, extendEnv: false });
    const output = await readFile(outputPath).catch(() => undefined);
    return { exitCode: result.exitCode, stderr: result.stderr, output: output && new Uint8Array(output), outputPath };
  };
}
