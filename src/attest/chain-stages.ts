// The stages a chain directory declares, in build order (the NN- prefixes of stages/<arch>/NN-name),
// with each stage.yaml's sha256. Enough for `verify` to order its report and to refuse a statement
// whose manifest hash is not the one this chain has for that stage.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { sha256Bytes } from '../digest.js';
import { compareText, isObject } from './statement.js';
import type { ExpectedChain } from './verify.js';

export class ChainReadError extends Error {
  override readonly name = 'ChainReadError';
}

export async function readExpectedChain(dir: string): Promise<ExpectedChain> {
  const chainFile = join(dir, 'chain.yaml');
  let chainDoc: unknown;
  try {
    chainDoc = yaml.load(await readFile(chainFile, 'utf8'));
  } catch (error) {
    throw new ChainReadError(`${chainFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isObject(chainDoc) || typeof chainDoc.name !== 'string') throw new ChainReadError(`${chainFile}: no chain name`);
  const stages = [];
  const entries = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort(compareText);
  for (const entry of entries) {
    const manifestPath = join(dir, entry, 'stage.yaml');
    let bytes: Buffer;
    try {
      bytes = await readFile(manifestPath);
    } catch {
      continue; // a directory without stage.yaml is not a stage
    }
    const doc: unknown = yaml.load(bytes.toString('utf8'));
    if (!isObject(doc) || typeof doc.name !== 'string') throw new ChainReadError(`${manifestPath}: no stage name`);
    stages.push({ name: doc.name, manifestSha256: sha256Bytes(bytes) });
  }
  return { name: chainDoc.name, stages };
}
