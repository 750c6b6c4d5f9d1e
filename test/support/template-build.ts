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
import { kindling } from './cli.js';

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

export interface TemplateRun {
  readonly name: string;
  readonly templates: string;
  readonly backend: string;
  readonly kernel: string;
  readonly work: string;
  readonly command: readonly string[];
  /** More of `kindling template run`'s options (e.g. --timeout), before the command. */
  readonly options?: readonly string[];
}

/** `kindling template run` of a built template of the amd64 chain, qemu under TCG with `kernel`, and only PATH from the environment. */
export function runTemplate(run: TemplateRun): ReturnType<typeof kindling> {
  return kindling(
    [
      'template',
      'run',
      run.name,
      '--chain',
      AMD64_CHAIN,
      '--templates',
      run.templates,
      '--backend',
      run.backend,
      '--kernel',
      run.kernel,
      '--accel',
      'tcg',
      '--work',
      run.work,
      ...(run.options ?? []),
      '--',
      ...run.command,
    ],
    { env: { PATH: process.env.PATH ?? '' } },
  );
}
