// `kindling trace STAGE`: run one stage under bubblewrap with strace and say what it read, what it
// looked for and did not find, and what it wrote, against its manifest; then the input lines for
// the files it read (src/lock/trace.ts says how).
import type { Command } from 'commander';
import { KindlingError } from '../errors.js';
import { loadChain } from '../manifest/chain.js';
import { inputLines, traceStage, type TraceReport } from '../lock/trace.js';
import { Store } from '../store/store.js';
import { defaultChainDir, defaultStoreDir } from './options.js';

interface TraceFlags {
  chain: string;
  store: string;
  json?: boolean;
}

function render(report: TraceReport): string {
  const lines: string[] = [
    `stage ${report.stage}: ran under bubblewrap, traced by strace; exit status ${report.exitCode ?? 'none (killed)'}`,
  ];
  lines.push(`read (${report.read.length} file${report.read.length === 1 ? '' : 's'}):`);
  for (const file of report.read)
    lines.push(`  ${file.path}${file.input !== undefined && file.input !== file.path ? `  (in input ${file.input})` : ''}`);
  if (report.unread.length > 0) lines.push(`declared but never read (could be dropped): ${report.unread.join(', ')}`);
  if (report.missing.length > 0) {
    lines.push('looked for but not there (a missing input, or a search that went on to find it elsewhere):');
    for (const miss of report.missing) lines.push(`  ${miss.path}  (${miss.how})`);
  }
  if (report.written.length > 0) {
    lines.push('written:');
    const as = {
      output: 'a declared output',
      scratch: 'in scratch',
      undeclared: 'NOT DECLARED: make it an output or put it in scratch',
    } as const;
    for (const file of report.written) lines.push(`  ${file.path}  (${as[file.as]})`);
  }
  const inputs = inputLines(report);
  if (inputs.length > 0)
    lines.push('inputs for stage.yaml, one per file read from beside the manifest or from a tree:', 'inputs:', ...inputs);
  return lines.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('trace')
    .description('run one stage under bubblewrap with strace: what it reads, misses and writes, and input lines for what it read')
    .argument('<stage>', 'the stage to trace (earlier stages must be in the store)')
    .option('--chain <dir>', 'chain directory (holds chain.yaml)', defaultChainDir())
    .option('--store <dir>', 'store holding the outputs of earlier stages', defaultStoreDir())
    .option('--json', 'print JSON')
    .action(async (name: string, flags: TraceFlags) => {
      const chain = await loadChain(flags.chain);
      const stage = chain.stages.find((s) => s.name === name);
      if (stage === undefined)
        throw new KindlingError(
          'usage',
          `chain '${chain.name}' has no stage '${name}' (stages: ${chain.stages.map((s) => s.name).join(', ')})`,
        );
      const store = await Store.open(flags.store);
      const report = await traceStage({ chain, stage, store });
      process.stdout.write(flags.json === true ? JSON.stringify(report, null, 2) + '\n' : render(report));
      if (report.exitCode !== 0)
        throw new KindlingError(
          'failed',
          `stage ${name} ended with ${report.exitCode === undefined ? 'no exit status (killed at its timeout)' : `exit status ${report.exitCode}`} under trace; the report above says what it read and missed`,
        );
    });
}
