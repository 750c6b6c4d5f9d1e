// Turns a seeds report into lines a person can act on. The switch is exhaustive: a new kind of
// problem does not compile until it has a message here.
import { describeDifference } from '../audit/first-difference.js';
import { describeSourceDifference } from './source-check.js';
import type { SeedProblem, SeedsReport, SeedVerification } from './verify.js';
import { assertNever } from '../errors.js';

export function describeSeedProblem(problem: SeedProblem): string {
  switch (problem.reason) {
    case 'no-seeds':
      return `${problem.dir} holds no seed (no <name>.hex0 source)`;
    case 'binary-missing':
      return `seed ${problem.seed}: the binary ${problem.path} is missing`;
    case 'source-invalid':
      return `seed ${problem.seed}: its source does not assemble: ${problem.message}`;
    case 'source-mismatch':
      return `seed ${problem.seed}: the binary is not what its source assembles to, ${describeSourceDifference(problem.difference)}`;
    case 'sums-missing':
      return `${problem.path} is missing`;
    case 'sums-malformed':
      return `${problem.path}:${problem.line}: not a "<sha256>  <file>" line: ${JSON.stringify(problem.text)}`;
    case 'sums-unlisted':
      return `seed ${problem.seed} is not listed in SHA256SUMS`;
    case 'sums-mismatch':
      return `SHA256SUMS lists ${problem.file} as ${problem.listed}, but its sha256 is ${problem.actual}`;
    case 'sums-file-missing':
      return `SHA256SUMS lists ${problem.file}, which does not exist`;
    case 'hash-implementations-disagree':
      return `${problem.file}: node:crypto says sha256 ${problem.openssl}, @noble/hashes says ${problem.noble}`;
    case 'rebuild-failed':
      return `seed ${problem.seed}: the hex0 seed could not assemble its source: ${problem.detail}`;
    case 'rebuild-mismatch':
      return `seed ${problem.seed}: the hex0 seed assembles its source to different bytes, ${describeDifference(problem.difference, 'the binary', "the hex0 seed's output")}`;
    case 'rebuild-skipped':
      return `the hex0 seed was not run: ${problem.why}`;
    default:
      return assertNever(problem);
  }
}

function describeSeed(seed: SeedVerification): string {
  const yes = (ok: boolean): string => (ok ? 'yes' : 'NO');
  const size = seed.size === undefined ? 'missing' : `${seed.size} bytes`;
  return [
    `${seed.name}: ${size}, sha256 ${seed.sha256 ?? '-'}`,
    `  assembled from ${seed.name}.hex0 by the TypeScript hex0 assembler: ${yes(seed.sourceMatches)}`,
    `  listed in SHA256SUMS with that hash (node:crypto and @noble/hashes): ${yes(seed.sumMatches)}`,
    `  assembled from ${seed.name}.hex0 by the hex0 seed itself: ${seed.rebuild}`,
  ].join('\n');
}

export function renderSeedsReport(report: SeedsReport): string {
  const lines = [`seeds in ${report.dir}`, ...report.seeds.map(describeSeed)];
  if (report.problems.length > 0) lines.push('', ...report.problems.map((p) => `- ${describeSeedProblem(p)}`));
  lines.push('', report.ok ? 'every seed is exactly what its source says' : 'the seeds do NOT agree with their sources and hashes');
  return lines.join('\n') + '\n';
}
