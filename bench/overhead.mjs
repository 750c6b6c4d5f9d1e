// Orchestrator overhead per stage: the same stage commands run by hand (bubblewrap invoked
// directly, files copied by a shell) against `bootstrap()` running them as a chain, which adds
// hashing, the stage root, verification, the store and the record.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { loadChain } from '../dist/manifest/chain.js';
import { bootstrap } from '../dist/run/bootstrap.js';
import { createBwrapSandbox, isolatedCommand } from '../dist/sandbox/bwrap.js';
import { Store } from '../dist/store/store.js';

const STAGES = 20;
const BUSYBOX = '/bin/busybox';
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

function makeChain(dir) {
  const chainDir = join(dir, 'chain');
  mkdirSync(join(chainDir, 'seeds'), { recursive: true });
  mkdirSync(join(chainDir, 'tools'));
  copyFileSync(BUSYBOX, join(chainDir, 'tools', 'busybox'));
  const busyboxSha = sha256(readFileSync(BUSYBOX));
  writeFileSync(join(chainDir, 'chain.yaml'), yaml.dump({ name: 'bench', arch: 'amd64', seeds: 'seeds' }));
  const scripts = [];
  for (let i = 0; i < STAGES; i += 1) {
    const script = i === 0 ? 'printf 0 > /out/v\n' : `/bin/busybox cat /in/v > /out/v; printf ${i} >> /out/v\n`;
    scripts.push(script);
    const stageDir = join(chainDir, `s${String(i).padStart(2, '0')}`);
    mkdirSync(stageDir);
    writeFileSync(join(stageDir, 'build.sh'), script);
    const value = Array.from({ length: i + 1 }, (_, k) => k).join('');
    const inputs = [
      { path: 'bin/busybox', file: '../tools/busybox', sha256: busyboxSha, executable: true },
      { path: 'build.sh', file: 'build.sh', sha256: sha256(script) },
    ];
    if (i > 0)
      inputs.push({ path: 'in/v', stage: `s${i - 1}`, output: 'out/v', sha256: sha256(Array.from({ length: i }, (_, k) => k).join('')) });
    writeFileSync(
      join(stageDir, 'stage.yaml'),
      yaml.dump({
        name: `s${i}`,
        inputs,
        run: { init: 'bin/busybox', args: ['sh', '/build.sh'], timeout: 60 },
        outputs: [{ path: 'out/v', sha256: sha256(value) }],
      }),
    );
  }
  return { chainDir, scripts };
}

/** The same work by hand: a root per stage with busybox and the script, bwrap, copy the output on. */
function byHand(dir, scripts) {
  let previous;
  for (let i = 0; i < scripts.length; i += 1) {
    const root = join(dir, `hand-${i}`);
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'out'));
    mkdirSync(join(root, 'in'));
    copyFileSync(BUSYBOX, join(root, 'bin', 'busybox'));
    writeFileSync(join(root, 'build.sh'), scripts[i]);
    if (previous !== undefined) copyFileSync(previous, join(root, 'in', 'v'));
    execFileSync('bwrap', isolatedCommand(root, '/bin/busybox', ['sh', '/build.sh']));
    previous = join(root, 'out', 'v');
  }
}

export async function measureOverhead() {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
  try {
    const { chainDir, scripts } = makeChain(dir);
    let started = performance.now();
    byHand(dir, scripts);
    const handMs = performance.now() - started;
    const chain = await loadChain(chainDir);
    const store = await Store.open(join(dir, 'store'));
    started = performance.now();
    const result = await bootstrap({ chain, store, sandbox: createBwrapSandbox() });
    const kindlingMs = performance.now() - started;
    if (!result.ok) throw new Error('bench chain failed');
    started = performance.now();
    await bootstrap({ chain, store, sandbox: createBwrapSandbox() });
    const cachedMs = performance.now() - started;
    return { stages: STAGES, handMs, kindlingMs, cachedMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
