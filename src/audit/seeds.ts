// The seeds are the only binaries the chain trusts without building them. Each must be exactly
// what its commented source assembles to (the one check of src/seeds/source-check.ts), so a person
// who checks the source by hand has checked the binary. Both are hashed by two independent
// implementations.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { Chain } from '../manifest/types.js';
import { checkSeedSource, type Hex0Assembler } from '../seeds/source-check.js';
import type { FileFactsCache } from './file-facts.js';
import type { Finding } from './findings.js';
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
    const check = checkSeedSource(await readFile(seed.path), await readFile(seed.sourcePath), sourceName, assembler);
    if (check.result === 'differs')
      findings.push({ reason: 'seed-source-mismatch', seed: seed.name, source: sourceName, difference: check.difference });
    if (check.result === 'invalid') findings.push({ reason: 'seed-source-invalid', seed: seed.name, message: check.message });
    seeds.push({
      name: seed.name,
      size: binary.hash.size,
      sha256: binary.hash.openssl,
      sha256Noble: binary.hash.noble,
      source: sourceName,
      sourceLines: source.lines ?? 0,
      sourceCheck: check.result,
    });
  }
  return { seeds, findings };
}
