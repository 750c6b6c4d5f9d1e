// A network of rebuilders for the remote-store tests: one small chain (built under bubblewrap),
// rebuilders each with their own store and key, and the `kindling` command run as they would.
import { chmod, copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyFiles } from '../../src/attest/key-files.js';
import { Store } from '../../src/store/store.js';
import type { ProvenanceRecord } from '../../src/run/record.js';
import type { Sha256 } from '../../src/digest.js';
import { kindling } from '../support/cli.js';
import { makeRig, sha256, type Rig } from '../support/rig.js';
import { tempDir } from '../attest/rig.js';

export interface Rebuilder {
  readonly name: string;
  readonly store: string;
  readonly key: string;
  readonly pub: string;
}

export const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

/** Three stages, each consuming the one before: enough to show results taken and refused stage by stage. */
export async function threeStageChain(bigBytes = 0): Promise<Rig> {
  return makeRig({
    alpha: { script: 'mkdir -p /out\necho alpha > /out/alpha.txt\n', outputs: { 'out/alpha.txt': 'alpha\n' } },
    beta: {
      script: 'mkdir -p /out\n/bin/busybox cat /in/alpha.txt /in/alpha.txt > /out/beta.txt\n',
      from: { 'in/alpha.txt': ['alpha', 'out/alpha.txt'] },
      outputs: { 'out/beta.txt': 'alpha\nalpha\n' },
    },
    gamma: {
      // A larger output (when asked) gives a transfer long enough to interrupt.
      script: `mkdir -p /out\n/bin/busybox cat /in/beta.txt > /out/gamma.txt\necho gamma >> /out/gamma.txt\n${bigBytes > 0 ? `/bin/busybox yes kindling | /bin/busybox head -c ${bigBytes} > /out/big.bin\n` : ''}`,
      from: { 'in/beta.txt': ['beta', 'out/beta.txt'] },
      outputs: {
        'out/gamma.txt': 'alpha\nalpha\ngamma\n',
        ...(bigBytes > 0 ? { 'out/big.bin': 'kindling\n'.repeat(Math.ceil(bigBytes / 9)).slice(0, bigBytes) } : {}),
      },
    },
  });
}

export async function makeRebuilder(dir: string, name: string): Promise<Rebuilder> {
  const keys = await generateKeyFiles(join(dir, 'keys', name), name);
  return { name, store: join(dir, 'stores', name), key: keys.privatePath, pub: keys.publicPath };
}

export async function trustOf(dir: string, rebuilders: readonly Rebuilder[]): Promise<string> {
  const trust = join(dir, `trust-${rebuilders.map((r) => r.name).join('-')}`);
  await mkdir(trust, { recursive: true });
  for (const rebuilder of rebuilders) await copyFile(rebuilder.pub, join(trust, `${rebuilder.name}.pub`));
  return trust;
}

export function run(args: readonly string[]) {
  return kindling(args, { env: ENV });
}

export async function build(rig: Rig, rebuilder: Rebuilder): Promise<void> {
  const result = await run(['bootstrap', '--chain', rig.chainDir, '--store', rebuilder.store, '--sandbox', 'bwrap', '--json']);
  if (result.exitCode !== 0) throw new Error(`bootstrap for ${rebuilder.name} failed: ${result.all}`);
}

/**
 * A compromised machine: after an honest build, one output of a stage is replaced in the store and
 * the record is changed to name it, so the rebuilder signs and publishes a different binary.
 */
export async function tamper(
  rebuilder: Rebuilder,
  stage: string,
  path: string,
  content: string,
): Promise<{ honest: Sha256; tampered: Sha256 }> {
  const store = await Store.open(rebuilder.store);
  for (const name of await readdir(join(store.root, 'stages'))) {
    const file = join(store.root, 'stages', name);
    const record = JSON.parse(await readFile(file, 'utf8')) as ProvenanceRecord;
    if (record.stage !== stage) continue;
    const imported = await store.importBytes(new TextEncoder().encode(content));
    if (!imported.ok) throw new Error('tamper: import failed');
    const honest = record.outputs.find((output) => output.path === path)!.sha256;
    const changed = {
      ...record,
      outputs: record.outputs.map((output) => (output.path === path ? { path, sha256: imported.sha256 } : output)),
    };
    await chmod(file, 0o644);
    await writeFile(file, JSON.stringify(changed, null, 2) + '\n');
    return { honest, tampered: imported.sha256 };
  }
  throw new Error(`tamper: no record of stage ${stage}`);
}

export { tempDir, sha256 };
