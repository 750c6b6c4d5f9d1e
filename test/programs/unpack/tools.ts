// What the unpack tests share: the chain's gunzip and untar (built by kindling from stage
// 08-unpack under bubblewrap), the distfiles directory holding the real upstream tarballs, and
// making the upstream sources a stage needs present in the store the chain tests share.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { chainOutput } from '../../support/amd64.js';

export { distfilesDir } from '../../support/distfiles.js';
import { distfilesDir } from '../../support/distfiles.js';

/** A distfile's path, failing with its name when it is not there. */
export function distfile(name: string): string {
  const path = join(distfilesDir(), name);
  if (!existsSync(path)) throw new Error(`distfile ${name} is missing from ${distfilesDir()}`);
  return path;
}

export const REAL_TARBALLS = ['mescc-tools-1.4.0.tar.gz', 'M2libc-for-mescc-tools-1.4.0.tar.gz', 'mes-0.24.2.tar.gz'] as const;

/** An output of a stage that has upstream sources: chainOutput takes them from the distfiles. */
export async function chainOutputWithSources(stage: string, path: string): Promise<string> {
  distfilesDir(); // fails with a clear message when the tarballs are absent
  return chainOutput(stage, path);
}

export interface ToolRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a chain tool with an empty environment, as a stage would. */
export async function runTool(tool: string, args: readonly string[], cwd?: string): Promise<ToolRun> {
  const result = await execa(tool, args, {
    reject: false,
    env: {},
    extendEnv: false,
    stripFinalNewline: false,
    ...(cwd === undefined ? {} : { cwd }),
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The host's `gzip -dc` of a file: the reference the chain's gunzip is compared with. */
export async function hostGunzip(path: string): Promise<Buffer> {
  const result = await execa('gzip', ['-dc', path], { encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(result.stdout);
}

export async function bytes(path: string): Promise<Buffer> {
  return readFile(path);
}
