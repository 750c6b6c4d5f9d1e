// The seeds are the only binaries the chain trusts without building them. Each must be exactly
// what its commented source assembles to, so a person who checks the source by hand has checked
// the binary. Both are hashed by two independent implementations.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Chain } from '../manifest/types.js';
import type { FileFactsCache } from './file-facts.js';
import type { Finding } from './findings.js';
import { bytesDifference } from './first-difference.js';
import type { Hex0Assembler } from './hex0-assembler.js';
import type { SeedReport } from './report.js';

export async function checkSeeds(
  chain: Chain,
  facts: FileFactsCache,
  assembler: Hex0Assembler,
): Promise<{ seeds: SeedReport[]; findings: Finding[] }> {
  const findings: Finding[] = [];
  const seeds: SeedReport[] = [];
  for (const seed of chain.seeds.values()) {
    const binary = await facts.facts(seed.path);
    const source = await facts.facts(seed.sourcePath);
    const sourceName = relative(chain.dir, seed.sourcePath);
    let sourceCheck: SeedReport['sourceCheck'];
    try {
      const assembled = assembler(await readFile(seed.sourcePath, 'utf8'), sourceName);
      const difference = bytesDifference(assembled, await readFile(seed.path));
      sourceCheck = difference === undefined ? 'matches' : 'differs';
      if (difference !== undefined) findings.push({ reason: 'seed-source-mismatch', seed: seed.name, source: sourceName, difference });
    } catch (error) {
      sourceCheck = 'invalid';
      findings.push({ reason: 'seed-source-invalid', seed: seed.name, message: error instanceof Error ? error.message : String(error) });
    }
    seeds.push({
      name: seed.name,
      size: binary.hash.size,
      sha256: binary.hash.openssl,
      sha256Noble: binary.hash.noble,
      source: sourceName,
      sourceLines: source.lines ?? 0,
      sourceCheck,
    });
  }
  return { seeds, findings };
}
