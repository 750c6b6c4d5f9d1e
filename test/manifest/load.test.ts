import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadChain } from '../../src/manifest/chain.js';
import { ManifestError } from '../../src/manifest/errors.js';
import { makeRig, sha256, type Rig, type RigStage } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

const ok: RigStage = { script: 'printf x > /out/x\n', outputs: { 'out/x': 'x' } };

/** Loads a rig chain whose stage `bad` was edited by `tweak`, and returns the error it raised. */
async function errorFor(tweak: (m: Record<string, unknown>) => void, extra: Record<string, RigStage> = {}) {
  rig = await makeRig({ ...extra, bad: { ...ok, tweak } });
  try {
    await loadChain(rig.chainDir);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return error as ManifestError;
  }
  throw new Error('the chain loaded without error');
}

const inputs = (m: Record<string, unknown>) => m.inputs as Record<string, unknown>[];
const outputs = (m: Record<string, unknown>) => m.outputs as Record<string, unknown>[];

describe('stage manifest validation', () => {
  it('loads a valid chain in dependency order, whatever the directory order', async () => {
    rig = await makeRig({
      earlier: ok,
      later: { script: 'printf y > /out/y\n', outputs: { 'out/y': 'y' }, from: { 'in/x': ['earlier', 'out/x'] } },
    });
    // Put the dependent stage first on disk: the loader must still order it after its dependency.
    await rename(join(rig.chainDir, '01-earlier'), join(rig.chainDir, '03-earlier'));
    const chain = await loadChain(rig.chainDir);
    expect(chain.stages.map((s) => s.name)).toEqual(['earlier', 'later']);
    expect(chain.stages[1]?.inputs.find((i) => i.path === 'in/x')?.origin).toEqual({ kind: 'stage', stage: 'earlier', output: 'out/x' });
  });

  it('rejects an unknown key, naming the file and the field', async () => {
    const error = await errorFor((m) => (inputs(m)[0]!.sha265 = 'typo'));
    expect(error.field).toBe('inputs[0].sha265');
    expect(error.file).toMatch(/02-bad\/stage\.yaml$|01-bad\/stage\.yaml$/);
    expect(error.message).toContain('unknown key');
  });

  it("reads an output's same-as, and names each field it cannot take", async () => {
    rig = await makeRig({
      bad: { ...ok, tweak: (m) => (outputs(m)[0]!['same-as'] = { chain: '../../other', stage: 'b0', output: 'bin/b0' }) },
    });
    const chain = await loadChain(rig.chainDir);
    const stage = chain.stages[0]!;
    expect(stage.outputs[0]!.sameAs).toEqual({
      chain: '../../other',
      chainDir: join(rig.chainDir, '..', 'other'),
      stage: 'b0',
      output: 'bin/b0',
      field: 'outputs[0].same-as',
    });
    await rig.cleanup();
    const other = { stage: 'b0', output: 'bin/b0' };
    const cases: [unknown, string, string][] = [
      [{ chain: '/abs', ...other }, 'outputs[0].same-as.chain', 'is absolute'],
      [{ chain: 7, ...other }, 'outputs[0].same-as.chain', ''],
      // This chain itself, its directory or one inside it: an output compared with itself.
      [{ chain: '..', ...other }, 'outputs[0].same-as.chain', "is this stage's own chain"],
      [{ chain: '.', ...other }, 'outputs[0].same-as.chain', "is this stage's own chain"],
      [{ chain: '../../chain/01-bad', ...other }, 'outputs[0].same-as.chain', "is this stage's own chain"],
      // Out of the directory that holds the chains.
      [{ chain: '../../..', ...other }, 'outputs[0].same-as.chain', 'resolves outside'],
      [{ chain: '../../../elsewhere/chain', ...other }, 'outputs[0].same-as.chain', 'resolves outside'],
      [{ chain: '../../other', output: 'bin/b0' }, 'outputs[0].same-as.stage', 'is missing'],
      [{ chain: '../../other', stage: ['b0'], output: 'bin/b0' }, 'outputs[0].same-as.stage', ''],
      [{ chain: '../../other', stage: '../b0', output: 'bin/b0' }, 'outputs[0].same-as.stage', 'is not a stage name'],
      [{ chain: '../../other', stage: 'b0', output: '../b0' }, 'outputs[0].same-as.output', ''],
      [{ chain: '../../other', stage: 'b0', output: 3 }, 'outputs[0].same-as.output', ''],
      [{ chain: '../../other', stage: 'b0' }, 'outputs[0].same-as.output', 'is missing'],
      [{ chain: '../../other', stage: 'b0', output: 'bin/b0', sha256: 'x' }, 'outputs[0].same-as.sha256', 'unknown key'],
      ['../../other', 'outputs[0].same-as', 'must be a mapping'],
    ];
    for (const [value, field, message] of cases) {
      const error = await errorFor((m) => (outputs(m)[0]!['same-as'] = value));
      expect([value, error.field, error.message.includes(message)]).toEqual([value, field, true]);
      expect(error.file).toMatch(/01-bad\/stage\.yaml$/);
      await rig?.cleanup();
      rig = undefined;
    }
  });

  it('rejects a missing hash', async () => {
    const error = await errorFor((m) => delete outputs(m)[0]!.sha256);
    expect(error.field).toBe('outputs[0].sha256');
    expect(error.message).toContain('is missing');
  });

  it('rejects a malformed hash', async () => {
    const error = await errorFor((m) => (inputs(m)[1]!.sha256 = 'ABC123'));
    expect(error.field).toBe('inputs[1].sha256');
    expect(error.message).toContain('not a sha256');
  });

  it.each([
    ['/etc/passwd', 'absolute'],
    ['../outside', "'..'"],
    ['out/../../x', "'..'"],
    ['out//x', 'normal form'],
    ['./x', 'normal form'],
  ])('rejects the output path %s', async (path, problem) => {
    const error = await errorFor((m) => (outputs(m)[0]!.path = path));
    expect(error.field).toBe('outputs[0].path');
    expect(error.message).toContain(problem);
  });

  it('rejects a file input that leaves the chain directory through a symbolic link', async () => {
    rig = await makeRig({ bad: { ...ok, files: { 'src/data': 'd' } } });
    const stageDir = join(rig.chainDir, '01-bad');
    await writeFile(join(rig.dir, 'secret'), 'd');
    const { rm } = await import('node:fs/promises');
    await rm(join(stageDir, 'src_data'));
    await symlink(join(rig.dir, 'secret'), join(stageDir, 'src_data'));
    await expect(loadChain(rig.chainDir)).rejects.toThrow(/resolves outside the chain directory/);
  });

  it('rejects a file input given as ../ that leaves the chain directory', async () => {
    const error = await errorFor((m) => (inputs(m)[1]!.file = '../../secret'));
    expect(error.message).toMatch(/does not exist|outside the chain/);
  });

  it('rejects duplicate outputs and overlapping paths', async () => {
    const duplicate = await errorFor((m) => outputs(m).push({ ...outputs(m)[0] }));
    expect(duplicate.field).toBe('outputs[1].path');
    expect(duplicate.message).toContain('duplicates');
    await rig?.cleanup();
    const overlap = await errorFor((m) => outputs(m).push({ path: 'out/x/y', sha256: sha256('') }));
    expect(overlap.message).toContain('overlaps');
  });

  it('rejects an init that is not an input', async () => {
    const error = await errorFor((m) => ((m.run as Record<string, unknown>).init = 'bin/sh'));
    expect(error.field).toBe('run.init');
  });

  it('rejects a timeout that is not a positive whole number', async () => {
    const error = await errorFor((m) => ((m.run as Record<string, unknown>).timeout = -5));
    expect(error.field).toBe('run.timeout');
  });

  it('rejects an input from a stage that does not exist', async () => {
    const error = await errorFor((m) => inputs(m).push({ path: 'in/z', stage: 'nowhere', sha256: sha256('z') }));
    expect(error.message).toContain("no stage named 'nowhere'");
  });

  it('rejects a stage that takes its own output', async () => {
    const error = await errorFor((m) => inputs(m).push({ path: 'in/x', stage: 'bad', output: 'out/x', sha256: sha256('x') }));
    expect(error.message).toContain('its own output');
  });

  it('rejects an input hash that disagrees with the producing stage', async () => {
    const error = await errorFor((m) => inputs(m).push({ path: 'in/x', stage: 'first', output: 'out/x', sha256: sha256('other') }), {
      first: ok,
    });
    expect(error.field).toMatch(/^inputs\[\d+\]\.sha256$/);
    expect(error.message).toContain("stage 'first' declares out/x as");
  });

  it('names a cycle between stages in full', async () => {
    rig = await makeRig({ a: ok, b: { ...ok, from: { 'in/x': ['a', 'out/x'] } } });
    // Close the loop by hand: a takes b's output.
    const { readFile } = await import('node:fs/promises');
    const path = join(rig.chainDir, '01-a', 'stage.yaml');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('inputs:\n', `inputs:\n  - { path: in/y, stage: b, output: out/x, sha256: ${sha256('x')} }\n`));
    await expect(loadChain(rig.chainDir)).rejects.toThrow(/cycle: (a → b → a|b → a → b)/);
  });

  it('rejects YAML that does not parse, naming the file', async () => {
    rig = await makeRig({ a: ok });
    const path = join(rig.chainDir, '01-a', 'stage.yaml');
    await writeFile(path, 'name: [unclosed\n');
    await expect(loadChain(rig.chainDir)).rejects.toThrow(/01-a\/stage\.yaml: is not valid YAML/);
  });

  it('rejects a chain directory without chain.yaml', async () => {
    rig = await makeRig({ a: ok });
    await mkdir(join(rig.dir, 'empty'));
    await expect(loadChain(join(rig.dir, 'empty'))).rejects.toThrow(/chain\.yaml: cannot be read/);
  });

  it('rejects an architecture kindling does not know, naming the field', async () => {
    rig = await makeRig({ a: ok });
    await writeFile(join(rig.chainDir, 'chain.yaml'), 'name: rig\narch: riscv64\nseeds: seeds\n');
    await expect(loadChain(rig.chainDir)).rejects.toThrow(
      /chain\.yaml: arch: 'riscv64' is not an architecture kindling knows \(amd64, aarch64\)/,
    );
  });
});
