// A remote store against building: the whole amd64 chain built under bubblewrap from an empty store,
// against the same results pushed to a local nginx by two signers and pulled into an empty store
// with every check (two trusted signatures each, every object re-hashed). Prints the ratio and the
// bytes moved.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyFiles, loadSigningKey, loadTrustedKeys } from '../dist/attest/key-files.js';
import { loadChain } from '../dist/manifest/chain.js';
import { RemoteClient } from '../dist/remote/http.js';
import { startNginx } from '../dist/remote/local-nginx.js';
import { pullResults } from '../dist/remote/pull.js';
import { pushResults } from '../dist/remote/push.js';
import { bootstrap } from '../dist/run/bootstrap.js';
import { createSandbox } from '../dist/sandbox/select.js';
import { ensureSources } from '../dist/sources/ensure.js';
import { Store } from '../dist/store/store.js';
import { appendToLog, issueCheckpoint, proveInclusion, readLog } from '../dist/attest/log/log.js';
import { DISTFILES } from './distfiles.mjs';

export async function measureRemote(chainDir) {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-remote-'));
  const nginx = await startNginx();
  try {
    const chain = await loadChain(chainDir);
    const sandbox = await createSandbox({ name: 'bwrap' });
    const built = await Store.open(join(dir, 'built'));
    // Upstream sources come from distfiles and are not part of the timing.
    await ensureSources(chain, built, { distfiles: DISTFILES, retries: 0 });
    let started = performance.now();
    const result = await bootstrap({ chain, store: built, sandbox });
    const buildMs = performance.now() - started;
    if (!result.ok) throw new Error('the chain failed under bwrap');

    mkdirSync(join(dir, 'trust'));
    const signers = [];
    for (const name of ['bench-a', 'bench-b']) {
      const files = await generateKeyFiles(join(dir, 'keys', name), name);
      copyFileSync(files.publicPath, join(dir, 'trust', `${name}.pub`));
      signers.push(await loadSigningKey(files.privatePath));
    }
    let bytesUp = 0;
    for (const key of signers) {
      const client = new RemoteClient(nginx.base);
      await pushResults(built, client, key);
      bytesUp += client.counts.bytesUp;
      await client.close();
    }

    const fresh = await Store.open(join(dir, 'fresh'));
    const client = new RemoteClient(nginx.base);
    started = performance.now();
    const pulled = await pullResults({
      chain,
      stages: chain.stages,
      store: fresh,
      client,
      trusted: await loadTrustedKeys(join(dir, 'trust')),
      threshold: 2,
    });
    const pullMs = performance.now() - started;
    await client.close();
    const notPulled = pulled.stages.filter((stage) => stage.status !== 'pulled');
    if (notPulled.length > 0) throw new Error(`not pulled: ${notPulled.map((stage) => stage.stage).join(', ')}`);
    // The pulled store is complete: a bootstrap over it runs nothing.
    let ran = 0;
    started = performance.now();
    const after = await bootstrap({
      chain,
      store: fresh,
      sandbox,
      onEvent: (event) => void (event.type === 'stage-started' && (ran += 1)),
    });
    const cachedMs = performance.now() - started;
    if (!after.ok || ran > 0) throw new Error(`after the pull, ${ran} stage(s) still ran`);
    const outputs = new Set([...result.outcomes.values()].flatMap((outcome) => outcome.record.outputs.map((output) => output.sha256)));
    const outputBytes = [...outputs].reduce((sum, sha256) => sum + statSync(fresh.objectPath(sha256)).size, 0);
    return {
      stages: chain.stages.length,
      buildMs,
      pullMs,
      cachedMs,
      bytesDown: pulled.bytesDown,
      requests: pulled.requests,
      bytesUp,
      outputBytes,
    };
  } finally {
    await nginx.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The log's cost per append, per checkpoint and per inclusion proof at two sizes of log: with tiles
 * they stay flat as the log grows (O(log n)), where re-reading the log grew with it.
 */
export async function measureLogAppend(sizes = [1024, 16_384], probes = 15) {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-log-'));
  try {
    const files = join(dir, 'envelopes');
    mkdirSync(files);
    const largest = Math.max(...sizes) + probes;
    const envelope = (i) => {
      const path = join(files, `${i}.json`);
      writeFileSync(
        path,
        JSON.stringify({
          payloadType: 'text/plain',
          payload: Buffer.from(`entry ${i} `.padEnd(1500, '.')).toString('base64'),
          signatures: [{ keyid: '', sig: 'AA==' }],
        }),
      );
      return path;
    };
    const paths = Array.from({ length: largest }, (_, i) => envelope(i));
    const keys = await generateKeyFiles(join(dir, 'keys', 'bench.log'), 'bench.log');
    const key = await loadSigningKey(keys.privatePath);
    const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const figures = [];
    // The first, small log warms the JIT up; its figures are not kept.
    for (const size of [64, ...sizes]) {
      const log = join(dir, `log-${size}`);
      for (let start = 0; start < size; start += 1024)
        await appendToLog(log, paths.slice(start, Math.min(size, start + 1024)), 'bench.log');
      await issueCheckpoint(log, key);
      const append = [];
      const checkpoint = [];
      const prove = [];
      for (let i = 0; i < probes; i += 1) {
        let started = performance.now();
        await appendToLog(log, [paths[size + i]]);
        append.push(performance.now() - started);
        started = performance.now();
        await issueCheckpoint(log, key);
        checkpoint.push(performance.now() - started);
        started = performance.now();
        const proof = await proveInclusion(log, new Uint8Array(readFileSync(paths[(i * 7) % size])));
        prove.push(performance.now() - started);
        if (proof.size !== size + i + 1) throw new Error('the proof is not against the latest checkpoint');
      }
      // What every append cost before tiles: reading the whole log again.
      const started = performance.now();
      await readLog(log);
      const rereadMs = performance.now() - started;
      if (size !== 64) figures.push({ size, appendMs: median(append), checkpointMs: median(checkpoint), proveMs: median(prove), rereadMs });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureLogAppend(), null, 2));
  const figures = await measureRemote(new URL('../stages/amd64', import.meta.url).pathname);
  console.log(JSON.stringify(figures, null, 2));
}
