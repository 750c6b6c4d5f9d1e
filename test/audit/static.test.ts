import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { audit } from '../../src/audit/audit.js';
import { FileFactsCache } from '../../src/audit/file-facts.js';
import { describeFinding, severityOf, type Finding } from '../../src/audit/findings.js';
import { traceInputs } from '../../src/audit/trace-inputs.js';
import { loadChain } from '../../src/manifest/chain.js';
import { Store } from '../../src/store/store.js';
import { BUSYBOX_BYTES, cleanStages, makeAuditRig, sha256, type AuditRig } from './chain-rig.js';

let rig: AuditRig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const errors = (findings: readonly Finding[]): Finding[] => findings.filter((f) => severityOf(f) === 'error');

describe('static audit', () => {
  it('passes a clean chain and traces every input and program to its origin', async () => {
    rig = await makeAuditRig(await cleanStages());
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings).map(describeFinding)).toEqual([]);
    expect(report.ok).toBe(true);
    const [first, second] = report.stages;
    expect(first?.inputs.map((i) => [i.path, i.origin, i.from])).toEqual([
      ['bin/sh', 'seed', 'sh'],
      ['bin/cp', 'seed', 'cp'],
      ['build.kaem', 'repository', '01-first/build.kaem'],
      ['src/greeting', 'repository', '01-first/src_greeting'],
    ]);
    expect(second?.programs).toEqual([
      { program: 'bin/sh', site: 'run.init', origin: 'seed', from: 'sh' },
      { program: 'bin/cp', site: 'build.kaem:1', origin: 'stage', from: 'first:tools/cp' },
    ]);
    expect(second?.script).toEqual({ path: 'build.kaem', language: 'kaem' });
    // What the last stage rests on, through the first: only seeds and repository files.
    expect(second?.roots).toEqual({
      seeds: ['cp', 'sh'],
      repositoryFiles: ['01-first/build.kaem', '01-first/src_greeting', '02-second/build.kaem'],
      upstream: [],
      stages: ['first'],
    });
    // Seeds: sizes, two agreeing hashes, and their sources assemble to them.
    const busybox = await BUSYBOX_BYTES();
    expect(report.seeds.map((s) => [s.name, s.size, s.sha256, s.sha256Noble, s.sourceCheck])).toEqual([
      ['cp', busybox.length, sha256(busybox), sha256(busybox), 'matches'],
      ['sh', busybox.length, sha256(busybox), sha256(busybox), 'matches'],
    ]);
    // Bytes made in two places (the copy of the seed `cp`, the greeting copied twice): listed for the reader, not errors.
    expect(report.findings.filter((f) => f.reason === 'same-bytes-from-several').map(describeFinding)).toEqual([
      `the same bytes (sha256 ${sha256('hello, world\n').slice(0, 16)}…) come from stage first (out/greeting) and stage second (out/again)`,
      `the same bytes (sha256 ${sha256(busybox).slice(0, 16)}…) come from seed cp and stage first (tools/cp): a fixed point, the chain rebuilds the seed byte for byte`,
    ]);
    expect(report.graph.nodes.filter((n) => n.kind === 'stage').map((n) => [n.label, n.layer])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
    expect(report.graph.edges).toContainEqual({ from: 'stage:first', to: 'stage:second', paths: ['bin/cp', 'in/greeting'] });
    // Without records: the kernel a qemu run here would boot, named with the sha256 it is pinned at.
    const kernel = report.trustedBase.find((c) => c.name === 'VM kernel');
    expect(kernel?.from).toBe('this host');
    expect(kernel?.detail).toMatch(/sha256 [0-9a-f]{64}, pinned \(.*vmlinuz-[^)]*\)$/);
  });

  it("reads an upstream bootstrap's kaem dialect without false findings, and still catches what it hides", async () => {
    const script = 'BIN=bin\nOUT="out"\n${BIN}/cp src/greeting \\\n  ${OUT}/greeting\nbin/sh --file src/steps.kaem\n';
    const steps = 'cd ${BIN}\n./cp ../src/greeting ../${OUT}/copy\n';
    rig = await makeAuditRig({
      upstream: {
        script,
        seeds: { 'bin/cp': 'cp' },
        files: { 'src/greeting': 'hello\n', 'src/steps.kaem': steps },
        outputs: { 'out/greeting': 'hello\n', 'out/copy': 'hello\n' },
      },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(report.findings.filter((f) => f.reason !== 'same-bytes-from-several').map(describeFinding)).toEqual([]);
    expect(report.stages[0]?.programs.map((p) => [p.program, p.site])).toEqual([
      ['bin/sh', 'run.init'],
      ['bin/cp', 'build.kaem:3'],
      ['bin/sh', 'build.kaem:5'],
      ['bin/cp', 'src/steps.kaem:2'],
    ]);

    // The nested script runs a program the stage was not given, through a variable and a cd.
    await writeFile(join(rig.stageDir('upstream'), 'src_steps.kaem'), 'cd ${BIN}\n./gcc x.c\n');
    const hidden = await audit({ chainDir: rig.chainDir });
    expect(hidden.findings.map(describeFinding)).toContain(
      'stage upstream, src/steps.kaem:2: runs bin/gcc, which is not an input of the stage (an undeclared binary)',
    );

    // A variable the audit cannot know: the proof is incomplete, and says so — no false error.
    await writeFile(join(rig.stageDir('upstream'), 'src_steps.kaem'), '${FROM_THE_HOST}/cp a b\n');
    const unknown = await audit({ chainDir: rig.chainDir });
    expect(unknown.findings.map(describeFinding)).toContain(
      'stage upstream: the commands of src/steps.kaem were not checked: the kaem reader cannot read it: src/steps.kaem:1: variable FROM_THE_HOST is not set (a stage starts with an empty environment)',
    );
  });

  it('catches a script that runs a program the stage was not given', async () => {
    const stages = await cleanStages();
    rig = await makeAuditRig({
      ...stages,
      second: { ...stages.second!, script: 'bin/cp in/greeting out/again\n\n# and then\nbin/cat in/greeting\n' },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(report.ok).toBe(false);
    expect(errors(report.findings)).toEqual([
      { reason: 'program-not-input', stage: 'second', program: 'bin/cat', script: 'build.kaem', line: 4 },
    ]);
    expect(describeFinding(errors(report.findings)[0]!)).toBe(
      'stage second, build.kaem:4: runs bin/cat, which is not an input of the stage (an undeclared binary)',
    );
  });

  it('catches a program that is a file from the repository: a binary from outside the chain', async () => {
    rig = await makeAuditRig({
      only: {
        script: 'bin/tool src/greeting out/greeting\n',
        files: { 'bin/tool': await BUSYBOX_BYTES(), 'src/greeting': 'hi\n' },
        executableFiles: ['bin/tool'],
        outputs: { 'out/greeting': 'hi\n' },
      },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings).map(describeFinding)).toEqual([
      'stage only: input bin/tool from 01-only/bin_tool is an ELF executable: a binary from outside the chain',
      "stage only, build.kaem:1: runs bin/tool, which is a file from the repository (bin_tool), not a seed or an earlier stage's output: a binary from outside the chain",
    ]);
  });

  it('flags non-text bytes taken from the repository even when nothing runs them', async () => {
    rig = await makeAuditRig({
      only: { script: 'bin/sh\n', files: { 'data/blob': Uint8Array.from([0x01, 0x02, 0x00, 0xff]) }, outputs: { 'out/x': 'x' } },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings)).toEqual([
      { reason: 'binary-from-outside', stage: 'only', path: 'data/blob', source: '01-only/data_blob', kind: 'binary' },
    ]);
  });

  it('reports a hand-edited input with no origin as a chain that does not load', async () => {
    rig = await makeAuditRig(await cleanStages());
    const manifestPath = join(rig.stageDir('first'), 'stage.yaml');
    const manifest = yaml.load(await readFile(manifestPath, 'utf8')) as { inputs: Record<string, unknown>[] };
    delete manifest.inputs[3]!.file;
    await writeFile(manifestPath, yaml.dump(manifest));
    const report = await audit({ chainDir: rig.chainDir });
    expect(report.ok).toBe(false);
    expect(report.findings).toHaveLength(1);
    expect(describeFinding(report.findings[0]!)).toMatch(/^the chain does not load: .*stage\.yaml: inputs\[3\]: has no origin/);
  });

  it('catches a repository file changed after its hash was written into the manifest', async () => {
    rig = await makeAuditRig(await cleanStages());
    await writeFile(join(rig.stageDir('first'), 'src_greeting'), 'hello, World\n');
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings)).toEqual([
      {
        reason: 'file-hash-mismatch',
        stage: 'first',
        path: 'src/greeting',
        file: '01-first/src_greeting',
        expected: sha256('hello, world\n'),
        actual: sha256('hello, World\n'),
      },
    ]);
  });

  it('catches a seed that does not match its commented source, at the first differing byte', async () => {
    rig = await makeAuditRig(await cleanStages(), { ownSeeds: true });
    const sourcePath = join(rig.seedsDir, 'cp.hex0');
    const source = await readFile(sourcePath, 'utf8');
    // The second listed line holds bytes 16..31; change byte 17.
    const lines = source.split('\n');
    const row = lines.findIndex((l) => l.endsWith('; 10'));
    const bytes = lines[row]!.split(' ');
    const original = parseInt(bytes[1]!, 16);
    bytes[1] = ((original + 1) & 0xff).toString(16).padStart(2, '0');
    lines[row] = bytes.join(' ');
    await writeFile(sourcePath, lines.join('\n'));
    const report = await audit({ chainDir: rig.chainDir });
    expect(report.seeds.find((s) => s.name === 'cp')?.sourceCheck).toBe('differs');
    const mismatch = errors(report.findings);
    expect(mismatch).toMatchObject([
      { reason: 'seed-source-mismatch', seed: 'cp', difference: { offset: 17, left: original, right: (original + 1) & 0xff } },
    ]);
    expect(describeFinding(mismatch[0]!)).toContain('at byte 17 (0x11)');
  });

  it('reports a seed source that does not assemble', async () => {
    rig = await makeAuditRig(await cleanStages(), { ownSeeds: true });
    await writeFile(join(rig.seedsDir, 'sh.hex0'), '7f 45 4c 46 zz\n');
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings).map((f) => [f.reason, 'seed' in f ? f.seed : ''])).toEqual([['seed-source-invalid', 'sh']]);
  });

  it('says so when a script is in a language it cannot read', async () => {
    const stages = await cleanStages();
    rig = await makeAuditRig({
      ...stages,
      second: {
        ...stages.second!,
        tweak: (m) => {
          const inputs = m.inputs as Record<string, unknown>[];
          const script = inputs.find((i) => i.path === 'build.kaem')!;
          script.path = 'build.sh';
          m.run = { init: 'bin/sh', script: 'build.sh', timeout: 30 };
        },
      },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(report.findings).toContainEqual({
      reason: 'script-not-checked',
      stage: 'second',
      script: 'build.sh',
      why: 'no reader for its language (the audit reads: kaem)',
    });
    expect(report.ok).toBe(true);
  });
});

describe('static audit, finer points', () => {
  it('accepts a program the stage itself built from chain programs earlier in its script', async () => {
    rig = await makeAuditRig({
      only: {
        script: 'bin/cp bin/cp tools/cp\ntools/cp src/greeting out/greeting\n',
        seeds: { 'bin/cp': 'cp' },
        files: { 'src/greeting': 'hi\n' },
        outputs: { 'out/greeting': 'hi\n', 'tools/cp': await BUSYBOX_BYTES() },
        executableOutputs: ['tools/cp'],
      },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings)).toEqual([]);
    expect(report.stages[0]?.programs.at(-1)).toEqual({
      program: 'tools/cp',
      site: 'build.kaem:2',
      origin: 'built-here',
      from: 'made by build.kaem:1',
    });
  });

  it('follows a script that the runner runs from another script', async () => {
    rig = await makeAuditRig({
      only: {
        script: 'bin/sh more.kaem\n',
        files: { 'more.kaem': '# the second half\nbin/cat src/greeting\n', 'src/greeting': 'hi\n' },
        outputs: { 'out/x': 'x' },
      },
    });
    const report = await audit({ chainDir: rig.chainDir });
    expect(errors(report.findings)).toEqual([
      { reason: 'program-not-input', stage: 'only', program: 'bin/cat', script: 'more.kaem', line: 2 },
    ]);
  });

  it('re-derives origins itself: an input taken from a stage that does not come first is reported', async () => {
    rig = await makeAuditRig(await cleanStages());
    const chain = await loadChain(rig.chainDir);
    const reordered = { ...chain, stages: [...chain.stages].reverse() };
    const traced = await traceInputs(reordered, reordered.stages[0]!, new FileFactsCache());
    expect(traced.findings).toEqual([
      { reason: 'origin-unresolved', stage: 'second', path: 'bin/cp', detail: "stage 'first' does not come before it" },
      { reason: 'origin-unresolved', stage: 'second', path: 'in/greeting', detail: "stage 'first' does not come before it" },
    ]);
  });

  it('looks into upstream downloads when a store holds them: an executable among them is flagged, an archive is not', async () => {
    const busybox = await BUSYBOX_BYTES();
    const archive = Uint8Array.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00]);
    rig = await makeAuditRig({
      only: {
        script: 'bin/tool\n',
        outputs: { 'out/x': 'x' },
        tweak: (m) => {
          (m.inputs as unknown[]).push(
            { path: 'bin/tool', url: 'https://example.invalid/tool', sha256: sha256(busybox), executable: true },
            { path: 'src/pkg.tar.gz', url: 'https://example.invalid/pkg.tar.gz', sha256: sha256(archive) },
          );
        },
      },
    });
    const store = await Store.open(rig.storeDir);
    await store.importBytes(busybox);
    await store.importBytes(archive);
    const report = await audit({ chainDir: rig.chainDir, store: rig.storeDir });
    expect(errors(report.findings).map(describeFinding)).toEqual([
      "stage only, build.kaem:1: runs bin/tool, which is an upstream download (https://example.invalid/tool), not a seed or an earlier stage's output: a binary from outside the chain",
      'stage only: input bin/tool from https://example.invalid/tool is an ELF executable: a binary from outside the chain',
    ]);
    expect(report.stages[0]?.inputs.filter((i) => i.origin === 'upstream').map((i) => i.from)).toEqual([
      'https://example.invalid/tool',
      'https://example.invalid/pkg.tar.gz',
    ]);
  });
});
