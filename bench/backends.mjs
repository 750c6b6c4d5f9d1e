// The cost of a VM per stage: a chain (amd64's, or aarch64's through qemu-user and
// qemu-system-aarch64) from an empty store under bubblewrap and under qemu, per stage and in all,
// as a ratio.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChain } from '../dist/manifest/chain.js';
import { bootstrap } from '../dist/run/bootstrap.js';
import { createSandbox } from '../dist/sandbox/select.js';
import { ensureSources } from '../dist/sources/ensure.js';
import { Store } from '../dist/store/store.js';
import { DISTFILES } from './distfiles.mjs';

async function timeChain(chainDir, name) {
  const dir = mkdtempSync(join(tmpdir(), `kindling-bench-${name}-`));
  try {
    const chain = await loadChain(chainDir);
    const store = await Store.open(join(dir, 'store'));
    const perStage = new Map();
    const reachedAt = new Map();
    const sizes = new Map();
    // Upstream sources come from distfiles (KINDLING_DISTFILES, else shared/distfiles beside the
    // checkout) and are not part of the timing.
    await ensureSources(chain, store, { distfiles: DISTFILES, retries: 0 });
    const started = performance.now();
    const result = await bootstrap({
      chain,
      store,
      sandbox: await createSandbox(chain.arch === 'amd64' ? { name } : { name, arch: chain.arch }),
      onEvent: (event) => {
        if (event.type !== 'stage-verified') return;
        perStage.set(event.stage, event.record.durationMs);
        reachedAt.set(event.stage, performance.now() - started);
        for (const output of event.record.outputs)
          sizes.set(`${event.stage}:${output.path}`, statSync(store.objectPath(output.sha256)).size);
      },
    });
    if (!result.ok) throw new Error(`the chain failed under ${name}`);
    return {
      totalMs: performance.now() - started,
      perStage,
      reachedAt,
      sizes,
      accel: result.trustedBase.components.find((c) => c.name === 'qemu-accel')?.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureBackends(chainDir) {
  const bwrap = await timeChain(chainDir, 'bwrap');
  const qemu = await timeChain(chainDir, 'qemu');
  return { bwrap, qemu };
}
