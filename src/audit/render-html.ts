// The audit report as one self-contained HTML page: inline CSS, SVG and a few lines of script, no
// network. It reads top to bottom as an auditor would: verdict, the chain as a picture, how it
// grows, what is trusted, what was found, then every stage's inputs and outputs with hashes.
import { describeFinding, severityOf, stageOf } from './findings.js';
import { escapeHtml as e } from './html/escape.js';
import { ddcHtml } from './render-ddc.js';
import { sameAsHtml } from './render-same-as.js';
import { graphSvg } from './html/graph-svg.js';
import { growthSvg } from './html/growth-svg.js';
import { describeRoots, formatBytes } from './render-text.js';
import type { AuditReport, GraphNode, InputReport, StageReport } from './report.js';
import type { HandwrittenCount } from './handwritten.js';

const STYLE = `
:root { --ink:#1f2430; --muted:#667085; --line:#e4e7ec; --paper:#fbfaf7; --card:#ffffff;
  --seed:#b45309; --seed-bg:#fff4e5; --stage:#2f4b7c; --stage-bg:#eef3fb; --source:#3f7f4f; --source-bg:#ecf6ee;
  --error:#b42318; --warning:#b54708; --note:#475467; --ok:#067647; }
* { box-sizing: border-box; }
body { margin:0; background:var(--paper); color:var(--ink); font:15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 64px; }
h1 { font-size: 26px; margin: 0 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 19px; margin: 40px 0 6px; }
p.lead, .muted { color: var(--muted); }
p.lead { margin: 0 0 6px; }
code, .hash { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12.5px; }
.hash { color: #344054; word-break: break-all; }
.verdict { display:inline-block; padding: 3px 12px; border-radius: 999px; font-weight: 600; font-size: 14px; margin-right: 10px; }
.verdict.pass { background:#dcfae6; color:var(--ok); } .verdict.fail { background:#fee4e2; color:var(--error); }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; margin-top:10px; overflow-x:auto; }
svg text { font-family: system-ui, sans-serif; }
svg.graph .node rect { stroke-width: 1.5; }
svg.graph .node.seed rect { fill:var(--seed-bg); stroke:var(--seed); }
svg.graph .node.stage rect { fill:var(--stage-bg); stroke:var(--stage); }
svg.graph .node.source rect { fill:var(--source-bg); stroke:var(--source); }
svg.graph .node { cursor: pointer; }
svg.graph .node text { text-anchor: middle; }
svg.graph .node .label { font-size: 13px; font-weight: 600; fill: var(--ink); }
svg.graph .node .detail { font-size: 10.5px; fill: var(--muted); }
svg.graph .edge { fill:none; stroke:#98a2b3; stroke-width:1.3; }
svg.graph .edge.long { stroke:#c0c6d0; stroke-dasharray: 4 3; }
svg.graph .arrowhead { fill:#98a2b3; }
svg.graph.focus .edge { opacity: .15; } svg.graph.focus .edge.lit { opacity: 1; stroke: var(--stage); stroke-width: 2; }
svg.graph.focus .node { opacity: .35; } svg.graph.focus .node.lit { opacity: 1; }
svg.growth .axis { font-size: 12px; fill: var(--muted); font-weight: 600; }
svg.growth .row-label { font-size: 12.5px; text-anchor: end; fill: var(--ink); }
svg.growth .value, svg.growth .unknown, svg.growth .no-program { font-size: 11.5px; fill: var(--muted); }
svg.growth .bytes-bar { fill: var(--stage); } svg.growth .bytes-bar.seed { fill: var(--seed); }
svg.growth .lines-bar { fill: #7a9cc6; }
svg.growth .tick { stroke: #eaecf0; stroke-width: 1; }
svg.growth .tick-label { font-size: 10.5px; fill: #98a2b3; text-anchor: middle; }
.card > svg { display: block; margin: 0 auto; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tag { display:inline-block; font-size: 11.5px; padding: 1px 7px; border-radius: 4px; background:#f2f4f7; color:#344054; }
.tag.seed, .tag.seed-source { background:var(--seed-bg); color:var(--seed); }
.tag.stage, .tag.built-here { background:var(--stage-bg); color:var(--stage); }
.tag.upstream { background:var(--source-bg); color:var(--source); }
.tag.bad { background:#fee4e2; color:var(--error); }
ul.findings { list-style:none; padding:0; margin:0; }
ul.findings li { padding: 7px 0 7px 12px; border-left: 3px solid var(--line); margin: 6px 0; }
ul.findings li.error { border-color: var(--error); } ul.findings li.warning { border-color: var(--warning); } ul.findings li.note { border-color: var(--note); }
ul.findings .sev { font-weight:600; font-size:12px; text-transform:uppercase; margin-right:6px; }
li.error .sev { color:var(--error); } li.warning .sev { color:var(--warning); } li.note .sev { color:var(--note); }
details.stage { background:var(--card); border:1px solid var(--line); border-radius:10px; margin:10px 0; }
details.stage > summary { padding: 12px 16px; cursor: pointer; font-weight: 600; }
details.stage > summary .muted { font-weight: 400; }
details.stage > div { padding: 0 16px 14px; }
details.stage.flagged > summary::after { content: " ⚑"; color: var(--error); }
.legend span { margin-right: 14px; font-size: 13px; color: var(--muted); }
.legend i { display:inline-block; width:12px; height:12px; border-radius:3px; margin-right:5px; vertical-align:-1px; border:1.5px solid; }
footer { margin-top: 48px; color: var(--muted); font-size: 12.5px; }
`;

// Clicking a node lights its edges and neighbours and opens the stage's details.
const SCRIPT = `
document.querySelectorAll('svg.graph .node').forEach(function (node) {
  node.addEventListener('click', function () {
    var svg = node.closest('svg'), id = node.getAttribute('data-id');
    var lit = svg.classList.contains('focus') && node.classList.contains('lit') && node.classList.contains('chosen');
    svg.querySelectorAll('.lit, .chosen').forEach(function (x) { x.classList.remove('lit', 'chosen'); });
    if (lit) { svg.classList.remove('focus'); return; }
    svg.classList.add('focus'); node.classList.add('lit', 'chosen');
    svg.querySelectorAll('.edge').forEach(function (edge) {
      var from = edge.getAttribute('data-from'), to = edge.getAttribute('data-to');
      if (from === id || to === id) {
        edge.classList.add('lit');
        svg.querySelectorAll('.node').forEach(function (n) {
          var nid = n.getAttribute('data-id'); if (nid === from || nid === to) n.classList.add('lit');
        });
      }
    });
    if (id.indexOf('stage:') === 0) {
      var details = document.getElementById('stage-' + id.slice(6));
      if (details) { details.open = true; }
    }
  });
});
`;

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function short(sha: string): string {
  return `<span class="hash" title="${e(sha)}">${e(sha.slice(0, 16))}…</span>`;
}

function inputRow(input: InputReport): string {
  const facts = [
    input.size === undefined ? '' : formatBytes(input.size),
    input.lines === undefined ? '' : `${input.lines} lines`,
    input.content === 'elf' ? 'ELF' : input.content === 'binary' ? 'binary' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `<tr><td><code>${e(input.path)}</code>${input.executable ? ' <span class="tag">exec</span>' : ''}</td><td><span class="tag ${input.origin}">${e(input.origin)}</span> <code>${e(input.from)}</code></td><td>${e(facts)}</td><td>${short(input.sha256)}</td></tr>`;
}

function stageSection(stage: StageReport, flagged: boolean): string {
  const programs = stage.programs
    .map((p) => {
      const bad = !['seed', 'stage', 'built-here'].includes(p.origin);
      return `<tr><td><code>${e(p.program)}</code></td><td>${e(p.site)}</td><td><span class="tag ${bad ? 'bad' : p.origin}">${e(p.origin)}</span> ${p.from === undefined ? '' : `<code>${e(p.from)}</code>`}</td></tr>`;
    })
    .join('');
  const outputs = stage.outputs
    .map(
      (o) =>
        `<tr><td><code>${e(o.path)}</code>${o.executable ? ' <span class="tag">exec</span>' : ''}</td><td>${o.size === undefined ? '<span class="muted">size not known</span>' : e(formatBytes(o.size))}</td><td>${short(o.sha256)}</td></tr>`,
    )
    .join('');
  return `<details class="stage${flagged ? ' flagged' : ''}" id="stage-${e(stage.name)}">
<summary>${stage.index}. ${e(stage.name)} <span class="muted">— ${e(stage.description || 'no description')}</span></summary>
<div>
<p class="muted">Manifest <code>${e(stage.manifest)}</code> ${short(stage.manifestSha256)} · stage key ${short(stage.stageKey)}${stage.script === undefined ? '' : ` · script <code>${e(stage.script.path)}</code> (${e(stage.script.language ?? 'not read')})`} · ${stage.sourceLines} lines of source</p>
<p class="muted">Rests on ${e(describeRoots(stage.roots))}${stage.roots.stages.length === 0 ? '' : `, through stages ${e(stage.roots.stages.join(', '))}`}.</p>
<table><thead><tr><th>Input</th><th>Origin</th><th>Size</th><th>sha256</th></tr></thead><tbody>${stage.inputs.map(inputRow).join('')}</tbody></table>
<table><thead><tr><th>Program run</th><th>Where</th><th>Comes from</th></tr></thead><tbody>${programs}</tbody></table>
<table><thead><tr><th>Output</th><th>Size</th><th>sha256</th></tr></thead><tbody>${outputs}</tbody></table>
</div></details>`;
}

export function renderHtml(report: AuditReport): string {
  const title = report.chain === undefined ? 'kindling audit' : `kindling audit — chain ${report.chain.name}`;
  const seedsByName = new Map(report.seeds.map((s) => [s.name, s]));
  const stagesByName = new Map(report.stages.map((s) => [s.name, s]));
  const detail = (node: GraphNode): string => {
    if (node.kind === 'seed') {
      const seed = seedsByName.get(node.label);
      return seed === undefined ? 'seed' : `seed, ${seed.size} bytes`;
    }
    if (node.kind === 'source') return 'upstream source';
    const stage = stagesByName.get(node.label);
    const files = stage?.inputs.filter((i) => i.origin === 'repository').length ?? 0;
    return `stage ${stage?.index ?? ''} · ${files} repository file${files === 1 ? '' : 's'}`;
  };
  const flaggedStages = new Set(
    report.findings
      .filter((f) => severityOf(f) === 'error')
      .map(stageOf)
      .filter((s) => s !== undefined),
  );
  const { errors, warnings, notes } = report.counts;

  const seedRows = report.seeds
    .map(
      (s) =>
        `<tr><td><span class="tag seed">seed</span> <b>${e(s.name)}</b></td><td>${s.size} bytes</td><td>${short(s.sha256)}${s.sha256 === s.sha256Noble ? ' <span class="muted">(two implementations agree)</span>' : ' <span class="tag bad">hash implementations disagree</span>'}</td><td>${e(s.sourceCheck === 'matches' ? `matches ${s.source}` : `${s.sourceCheck}: ${s.source}`)} <span class="muted">(${s.sourceLines} lines)</span></td></tr>`,
    )
    .join('');
  const componentRows = report.trustedBase
    .map((c) => `<tr><td><b>${e(c.name)}</b></td><td colspan="2">${e(c.detail)}</td><td class="muted">${e(c.from)}</td></tr>`)
    .join('');
  const findings =
    report.findings.length === 0
      ? '<p>Nothing found: every check passed.</p>'
      : `<ul class="findings">${report.findings.map((f) => `<li class="${severityOf(f)}"><span class="sev">${severityOf(f)}</span>${e(describeFinding(f))}</li>`).join('')}</ul>`;
  const hand = report.handwritten;
  const handwritten =
    hand === undefined
      ? ''
      : `<h2>Hand-written hex and assembly</h2><div class="card"><p><b>${hand.total.toLocaleString('en')}</b> lines in ${hand.files.length} files (${hand.code.toLocaleString('en')} code, ${hand.comment.toLocaleString('en')} comment only)${hand.stage0Posix === undefined ? '' : ` — ${hand.fromSources === undefined ? '' : `the chain's own ${hand.stage0Posix.counted.toLocaleString('en')}, `}${(hand.stage0Posix.ratio * 100).toFixed(0)}% of stage0-posix's about ${hand.stage0Posix.lines.toLocaleString('en')} lines from hex0 to cc_amd64`}.</p>${takenHtml(hand)}</div>`;
  const extra = [
    report.records === undefined
      ? ''
      : `<p>Records: ${report.records.read} read from <code>${e(report.records.dir)}</code>; ${report.records.current} agree with the manifests.</p>`,
    report.rebuild === undefined
      ? ''
      : `<p>Rebuild in ${e(report.rebuild.sandbox)}: ${report.rebuild.stagesVerified} stages rebuilt from an empty store and verified${report.rebuild.firstDifference === undefined ? '' : `; first difference at stage <b>${e(report.rebuild.firstDifference.stage)}</b>, file <code>${e(report.rebuild.firstDifference.path)}</code>${report.rebuild.firstDifference.offset === undefined ? '' : `, byte ${report.rebuild.firstDifference.offset}`}`}.</p>`,
    report.sameAs === undefined ? '' : sameAsHtml(report.sameAs),
    report.ddc === undefined ? '' : ddcHtml(report.ddc),
  ].join('');
  // A DDC difference is not one of the audit's findings but fails the page's verdict all the same.
  const passed = report.ok && report.ddc?.ok !== false;

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${STYLE}</style></head>
<body><main>
<h1>${e(title)}</h1>
<p class="lead"><span class="verdict ${passed ? 'pass' : 'fail'}">${passed ? 'PASS' : 'FAIL'}</span>${plural(errors, 'error')} · ${plural(warnings, 'warning')} · ${plural(notes, 'note')}${report.chain === undefined ? '' : ` · ${report.chain.arch} · ${report.stages.length} stages · ${report.seeds.length} seeds`}</p>
<p class="muted">Audited ${e(report.auditedAt)} by kindling ${e(report.auditor.kindling)} on node ${e(report.auditor.node)}. Checked without running the chain: every input traced to its origin, every program run by a stage traced to a seed or an earlier stage, seeds compared with their commented sources, hashes computed twice.</p>
${extra}
<h2>The chain, from seeds to the last stage</h2>
<p class="legend"><span><i style="background:var(--seed-bg);border-color:var(--seed)"></i>seed</span><span><i style="background:var(--stage-bg);border-color:var(--stage)"></i>stage</span><span><i style="background:var(--source-bg);border-color:var(--source)"></i>upstream source</span><span>arrows: outputs taken as inputs · click a node to follow it</span></p>
<div class="card">${graphSvg(report.graph.nodes, report.graph.edges, detail)}</div>
<h2>How the chain grows</h2>
<p class="muted">From a few hundred bytes of hand-checked seed to the programs each stage builds, and the source written for each step.</p>
<div class="card">${growthSvg(report.growth)}</div>
<h2>Trusted base — not built by the chain</h2>
<div class="card"><table><thead><tr><th>What</th><th>Size</th><th>Identity</th><th>Checked</th></tr></thead><tbody>${seedRows}${componentRows}</tbody></table></div>
<h2>Findings</h2>
<div class="card">${findings}</div>
${handwritten}
<h2>Stages</h2>
${report.stages.map((s) => stageSection(s, flaggedStages.has(s.name))).join('\n')}
<footer>Generated by <code>kindling audit --html</code>. This page loads nothing from the network.</footer>
</main><script>${SCRIPT}</script></body></html>
`;
}

/** The hand-written files a stage takes from outside the chain (chain.yaml's sources), by name. */
function takenHtml(hand: HandwrittenCount): string {
  const taken = hand.fromSources;
  if (taken === undefined) return '';
  const names = hand.files
    .filter((f) => f.from !== undefined)
    .map((f) => `<code>${e(f.path)}</code> (${(f.code + f.comment).toLocaleString('en')})`)
    .join(', ');
  return `<p>${taken.total.toLocaleString('en')} of these lines, in ${taken.files} file${taken.files === 1 ? '' : 's'}, are taken from chain.yaml's sources, outside this chain: ${names}.</p>`;
}
