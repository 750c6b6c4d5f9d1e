// Builds small kaem-style chains for audit tests in a temporary directory. The seeds are copies of
// a static busybox, named for the applet they act as (`sh` runs the script, `cp` copies files), each
// with a generated commented hex0 source that assembles to its bytes, so a chain built here passes
// every audit rule and also runs under bubblewrap.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { BUSYBOX } from '../support/rig.js';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A commented hex0 listing of `bytes`: 16 bytes a line, each line commented with its offset. */
export function hex0Listing(name: string, bytes: Uint8Array): string {
  const lines = [`# ${name}: a test seed, listed byte for byte`, '# each line: sixteen bytes, then their offset', ''];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = [...bytes.subarray(offset, offset + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${row}  ; ${offset.toString(16)}`);
  }
  return lines.join('\n') + '\n';
}

let sharedSeeds: Promise<string> | undefined;

/**
 * The seeds directory shared by every test: `sh` and `cp`, busybox copies, with their hex0
 * listings. Named by busybox's hash and made once (built aside, then renamed into place), so test
 * processes reuse it instead of each leaving a copy behind.
 */
export function seedsDir(): Promise<string> {
  sharedSeeds ??= (async () => {
    const busybox = await readFile(BUSYBOX);
    const dir = join(tmpdir(), `kindling-audit-seeds-${sha256(busybox).slice(0, 16)}`);
    if (existsSync(join(dir, 'cp.hex0'))) return dir;
    const building = await mkdtemp(`${dir}.building-`);
    for (const name of ['sh', 'cp']) {
      await writeFile(join(building, name), busybox);
      await chmod(join(building, name), 0o755);
      await writeFile(join(building, `${name}.hex0`), hex0Listing(name, busybox));
    }
    try {
      await rename(building, dir);
    } catch {
      // Another test process made it first.
      await rm(building, { recursive: true, force: true });
    }
    return dir;
  })();
  return sharedSeeds;
}

export const BUSYBOX_BYTES = (): Promise<Buffer> => readFile(BUSYBOX);

export interface AuditRigStage {
  /** The kaem script (build.kaem), run by the seed `sh` as init. */
  readonly script: string;
  /** Files beside the manifest: path in root → content. */
  readonly files?: Record<string, string | Uint8Array>;
  /** Which `files` are placed executable. */
  readonly executableFiles?: readonly string[];
  /** Extra seeds: path in root → seed name (`bin/sh` is always there). */
  readonly seeds?: Record<string, string>;
  readonly seedSources?: Record<string, string>;
  /** Earlier stages' outputs: path in root → [stage, output path]. */
  readonly from?: Record<string, readonly [string, string]>;
  /** Declared outputs: path → exact content. */
  readonly outputs: Record<string, string | Uint8Array>;
  readonly executableOutputs?: readonly string[];
  readonly tweak?: (manifest: Record<string, unknown>) => void;
}

export interface AuditRig {
  readonly dir: string;
  readonly chainDir: string;
  readonly seedsDir: string;
  readonly storeDir: string;
  stageDir(name: string): string;
  cleanup(): Promise<void>;
}

export async function makeAuditRig(stages: Record<string, AuditRigStage>, options: { ownSeeds?: boolean } = {}): Promise<AuditRig> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-audit-rig-'));
  const chainDir = join(dir, 'chain');
  await mkdir(chainDir, { recursive: true });
  let seeds = await seedsDir();
  if (options.ownSeeds === true) {
    await cp(seeds, join(dir, 'seeds'), { recursive: true });
    seeds = join(dir, 'seeds');
  }
  await writeFile(join(chainDir, 'chain.yaml'), yaml.dump({ name: 'audit-rig', arch: 'amd64', seeds }));
  const seedSha = sha256(await readFile(join(seeds, 'sh')));
  const stageDirs = new Map<string, string>();
  const declared = new Map<string, Record<string, string | Uint8Array>>();
  let index = 0;
  for (const [name, stage] of Object.entries(stages)) {
    index += 1;
    const stageDir = join(chainDir, `${String(index).padStart(2, '0')}-${name}`);
    stageDirs.set(name, stageDir);
    await mkdir(stageDir, { recursive: true });
    const inputs: Record<string, unknown>[] = [{ path: 'bin/sh', seed: 'sh', sha256: seedSha }];
    for (const [path, seed] of Object.entries(stage.seeds ?? {})) {
      inputs.push({ path, seed, sha256: sha256(await readFile(join(seeds, seed))) });
    }
    for (const [path, seed] of Object.entries(stage.seedSources ?? {})) {
      inputs.push({ path, 'seed-source': seed, sha256: sha256(await readFile(join(seeds, `${seed}.hex0`))) });
    }
    await writeFile(join(stageDir, 'build.kaem'), stage.script);
    inputs.push({ path: 'build.kaem', file: 'build.kaem', sha256: sha256(stage.script) });
    for (const [path, content] of Object.entries(stage.files ?? {})) {
      const fileName = path.replaceAll('/', '_');
      await writeFile(join(stageDir, fileName), content);
      inputs.push({
        path,
        file: fileName,
        sha256: sha256(content),
        ...(stage.executableFiles?.includes(path) ? { executable: true } : {}),
      });
    }
    for (const [path, [producer, output]] of Object.entries(stage.from ?? {})) {
      const content = declared.get(producer)?.[output];
      if (content === undefined) throw new Error(`audit rig: stage ${producer} declares no output ${output}`);
      inputs.push({ path, stage: producer, output, sha256: sha256(content) });
    }
    const manifest: Record<string, unknown> = {
      name,
      description: `audit rig stage ${name}`,
      inputs,
      run: { init: 'bin/sh', script: 'build.kaem', timeout: 30 },
      outputs: Object.entries(stage.outputs).map(([path, content]) => ({
        path,
        sha256: sha256(content),
        ...(stage.executableOutputs?.includes(path) ? { executable: true } : {}),
      })),
    };
    stage.tweak?.(manifest);
    await writeFile(join(stageDir, 'stage.yaml'), yaml.dump(manifest, { lineWidth: 200 }));
    declared.set(name, stage.outputs);
  }
  return {
    dir,
    chainDir,
    seedsDir: seeds,
    storeDir: join(dir, 'store'),
    stageDir: (name) => stageDirs.get(name)!,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A clean two-stage chain: the first copies a greeting and the seed `cp`; the second runs that copy. */
export async function cleanStages(): Promise<Record<string, AuditRigStage>> {
  const busybox = await BUSYBOX_BYTES();
  return {
    first: {
      script: '# copy the greeting, and the copying program for the next stage\nbin/cp src/greeting out/greeting\nbin/cp bin/cp tools/cp\n',
      seeds: { 'bin/cp': 'cp' },
      files: { 'src/greeting': 'hello, world\n' },
      outputs: { 'out/greeting': 'hello, world\n', 'tools/cp': busybox },
      executableOutputs: ['tools/cp'],
    },
    second: {
      script: 'bin/cp in/greeting out/again\n',
      from: { 'bin/cp': ['first', 'tools/cp'], 'in/greeting': ['first', 'out/greeting'] },
      outputs: { 'out/again': 'hello, world\n' },
    },
  };
}
