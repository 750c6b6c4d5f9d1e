// A rig builds a small chain in a temporary directory from an object literal, so each test states
// the whole world it runs in. Stages run a static busybox (copied in as a `file:` input) so a test
// can make a stage do anything: exit, hang, write, tamper.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';

export const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p)) ?? '/bin/busybox';

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface RigStage {
  /** Shell script run by busybox sh inside the stage. */
  readonly script: string;
  /** Expected outputs: path → exact content (its sha256 goes into the manifest). */
  readonly outputs: Record<string, string>;
  /** Extra files beside the manifest: path in root → content. */
  readonly files?: Record<string, string>;
  /** Outputs of earlier stages to take as inputs: path in this root → [stage, its output path]. */
  readonly from?: Record<string, readonly [string, string]>;
  readonly timeout?: number;
  readonly scratch?: string[];
  /** Edits the manifest object before it is written, for malformed-manifest tests. */
  readonly tweak?: (manifest: Record<string, unknown>) => void;
}

export interface Rig {
  readonly dir: string;
  readonly chainDir: string;
  readonly storeDir: string;
  cleanup(): Promise<void>;
}

export async function makeRig(stages: Record<string, RigStage>): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-rig-'));
  const chainDir = join(dir, 'chain');
  await mkdir(join(chainDir, 'seeds'), { recursive: true });
  await mkdir(join(chainDir, 'tools'), { recursive: true });
  copyFileSync(BUSYBOX, join(chainDir, 'tools', 'busybox'));
  const busyboxSha = sha256(await import('node:fs').then((fs) => fs.readFileSync(BUSYBOX)));
  await writeFile(join(chainDir, 'chain.yaml'), yaml.dump({ name: 'rig', arch: 'amd64', seeds: 'seeds' }));

  const declared = new Map<string, Record<string, string>>();
  let index = 0;
  for (const [name, stage] of Object.entries(stages)) {
    index += 1;
    const stageDir = join(chainDir, `${String(index).padStart(2, '0')}-${name}`);
    await mkdir(stageDir, { recursive: true });
    const inputs: Record<string, unknown>[] = [
      { path: 'bin/busybox', file: '../tools/busybox', sha256: busyboxSha, executable: true },
    ];
    await writeFile(join(stageDir, 'build.sh'), stage.script);
    inputs.push({ path: 'build.sh', file: 'build.sh', sha256: sha256(stage.script) });
    for (const [path, content] of Object.entries(stage.files ?? {})) {
      const fileName = path.replaceAll('/', '_');
      await writeFile(join(stageDir, fileName), content);
      inputs.push({ path, file: fileName, sha256: sha256(content) });
    }
    for (const [path, [producer, output]] of Object.entries(stage.from ?? {})) {
      const content = declared.get(producer)?.[output];
      if (content === undefined) throw new Error(`rig: stage ${producer} declares no output ${output}`);
      inputs.push({ path, stage: producer, output, sha256: sha256(content) });
    }
    const manifest: Record<string, unknown> = {
      name,
      description: `rig stage ${name}`,
      inputs,
      run: { init: 'bin/busybox', args: ['sh', '/build.sh'], timeout: stage.timeout ?? 30 },
      outputs: Object.entries(stage.outputs).map(([path, content]) => ({ path, sha256: sha256(content) })),
      ...(stage.scratch === undefined ? {} : { scratch: stage.scratch }),
    };
    stage.tweak?.(manifest);
    await writeFile(join(stageDir, 'stage.yaml'), yaml.dump(manifest, { lineWidth: 200 }));
    declared.set(name, stage.outputs);
  }
  return {
    dir,
    chainDir,
    storeDir: join(dir, 'store'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The smallest chain with a dependency: `first` writes a file, `second` takes it and writes it twice. */
export const TWO_STAGES: Readonly<Record<string, RigStage>> = {
  first: { script: `printf 'one\\n' > /out/one\n`, outputs: { 'out/one': 'one\n' } },
  second: {
    script: `/bin/busybox cat /in/one /in/one > /out/two\n`, // the stage root's busybox
    outputs: { 'out/two': 'one\none\n' },
    from: { 'in/one': ['first', 'out/one'] },
  },
};
