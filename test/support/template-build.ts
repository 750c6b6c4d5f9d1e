// Builds one of the amd64 chain's templates from the store the test files share, under
// bubblewrap, for the tests that then run or inspect it; a failure names each failed stage.
import { loadChain } from '../../src/manifest/chain.js';
import type { Chain } from '../../src/manifest/types.js';
import { describeFailure } from '../../src/run/failure.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { Store } from '../../src/store/store.js';
import { buildTemplate, type BuildTemplateResult } from '../../src/template/build.js';
import { loadTemplate, type TemplateDeclaration } from '../../src/template/declaration.js';
import { AMD64_CHAIN, SHARED_STORE } from './amd64.js';

export interface BuiltTemplate {
  readonly chain: Chain;
  readonly template: TemplateDeclaration;
  readonly built: Extract<BuildTemplateResult, { ok: true }>;
}

export async function buildSharedTemplate(name: string, outDir: string): Promise<BuiltTemplate> {
  const chain = await loadChain(AMD64_CHAIN);
  const template = await loadTemplate(chain, name);
  const result = await buildTemplate({ chain, template, store: await Store.open(SHARED_STORE), sandbox: createBwrapSandbox(), outDir });
  if (!result.ok) {
    const problems =
      result.reason === 'stages-failed'
        ? [...result.stages.outcomes.values()].flatMap((o) =>
            o.status === 'failed' ? o.failures.map((f) => `${o.stage}: ${describeFailure(f)}`) : [],
          )
        : [result.path];
    throw new Error(`the ${name} template did not build:\n${problems.join('\n')}`);
  }
  return { chain, template, built: result };
}
