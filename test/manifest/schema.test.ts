// The JSON Schemas in schema/ are what editors check manifests with, and the reference people read:
// they must say what the loader accepts.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { CHAIN_KEYS, SEED_KEYS } from '../../src/manifest/chain.js';
import { ManifestError } from '../../src/manifest/errors.js';
import { INPUT_KEYS, OUTPUT_KEYS, RUN_KEYS, STAGE_KEYS, loadStage } from '../../src/manifest/stage.js';
import { REPO } from '../support/cli.js';

interface Schema {
  properties: Record<string, { items?: { properties?: object }; oneOf?: { items?: { properties?: object } }[] }>;
  definitions?: Record<string, { properties: object }>;
}
const schemaOf = (name: string): Schema => JSON.parse(readFileSync(join(REPO, 'schema', name), 'utf8')) as Schema;
const stageSchema = schemaOf('stage.schema.json');
const chainSchema = schemaOf('chain.schema.json');
const ajv = new Ajv({ allErrors: true, strict: false });
const validStage = ajv.compile(stageSchema);
const validChain = ajv.compile(chainSchema);
const keys = (o: object | undefined): string[] => Object.keys(o ?? {}).sort();

describe('manifest schemas', () => {
  it('declare exactly the keys the loader accepts', () => {
    expect(keys(stageSchema.properties)).toEqual([...STAGE_KEYS].sort());
    expect(keys(stageSchema.definitions!.input!.properties)).toEqual([...INPUT_KEYS].sort());
    expect(keys(stageSchema.definitions!.run!.properties)).toEqual([...RUN_KEYS].sort());
    expect(keys(stageSchema.definitions!.output!.properties)).toEqual([...OUTPUT_KEYS].sort());
    expect(keys(chainSchema.properties)).toEqual([...CHAIN_KEYS].sort());
    expect(keys(chainSchema.properties.seeds!.oneOf![1]!.items!.properties)).toEqual([...SEED_KEYS].sort());
  });

  it('accept every manifest of the repository', () => {
    const chains = readdirSync(join(REPO, 'stages'));
    expect(chains.length).toBeGreaterThan(0);
    for (const chain of chains) {
      const dir = join(REPO, 'stages', chain);
      const chainYaml = yaml.load(readFileSync(join(dir, 'chain.yaml'), 'utf8'), { schema: yaml.CORE_SCHEMA });
      expect(validChain(chainYaml), `${chain}/chain.yaml: ${ajv.errorsText(validChain.errors)}`).toBe(true);
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory() || !readdirSync(join(dir, entry.name)).includes('stage.yaml')) continue;
        const manifest = yaml.load(readFileSync(join(dir, entry.name, 'stage.yaml'), 'utf8'), { schema: yaml.CORE_SCHEMA });
        expect(validStage(manifest), `${chain}/${entry.name}: ${ajv.errorsText(validStage.errors)}`).toBe(true);
      }
    }
  });

  it('reject what the loader rejects, for each kind of structural mistake', async () => {
    const good = {
      name: 'ok',
      inputs: [{ path: 'bin/sh', file: 'sh', sha256: 'a'.repeat(64), executable: true }],
      run: { init: 'bin/sh', args: ['-c', 'true'], timeout: 5 },
      outputs: [{ path: 'out', sha256: 'b'.repeat(64) }],
    };
    const bad: Record<string, (m: typeof good & Record<string, unknown>) => void> = {
      'an unknown key': (m) => void (m.colour = 'red'),
      'a misspelt input key': (m) => void ((m.inputs[0] as Record<string, unknown>).sha265 = 'x'),
      'no origin': (m) => void delete (m.inputs[0] as Partial<(typeof good.inputs)[0]>).file,
      'two origins': (m) => void ((m.inputs[0] as Record<string, unknown>).url = 'https://example.org/x'),
      'a short hash': (m) => void (m.outputs[0]!.sha256 = 'abc'),
      'an upper-case hash': (m) => void (m.outputs[0]!.sha256 = 'B'.repeat(64)),
      'no outputs': (m) => void (m.outputs = []),
      'script and args': (m) => void ((m.run as Record<string, unknown>).script = 'bin/sh'),
      'a zero timeout': (m) => void (m.run.timeout = 0),
      'a bad name': (m) => void (m.name = '-x'),
      'size without url': (m) => void ((m.inputs[0] as Record<string, unknown>).size = 3),
      'output without stage': (m) => void ((m.inputs[0] as Record<string, unknown>).output = 'x'),
    };
    const dir = await mkdtemp(join(tmpdir(), 'kindling-schema-'));
    try {
      await mkdir(join(dir, 'stage'));
      await writeFile(join(dir, 'stage', 'sh'), '');
      const goodFile = join(dir, 'stage', 'stage.yaml');
      await writeFile(goodFile, yaml.dump(good));
      expect(validStage(good)).toBe(true);
      await loadStage(goodFile, dir);
      for (const [mistake, edit] of Object.entries(bad)) {
        const manifest = structuredClone(good) as typeof good & Record<string, unknown>;
        edit(manifest);
        expect(validStage(manifest), `the schema accepts ${mistake}`).toBe(false);
        await writeFile(goodFile, yaml.dump(manifest));
        await expect(loadStage(goodFile, dir), `the loader accepts ${mistake}`).rejects.toThrow(ManifestError);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('are what the reference in schema/README.md says', async () => {
    const generator = (await import(join(REPO, 'schema', 'reference.mjs'))) as { reference: () => string };
    const readme = readFileSync(join(REPO, 'schema', 'README.md'), 'utf8');
    const start = readme.indexOf('-->\n', readme.indexOf('<!-- reference:')) + 4;
    const end = readme.indexOf('<!-- end of reference -->');
    expect(readme.slice(start, end)).toBe(generator.reference());
  });
});
