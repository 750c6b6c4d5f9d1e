// A rig builds a small chain in a temporary directory from an object literal, so each test states
// the whole world it runs in. A stage either runs a shell script under a static busybox (copied in
// as a `file:` input), for the real backends, or is a TypeScript function run by the fake backend
// (src/sandbox/fake.ts, `rig.fake()`), for tests of the orchestrator that need no real sandbox.
// Either way a test can make a stage do anything: exit, hang, write, tamper.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { createFakeSandbox, programKey, type FakeProgram } from '../../src/sandbox/fake.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';

export const BUSYBOX = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p)) ?? '/bin/busybox';

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface RigStage {
  /** Shell script run by busybox sh inside the stage (real backends). */
  readonly script?: string;
  /** Or: the stage as a function, run by `rig.fake()` over the stage root (its init is then `/bin/NAME`). */
  readonly program?: FakeProgram;
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
  /** The fake backend that runs the rig's `program` stages. */
  fake(options?: { readonly graceMs?: number }): Sandbox;
  cleanup(): Promise<void>;
}

export async function makeRig(stages: Record<string, RigStage>): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-rig-'));
  const chainDir = join(dir, 'chain');
  await mkdir(join(chainDir, 'seeds'), { recursive: true });
  await mkdir(join(chainDir, 'tools'), { recursive: true });
  // busybox only when a stage runs a script: a rig of programs needs nothing from the host.
  // Without busybox on the host (the fast tier needs none), a stand-in makes the manifests load;
  // a real sandbox then fails the stage, and the tests that run one need busybox-static anyway.
  let busyboxSha: string | undefined;
  if (Object.values(stages).some((stage) => stage.program === undefined)) {
    const bytes = existsSync(BUSYBOX) ? readFileSync(BUSYBOX) : 'busybox is not installed on this host\n';
    await writeFile(join(chainDir, 'tools', 'busybox'), bytes);
    busyboxSha = sha256(bytes);
  }
  await writeFile(join(chainDir, 'chain.yaml'), yaml.dump({ name: 'rig', arch: 'amd64', seeds: 'seeds' }));

  const declared = new Map<string, Record<string, string>>();
  const programs = new Map<string, FakeProgram>();
  let index = 0;
  for (const [name, stage] of Object.entries(stages)) {
    index += 1;
    const stageDir = join(chainDir, `${String(index).padStart(2, '0')}-${name}`);
    await mkdir(stageDir, { recursive: true });
    const inputs: Record<string, unknown>[] = [];
    let run: { init: string; args: string[] };
    if (stage.program !== undefined) {
      // The init's bytes name the function, as a real init's bytes are the program.
      const init = `fake program for stage ${name}\n`;
      programs.set(programKey(init), stage.program);
      await writeFile(join(stageDir, 'program'), init);
      inputs.push({ path: `bin/${name}`, file: 'program', sha256: sha256(init), executable: true });
      run = { init: `bin/${name}`, args: [] };
    } else {
      const script = stage.script ?? '';
      inputs.push({ path: 'bin/busybox', file: '../tools/busybox', sha256: busyboxSha, executable: true });
      await writeFile(join(stageDir, 'build.sh'), script);
      inputs.push({ path: 'build.sh', file: 'build.sh', sha256: sha256(script) });
      run = { init: 'bin/busybox', args: ['sh', '/build.sh'] };
    }
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
      run: { ...run, timeout: stage.timeout ?? 30 },
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
    fake: (options = {}) => createFakeSandbox({ programs, ...options }),
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
