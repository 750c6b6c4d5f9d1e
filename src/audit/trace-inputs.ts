// Re-derives where every input of a stage comes from, independently of the loader's own checks:
// a seed, a seed's source, a file in the repository (inside the chain directory), an upstream
// download pinned by sha256, or a declared output of a stage earlier in build order. Files on disk
// are hashed twice and compared with the manifest; a binary that is not a seed is flagged.
import { realpath } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { isInside } from '../manifest/stage.js';
import { hashTree, TreeError } from '../tree-digest.js';
import type { Chain, Stage, StageInput } from '../manifest/types.js';
import type { FileFactsCache } from './file-facts.js';
import type { Finding } from './findings.js';
import type { InputReport } from './report.js';

export interface TracedInputs {
  readonly inputs: InputReport[];
  readonly findings: Finding[];
}

/** Where a file input lives on the host, or undefined for inputs only a store holds. */
export function hostPathOf(chain: Chain, stage: Stage, input: StageInput): string | undefined {
  const origin = input.origin;
  switch (origin.kind) {
    case 'seed':
      return chain.seeds.get(origin.seed)?.path;
    case 'seed-source':
      return chain.seeds.get(origin.seed)?.sourcePath;
    case 'file':
      return resolve(stage.dir, origin.file);
    case 'tree':
      return resolve(stage.dir, origin.tree);
    case 'stage':
    case 'url':
      return undefined;
  }
}

export async function traceInputs(chain: Chain, stage: Stage, facts: FileFactsCache): Promise<TracedInputs> {
  const findings: Finding[] = [];
  const inputs: InputReport[] = [];
  const position = new Map(chain.stages.map((s, i) => [s.name, i]));
  const here = position.get(stage.name) ?? -1;
  const allowedRoots = [await realpath(chain.dir), ...chain.sourceRoots];
  const insideAllowed = (real: string): boolean => allowedRoots.some((root) => isInside(root, real));
  const unresolved = (input: StageInput, detail: string): void => {
    findings.push({ reason: 'origin-unresolved', stage: stage.name, path: input.path, detail });
  };

  for (const input of stage.inputs) {
    const origin = input.origin;
    const base = { path: input.path, sha256: input.sha256, executable: input.executable };
    if (origin.kind === 'stage') {
      const producer = chain.stages.find((s) => s.name === origin.stage);
      const declared = producer?.outputs.find((o) => o.path === origin.output);
      if (producer === undefined) unresolved(input, `no stage '${origin.stage}'`);
      else if ((position.get(producer.name) ?? Infinity) >= here) unresolved(input, `stage '${origin.stage}' does not come before it`);
      else if (declared === undefined) unresolved(input, `stage '${origin.stage}' declares no output ${origin.output}`);
      else if (declared.sha256 !== input.sha256)
        unresolved(input, `stage '${origin.stage}' declares ${origin.output} as ${declared.sha256}, not ${input.sha256}`);
      inputs.push({ ...base, origin: 'stage', from: `${origin.stage}:${origin.output}` });
      continue;
    }
    if (origin.kind === 'url') {
      const bad = origin.urls.find((url) => !/^https?:\/\/[^/]+/.test(url));
      if (bad !== undefined) unresolved(input, `'${bad}' is not an http(s) URL`);
      inputs.push({ ...base, origin: 'upstream', from: origin.urls[0] ?? '' });
      continue;
    }

    if (origin.kind === 'tree') {
      findings.push(...(await traceTree(chain, stage, input, origin.tree, insideAllowed, facts)));
      inputs.push({ ...base, origin: 'repository', from: `${relative(chain.dir, resolve(stage.dir, origin.tree))}/` });
      continue;
    }
    const hostPath = hostPathOf(chain, stage, input);
    const kind = origin.kind === 'file' ? 'repository' : origin.kind;
    const from = origin.kind === 'file' ? relative(chain.dir, resolve(stage.dir, origin.file)) : origin.seed;
    if (hostPath === undefined) {
      unresolved(input, `no seed named '${origin.kind === 'file' ? origin.file : origin.seed}'`);
      inputs.push({ ...base, origin: kind, from });
      continue;
    }
    if (origin.kind === 'file') {
      // A repository file must stay inside the chain directory, also through symbolic links.
      let real: string;
      try {
        real = await realpath(hostPath);
      } catch {
        unresolved(input, `${from} does not exist`);
        inputs.push({ ...base, origin: kind, from });
        continue;
      }
      if (!insideAllowed(real)) unresolved(input, `${origin.file} resolves outside the chain directory and its declared sources (${real})`);
    }
    let known;
    try {
      known = await facts.facts(hostPath);
    } catch {
      unresolved(input, `${hostPath} cannot be read`);
      inputs.push({ ...base, origin: kind, from });
      continue;
    }
    if (known.hash.openssl !== input.sha256) {
      findings.push({
        reason: 'file-hash-mismatch',
        stage: stage.name,
        path: input.path,
        file: relative(chain.dir, hostPath) || hostPath,
        expected: input.sha256,
        actual: known.hash.openssl,
      });
    }
    if (origin.kind !== 'seed' && known.content !== 'text') {
      findings.push({
        reason: 'binary-from-outside',
        stage: stage.name,
        path: input.path,
        source: origin.kind === 'file' ? from : `the source of seed ${origin.seed}`,
        kind: known.content,
      });
    }
    inputs.push({
      ...base,
      origin: kind,
      from,
      size: known.hash.size,
      content: known.content,
      ...(known.lines === undefined ? {} : { lines: known.lines }),
    });
  }
  return { inputs, findings };
}

/**
 * A tree input: inside the chain directory or a declared source, its digest recomputed, and every
 * file in it checked to be text, since a binary in a source tree would be one the chain did not build.
 */
async function traceTree(
  chain: Chain,
  stage: Stage,
  input: StageInput,
  given: string,
  insideAllowed: (real: string) => boolean,
  facts: FileFactsCache,
): Promise<Finding[]> {
  const dir = resolve(stage.dir, given);
  const unresolved = (detail: string): Finding[] => [{ reason: 'origin-unresolved', stage: stage.name, path: input.path, detail }];
  const real = await realpath(dir).catch(() => undefined);
  if (real === undefined) return unresolved(`${given} does not exist`);
  if (!insideAllowed(real)) return unresolved(`${given} resolves outside the chain directory and its declared sources (${real})`);
  let tree;
  try {
    tree = await hashTree(real);
  } catch (error) {
    if (error instanceof TreeError) return unresolved(`${given}: ${error.message}`);
    throw error;
  }
  const findings: Finding[] = [];
  if (tree.sha256 !== input.sha256) {
    findings.push({
      reason: 'file-hash-mismatch',
      stage: stage.name,
      path: input.path,
      file: relative(chain.dir, dir) || dir,
      expected: input.sha256,
      actual: tree.sha256,
    });
  }
  for (const file of tree.files) {
    const known = await facts.facts(join(real, file.path));
    if (known.content !== 'text') {
      findings.push({
        reason: 'binary-from-outside',
        stage: stage.name,
        path: `${input.path}/${file.path}`,
        source: `${given}/${file.path}`,
        kind: known.content,
      });
    }
  }
  return findings;
}
