// Plain-text rendering of a verification report, for people; --json gives the report itself.
import { describeHalt } from './halt.js';
import type { Claim, StageVerdict, VerifyReport } from './verify.js';

const STATUS_TEXT: Record<StageVerdict['status'], string> = {
  agreed: 'agreed',
  disagreed: 'DISAGREED',
  insufficient: 'NOT ENOUGH SIGNERS',
  halted: 'HALTED',
};

export function renderVerifyReport(report: VerifyReport): string {
  const lines: string[] = [];
  const accepted = report.stages.filter((stage) => stage.accepted).length;
  lines.push(`threshold ${report.threshold}: ${accepted} of ${report.stages.length} stage run(s) accepted`);
  for (const stage of report.stages) {
    const key = stage.stageKey === undefined ? '(no statements)' : `key ${stage.stageKey.slice(0, 16)}`;
    const dissent = stage.status === 'agreed' && (stage.claims.length > 1 || stage.equivocators.length > 0) ? ', with dissent' : '';
    lines.push(`${stage.chain}/${stage.stage} ${key}: ${STATUS_TEXT[stage.status]}${dissent}`);
    for (const [index, claim] of stage.claims.entries()) lines.push(`  ${claimLine(index, claim)}`);
    for (const signer of stage.equivocators)
      lines.push(`  ${signer.name} (${signer.keyId.slice(0, 16)}) signed conflicting results: not counted`);
    for (const halt of stage.halts) lines.push(`  ${describeHalt(halt)}`);
    if (stage.claims.length > 1) {
      for (const claim of stage.claims)
        lines.push(...claim.outputs.map((output) => `    ${signerNames(claim)}: ${output.name} ${output.digest.sha256}`));
    }
  }
  if (report.firstDivergence !== undefined) {
    const { chain, stage, stageKey, difference } = report.firstDivergence;
    const where = difference?.path === undefined ? (difference?.note ?? '') : `first differing file ${difference.path}`;
    lines.push(`rebuilders first part ways at ${chain}/${stage}${stageKey ? ` (key ${stageKey.slice(0, 16)})` : ''}: ${where}`);
  }
  if (report.misplaced.length > 0) {
    lines.push('statements not counted (they do not fit the chain):');
    for (const entry of report.misplaced) lines.push(`  ${entry.file}: ${entry.signer.name}: ${entry.reason}`);
  }
  if (report.ignoredSignatures.length > 0) {
    lines.push('signatures ignored:');
    for (const entry of report.ignoredSignatures) {
      const who =
        entry.name === undefined ? `key id ${entry.keyid.slice(0, 16) || '(none)'}` : `${entry.name} (${entry.keyid.slice(0, 16)})`;
      lines.push(`  ${entry.file}: ${who}: ${entry.reason}, ${entry.detail}`);
    }
  }
  if (report.unreadable.length > 0) {
    lines.push('files not used:');
    for (const entry of report.unreadable) lines.push(`  ${entry.file}: ${entry.reason}`);
  }
  for (const halt of report.halts) lines.push(`in force: ${describeHalt(halt)}`);
  for (const halt of report.haltsBelowThreshold) lines.push(`warning: below threshold: ${describeHalt(halt)}`);
  return lines.join('\n') + '\n';
}

function claimLine(index: number, claim: Claim): string {
  return `claim ${index + 1}: ${claim.signers.length} signer(s): ${signerNames(claim)}; ${claim.outputs.length} output(s); backend ${claim.backends.join(', ')}`;
}

function signerNames(claim: Claim): string {
  return claim.signers.map((signer) => signer.name).join(', ');
}
