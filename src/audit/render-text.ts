// The audit report as plain text: trusted base first (what is not built), then what is built,
// then the findings and one line with the verdict.
import { ddcLines } from './render-ddc.js';
import { sameAsLines } from './render-same-as.js';
import { describeFinding, severityOf } from './findings.js';
import type { HandwrittenCount } from './handwritten.js';
import type { AuditReport, StageRoots } from './report.js';

export function formatBytes(bytes: number): string {
  if (bytes < 10_000) return `${bytes} bytes`;
  if (bytes < 10_000_000) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

const SOURCE_CHECK = {
  matches: 'its source assembles to exactly these bytes',
  differs: 'its source does NOT assemble to these bytes',
  invalid: 'its source does not assemble',
} as const;

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function renderText(report: AuditReport): string {
  const out: string[] = [];
  const line = (text = ''): void => void out.push(text);
  if (report.chain === undefined) {
    line('kindling audit: the chain could not be loaded');
  } else {
    line(`kindling audit — chain ${report.chain.name} (${report.chain.arch}), ${report.stages.length} stages, ${report.chain.dir}`);
  }
  line();
  line('Trusted base (not built by the chain)');
  for (const seed of report.seeds) {
    const twice = seed.sha256 === seed.sha256Noble ? 'same by node:crypto and @noble/hashes' : `@noble/hashes says ${seed.sha256Noble}`;
    line(
      `  seed ${seed.name}: ${seed.size} bytes, sha256 ${seed.sha256} (${twice}); ${SOURCE_CHECK[seed.sourceCheck]} (${seed.source}, ${seed.sourceLines} lines)`,
    );
  }
  for (const component of report.trustedBase) line(`  ${component.name}: ${component.detail} [${component.from}]`);
  if (report.stages.length > 0) {
    line();
    line('Built by the chain');
    for (const stage of report.stages) {
      const programs = stage.outputs.filter((o) => o.executable);
      const sizes = programs.map((o) => (o.size === undefined ? o.path : `${o.path} ${formatBytes(o.size)}`)).join(', ');
      line(
        `  ${String(stage.index).padStart(2)} ${stage.name}: ${count(stage.inputs.length, 'input')}, ${count(stage.outputs.length, 'output')}${sizes === '' ? '' : ` (programs: ${sizes})`}, ${count(stage.sourceLines, 'line')} of source`,
      );
      const origins = stage.programs.map((p) => `${p.program} ← ${p.origin}${p.from === undefined ? '' : ` ${p.from}`}`);
      if (origins.length > 0) line(`     runs: ${[...new Set(origins)].join('; ')}`);
      line(`     rests on: ${describeRoots(stage.roots)}`);
    }
  }
  if (report.handwritten !== undefined) {
    line();
    for (const text of handwrittenLines(report.handwritten)) line(text);
  }
  if (report.records !== undefined) {
    line();
    line(`Records: ${report.records.read} read from ${report.records.dir}, ${report.records.current} agree with the manifests`);
  }
  if (report.rebuild !== undefined) {
    const r = report.rebuild;
    line();
    line(`Rebuild (${r.sandbox}): ${r.stagesVerified} stages rebuilt and verified${r.kept ? `; rebuilt files kept in ${r.store}` : ''}`);
    if (r.firstDifference !== undefined) {
      line(
        `  first difference: stage ${r.firstDifference.stage}, file ${r.firstDifference.path}${r.firstDifference.offset === undefined ? '' : `, byte ${r.firstDifference.offset}`}`,
      );
    }
  }
  if (report.sameAs !== undefined) {
    line();
    for (const text of sameAsLines(report.sameAs)) line(text);
  }
  if (report.ddc !== undefined) {
    line();
    for (const text of ddcLines(report.ddc)) line(text);
  }
  line();
  if (report.findings.length === 0) line('Findings: none');
  else {
    line('Findings');
    for (const finding of report.findings) line(`  ${severityOf(finding).padEnd(7)} ${describeFinding(finding)}`);
  }
  line();
  line(verdictLine(report));
  return out.join('\n') + '\n';
}

/** "PASS: 0 errors, 1 warning, 2 notes"; a DDC difference fails the verdict too. */
export function verdictLine(report: AuditReport): string {
  const { errors, warnings, notes } = report.counts;
  const ddcDiffers = report.ddc?.ok === false;
  return `${report.ok && !ddcDiffers ? 'PASS' : 'FAIL'}: ${count(errors, 'error')}, ${count(warnings, 'warning')}, ${count(notes, 'note')}${ddcDiffers ? '; diverse double-compiling differs' : ''}`;
}

/** "seeds hex0, kaem; 7 repository files; no upstream source" */
export function describeRoots(roots: StageRoots): string {
  const seeds = roots.seeds.length === 0 ? 'no seed' : `seed${roots.seeds.length === 1 ? '' : 's'} ${roots.seeds.join(', ')}`;
  const upstream = roots.upstream.length === 0 ? 'no upstream source' : count(roots.upstream.length, 'upstream source');
  return `${seeds}; ${count(roots.repositoryFiles.length, 'repository file')}; ${upstream}`;
}

export function handwrittenLines(hand: HandwrittenCount): string[] {
  const lines = [
    `Hand-written hex and assembly: ${hand.files.length} files, ${hand.total} lines (${hand.code} code, ${hand.comment} comment only; ${hand.blank} blank not counted)`,
  ];
  for (const [extension, entry] of Object.entries(hand.byExtension)) {
    lines.push(
      `  ${extension.padEnd(5)} ${String(entry.files).padStart(3)} file${entry.files === 1 ? ' ' : 's'} ${String(entry.code).padStart(6)} code ${String(entry.comment).padStart(6)} comment`,
    );
  }
  // Files a stage takes from outside the chain (another chain's directory, say) are named: its reader reads them too.
  const taken = hand.fromSources;
  if (taken !== undefined) {
    lines.push(
      `  taken from chain.yaml's sources, outside this chain: ${count(taken.files, 'file')}, ${taken.total} lines (${taken.code} code, ${taken.comment} comment only)`,
    );
    for (const file of hand.files) {
      if (file.from !== undefined) lines.push(`    ${file.path}: ${file.code} code, ${file.comment} comment only`);
    }
  }
  const anchor = hand.stage0Posix;
  if (anchor !== undefined) {
    const own = taken === undefined ? '' : ` of the chain's own ${anchor.counted} lines`;
    lines.push(
      `  stage0-posix, hex0 to cc_amd64: about ${anchor.lines} lines; ratio${own} ${anchor.ratio.toFixed(2)} (${(anchor.ratio * 100).toFixed(0)}%)`,
    );
  }
  return lines;
}
