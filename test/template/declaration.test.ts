import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../../src/manifest/errors.js';
import { listTemplates, loadTemplate, UnknownTemplateError } from '../../src/template/declaration.js';
import { templateTree } from '../../src/template/tree.js';
import { sha256 } from '../support/rig.js';
import { BIG, DEMO_ENTRIES, makeTemplateRig, templateYaml, writeTemplate, type TemplateRig } from './template-rig.js';

let rig: TemplateRig;
beforeAll(async () => {
  rig = await makeTemplateRig();
});
afterAll(() => rig.cleanup());

/** Writes template `bad` with these entry lines (or this whole text) and returns the error loading it raised. */
async function errorFor(entriesOrText: readonly string[] | string): Promise<ManifestError> {
  await writeTemplate(rig.chainDir, 'bad', typeof entriesOrText === 'string' ? entriesOrText : templateYaml('bad', entriesOrText));
  try {
    await loadTemplate(rig.chain, 'bad');
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    const manifestError = error as ManifestError;
    expect(manifestError.file).toMatch(/templates\/bad\.yaml$/);
    return manifestError;
  }
  throw new Error('the template loaded without error');
}

describe('template declarations', () => {
  it('loads entries with their producing stage, output hash and mode', () => {
    const byPath = new Map(rig.template.entries.map((e) => [e.path, e]));
    expect(byPath.get('usr/bin/twice')).toEqual({
      path: 'usr/bin/twice',
      stage: 'derived',
      output: 'out/twice',
      sha256: sha256('alpha\nalpha\n'),
      mode: 0o755,
    });
    // Each octal spelling means the same: "0644", 0o444; no mode follows the output's executable flag.
    expect(byPath.get('usr/share/demo/alpha')?.mode).toBe(0o644);
    expect(byPath.get('usr/share/demo/big')).toMatchObject({ mode: 0o444, sha256: sha256(BIG) });
    expect(byPath.get('etc/beta')?.mode).toBe(0o644);
    expect(rig.template.description).toBe('a rig template');
  });

  it('implies the directories, sorted so that each comes before what it holds', () => {
    expect(templateTree(rig.template).map((n) => `${n.kind === 'directory' ? 'd' : 'f'} ${n.path} ${n.mode.toString(8)}`)).toEqual([
      'd etc 755',
      'f etc/beta 644',
      'd usr 755',
      'd usr/bin 755',
      'f usr/bin/twice 755',
      'd usr/share 755',
      'd usr/share/demo 755',
      'f usr/share/demo/alpha 644',
      'f usr/share/demo/big 444',
    ]);
  });

  it('holds symbolic links to its files, placed in the tree with their targets, and refuses one that leads nowhere', async () => {
    const links = ['  - { path: bin/twice, link: ../usr/bin/twice }', '  - { path: usr/bin/again, link: /bin/twice }'];
    await writeTemplate(rig.chainDir, 'linked', templateYaml('linked', [...DEMO_ENTRIES, ...links]));
    const linked = await loadTemplate(rig.chain, 'linked');
    expect(linked.links).toEqual([
      { path: 'bin/twice', target: '../usr/bin/twice' },
      { path: 'usr/bin/again', target: '/bin/twice' },
    ]);
    expect(
      templateTree(linked)
        .filter((n) => n.kind !== 'file')
        .map((n) => `${n.kind} ${n.path}`),
    ).toContain('symlink usr/bin/again');
    expect(templateTree(linked).map((n) => n.path)).toContain('bin');
    const dangling = await errorFor([...DEMO_ENTRIES, '  - { path: usr/bin/cc, link: tcc }']);
    expect(dangling.field).toBe('entries[4].link');
    expect(dangling.message).toContain("'tcc' (from usr/bin/cc) is no file or link of the template");
    const mixed = await errorFor([...DEMO_ENTRIES, '  - { path: usr/bin/cc, link: twice, mode: 0755 }']);
    expect(mixed.field).toBe('entries[4].mode');
  });

  it('gives the same tree whatever order the entries are declared in', async () => {
    await writeTemplate(rig.chainDir, 'reversed', templateYaml('reversed', [...DEMO_ENTRIES].reverse()));
    const reversed = await loadTemplate(rig.chain, 'reversed');
    expect(templateTree(reversed)).toEqual(templateTree(rig.template));
  });

  it('lists the templates beside the chain and names them when one is unknown', async () => {
    expect(await listTemplates(rig.chain)).toContain('demo');
    await expect(loadTemplate(rig.chain, 'nothere')).rejects.toThrow(UnknownTemplateError);
    await expect(loadTemplate(rig.chain, 'nothere')).rejects.toThrow(/no template 'nothere' .*templates: .*demo/);
  });

  it('takes every output under a directory when the output names one', async () => {
    await writeTemplate(
      rig.chainDir,
      'whole',
      templateYaml('whole', [
        '  - { path: usr/share/base, stage: base, output: out, mode: 0640 }',
        '  - { path: usr/bin/twice, stage: derived, output: out/twice }',
      ]),
    );
    const whole = await loadTemplate(rig.chain, 'whole');
    expect(whole.entries.map((e) => `${e.path} ${e.output} ${e.mode.toString(8)}`)).toEqual([
      'usr/share/base/alpha out/alpha 640',
      'usr/share/base/beta out/beta 640',
      'usr/share/base/big out/big 640',
      'usr/bin/twice out/twice 644',
    ]);
    expect(whole.entries[2]!.sha256).toBe(sha256(BIG));
  });

  it('names the directory entry whose files clash with another entry', async () => {
    const error = await errorFor([
      '  - { path: share/beta, stage: base, output: out/alpha }',
      '  - { path: share, stage: base, output: out }',
    ]);
    expect(error.field).toBe('entries[1].path');
    expect(error.message).toContain("'share/beta' is also given by entries[0]");
  });

  it("rejects an unknown stage, naming the chain's stages", async () => {
    const error = await errorFor(['  - { path: bin/x, stage: nosuch, output: out/alpha }']);
    expect(error.field).toBe('entries[0].stage');
    expect(error.message).toContain("no stage named 'nosuch'");
    expect(error.message).toContain('stages: base, derived');
  });

  it('rejects an output the stage does not declare, naming its outputs', async () => {
    const error = await errorFor([DEMO_ENTRIES[0]!, '  - { path: bin/x, stage: base, output: out/gamma }']);
    expect(error.field).toBe('entries[1].output');
    expect(error.message).toContain("stage 'base' declares no output 'out/gamma' and none under it");
    expect(error.message).toContain('out/alpha');
  });

  it('takes the output path from the entry path when no output is given', async () => {
    const error = await errorFor(['  - { path: usr/alpha, stage: base }']);
    expect(error.field).toBe('entries[0].output');
    expect(error.message).toContain("no output 'usr/alpha'");
  });

  it.each([
    ['../etc/passwd', "contains '..'"],
    ['/etc/passwd', 'is absolute'],
    ['usr//bin', 'not in normal form'],
    ['usr/./bin', 'not in normal form'],
    ['"usr/my file"', 'may not'],
    ['"usr/it\'s"', 'may not'],
    ['lost+found/x', "image filesystem's own directory"],
  ])('rejects the path %s', async (path, problem) => {
    const error = await errorFor([`  - { path: ${path}, stage: base, output: out/alpha }`]);
    expect(error.field).toBe('entries[0].path');
    expect(error.message).toContain(problem);
  });

  it('rejects a path given twice, naming both entries', async () => {
    const error = await errorFor([
      '  - { path: bin/a, stage: base, output: out/alpha }',
      '  - { path: bin/b, stage: base, output: out/beta }',
      '  - { path: bin/a, stage: derived, output: out/twice }',
    ]);
    expect(error.field).toBe('entries[2].path');
    expect(error.message).toContain("'bin/a' is also given by entries[0]");
  });

  it('rejects a file where another entry needs a directory', async () => {
    const error = await errorFor([
      '  - { path: bin, stage: base, output: out/alpha }',
      '  - { path: bin/b, stage: base, output: out/beta }',
    ]);
    expect(error.field).toBe('entries[1].path');
    expect(error.message).toContain('one would be a directory of the other');
  });

  it.each([
    ['0855', 'not an octal mode'],
    ['rwxr-xr-x', 'not an octal mode'],
    ['0x1ed', 'not an octal mode'],
    ['04755', 'setuid'],
    ['01777', 'sticky'],
    ['0055', 'unreadable to its owner'],
  ])('rejects the mode %s', async (mode, problem) => {
    const error = await errorFor([
      '  - { path: bin/a, stage: base, output: out/alpha }',
      `  - { path: bin/b, stage: base, output: out/beta, mode: ${mode} }`,
    ]);
    expect(error.field).toBe('entries[1].mode');
    expect(error.message).toContain(problem);
  });

  it("rejects an unknown key, a missing field, a name that is not the file's and an empty template", async () => {
    expect((await errorFor(['  - { path: bin/a, stage: base, output: out/alpha, owner: root }'])).field).toBe('entries[0].owner');
    expect((await errorFor(['  - { stage: base, output: out/alpha }'])).field).toBe('entries[0].path');
    expect((await errorFor(templateYaml('other'))).field).toBe('name');
    const empty = await errorFor('name: bad\nentries: []\n');
    expect(empty.field).toBe('entries');
    expect(empty.message).toContain('at least one file');
    expect((await errorFor('name: bad\nentries: [\n')).message).toContain('not valid YAML');
  });
});
