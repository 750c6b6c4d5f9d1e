import { describe, expect, it } from 'vitest';
import { kaemReader } from '../../src/audit/scripts/kaem.js';
import { readerFor } from '../../src/audit/scripts/readers.js';
import { rootRelative } from '../../src/audit/scripts/script-reader.js';

describe('kaem script reader', () => {
  it('reads one command a line: program relative to the root, words split on blanks, comments and blank lines skipped', () => {
    const script = '# build hex1\n\n/bin/hex0\tsrc/hex1.hex0 bin/hex1   # assemble\n  ./bin/hex1 src/x.hex1 out/x\n#bin/never\n';
    expect(kaemReader.read('build.kaem', script)).toMatchObject([
      { script: 'build.kaem', line: 3, program: 'bin/hex0', args: ['src/hex1.hex0', 'bin/hex1'] },
      { script: 'build.kaem', line: 4, program: 'bin/hex1', args: ['src/x.hex1', 'out/x'] },
    ]);
  });

  it("reads the dialect of other bootstraps' kaem: continuations, quotes, variables, cd, builtins, PATH", () => {
    const script = [
      'set -ex',
      'ARCH="amd64"',
      'export BINDIR=${ARCH}/bin',
      'PATH=${BINDIR}:/tools',
      'echo "building for $ARCH"',
      '${BINDIR}/hex2 --architecture ${ARCH} \\',
      '    -f "a b.hex2" \\',
      "    -o '$not_expanded'",
      'cd ${ARCH}',
      './bin/M1 -f x.M1 # a comment after a command',
      'cd ..',
      'catm out/all a b',
      '',
    ].join('\n');
    const commands = kaemReader.read('steps.kaem', script);
    expect(commands.map((c) => [c.line, c.program, c.candidates, c.args])).toEqual([
      [6, 'amd64/bin/hex2', undefined, ['--architecture', 'amd64', '-f', 'a b.hex2', '-o', '$not_expanded']],
      [10, 'amd64/bin/M1', undefined, ['-f', 'x.M1']],
      [12, 'amd64/bin/catm', ['amd64/bin/catm', 'tools/catm'], ['out/all', 'a', 'b']],
    ]);
    expect(commands[1]?.state?.directory).toBe('amd64');
    expect(commands[2]?.state?.variables.get('ARCH')).toBe('amd64');
  });

  it('refuses to guess what it cannot know: an unset variable, an open quote', () => {
    expect(() => kaemReader.read('s.kaem', 'bin/x ${UNSET}/y\n')).toThrow(
      /s\.kaem:1: variable UNSET is not set \(a stage starts with an empty environment\)/,
    );
    expect(() => kaemReader.read('s.kaem', 'A=1\nbin/x "open\n')).toThrow(/s\.kaem:2: unterminated double quote/);
    // A variable the calling script set is known to the script it runs.
    expect(kaemReader.read('s.kaem', 'bin/${TOOL}\n', { variables: new Map([['TOOL', 'cc']]), directory: '' })[0]?.program).toBe('bin/cc');
  });

  it('keeps a path that climbs out of the root visibly outside it', () => {
    expect(rootRelative('../host/bin/sh')).toBe('../host/bin/sh');
    expect(rootRelative('/bin/../../x')).toBe('../x');
    expect(rootRelative('bin//kaem')).toBe('bin/kaem');
  });

  it('is chosen for .kaem scripts and for scripts run by a program named kaem', () => {
    expect(readerFor('build.kaem', 'bin/sh')?.language).toBe('kaem');
    expect(readerFor('steps.txt', 'bin/kaem')?.language).toBe('kaem');
    expect(readerFor('build.sh', 'bin/sh')).toBeUndefined();
  });
});
