// Where each input's bytes come from on the host, and the check that they are the declared bytes.
import { access } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { NotAFileError, sha256File } from '../digest.js';
import { hashTree, TreeError } from '../tree-digest.js';
import type { Chain, StageInput, Stage } from '../manifest/types.js';
import type { Store } from '../store/store.js';
import type { StageFailure } from './failure.js';
import type { PlacedInput } from './stage-root.js';

function hostSource(chain: Chain, stage: Stage, store: Store, input: StageInput): { hostPath: string; label: string } {
  const origin = input.origin;
  switch (origin.kind) {
    case 'seed': {
      const seed = chain.seeds.get(origin.seed)!;
      return { hostPath: seed.path, label: `seed ${origin.seed}` };
    }
    case 'seed-source': {
      const seed = chain.seeds.get(origin.seed)!;
      return { hostPath: seed.sourcePath, label: `source of seed ${origin.seed}` };
    }
    case 'file':
      return { hostPath: join(stage.dir, origin.file), label: relative(process.cwd(), join(stage.dir, origin.file)) };
    case 'tree':
      return { hostPath: join(stage.dir, origin.tree), label: `tree ${relative(process.cwd(), join(stage.dir, origin.tree))}` };
    case 'stage':
      return {
        hostPath: store.objectPath(input.sha256),
        label: `output ${origin.output} of stage ${origin.stage}, in the store at ${store.objectPath(input.sha256)}`,
      };
    case 'url':
      // The bytes are the store's copy: a mismatch here is damage in the store, not the server's doing.
      return {
        hostPath: store.objectPath(input.sha256),
        label: `the store's copy ${store.objectPath(input.sha256)} of ${origin.urls[0]!}`,
      };
  }
}

/** Resolves and re-hashes every input; the first problem found is returned as a failure. */
export async function resolveInputs(
  chain: Chain,
  stage: Stage,
  store: Store,
): Promise<{ ok: true; inputs: PlacedInput[] } | { ok: false; failure: StageFailure }> {
  const placed: PlacedInput[] = [];
  for (const input of stage.inputs) {
    const { hostPath, label } = hostSource(chain, stage, store, input);
    try {
      await access(hostPath);
    } catch {
      const why = input.origin.kind === 'url' ? 'not fetched yet (kindling fetch)' : 'file not found';
      return { ok: false, failure: { reason: 'input-missing', path: input.path, source: label, message: why } };
    }
    if (input.origin.kind === 'tree') {
      let tree;
      try {
        tree = await hashTree(hostPath);
      } catch (error) {
        if (!(error instanceof TreeError)) throw error;
        return { ok: false, failure: { reason: 'input-missing', path: input.path, source: label, message: error.message } };
      }
      if (tree.sha256 !== input.sha256) {
        return {
          ok: false,
          failure: { reason: 'input-mismatch', path: input.path, source: label, expected: input.sha256, actual: tree.sha256 },
        };
      }
      placed.push({ path: input.path, hostPath, sha256: tree.sha256, executable: false, files: tree.files });
      continue;
    }
    // Stage outputs are re-hashed too: the store is on disk and could have been changed since.
    let actual;
    try {
      actual = await sha256File(hostPath);
    } catch (error) {
      // A FIFO or a directory where a file should be: said, never waited on.
      if (!(error instanceof NotAFileError)) throw error;
      return { ok: false, failure: { reason: 'input-missing', path: input.path, source: label, message: error.message } };
    }
    if (actual !== input.sha256) {
      return { ok: false, failure: { reason: 'input-mismatch', path: input.path, source: label, expected: input.sha256, actual } };
    }
    placed.push({ path: input.path, hostPath, sha256: actual, executable: input.executable });
  }
  return { ok: true, inputs: placed };
}
