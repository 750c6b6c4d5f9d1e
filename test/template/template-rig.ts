// A rig chain with a template beside it: two stages (one taking the other's output) and a
// template placing their outputs at other paths, with directories implied and modes given.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { loadTemplate, type TemplateDeclaration } from '../../src/template/declaration.js';
import { makeRig, type Rig, type RigStage } from '../support/rig.js';

const BB = '/bin/busybox';

/** A file big enough to need indirect blocks in the image (more than 12 blocks of 4 KiB). */
export const BIG = Array.from({ length: 40_000 }, (_, i) => String(i + 1)).join('\n') + '\n';

export const RIG_STAGES: Record<string, RigStage> = {
  base: {
    script: `printf 'alpha\\n' > /out/alpha\nprintf beta > /out/beta\n${BB} seq 1 40000 > /out/big\n`,
    outputs: { 'out/alpha': 'alpha\n', 'out/beta': 'beta', 'out/big': BIG },
  },
  derived: {
    script: `${BB} cat /in/alpha /in/alpha > /out/twice\n`,
    outputs: { 'out/twice': 'alpha\nalpha\n' },
    from: { 'in/alpha': ['base', 'out/alpha'] },
  },
};

/** The template's entries as YAML lines; tests reorder or change them. */
export const DEMO_ENTRIES = [
  '  - { path: usr/bin/twice, stage: derived, output: out/twice, mode: 0755 }',
  '  - { path: usr/share/demo/alpha, stage: base, output: out/alpha, mode: "0644" }',
  '  - { path: etc/beta, stage: base, output: out/beta }',
  '  - { path: usr/share/demo/big, stage: base, output: out/big, mode: 0o444 }',
];

export function templateYaml(name: string, entries: readonly string[] = DEMO_ENTRIES): string {
  return `name: ${name}\ndescription: a rig template\nentries:\n${entries.join('\n')}\n`;
}

export async function writeTemplate(chainDir: string, name: string, text: string): Promise<void> {
  await mkdir(join(chainDir, 'templates'), { recursive: true });
  await writeFile(join(chainDir, 'templates', `${name}.yaml`), text);
}

export interface TemplateRig extends Rig {
  readonly chain: Chain;
  readonly template: TemplateDeclaration;
}

export async function makeTemplateRig(
  stages: Record<string, RigStage> = RIG_STAGES,
  entries: readonly string[] = DEMO_ENTRIES,
): Promise<TemplateRig> {
  const rig = await makeRig(stages);
  await writeTemplate(rig.chainDir, 'demo', templateYaml('demo', entries));
  const chain = await loadChain(rig.chainDir);
  return { ...rig, chain, template: await loadTemplate(chain, 'demo') };
}
