import { describe, expect, it } from 'vitest';
import { kaemReader } from '../../src/audit/scripts/kaem.js';
import { readerFor } from '../../src/audit/scripts/readers.js';
import { rootRelative } from '../../src/audit/scripts/script-reader.js';

describe('kaem script reader', () => {
  it('reads one command a line: program relative to the root, words split on blanks, comments and blank lines skipped', () => {
    const script = '# build hex1\n\n/bin/hex0\tsrc/hex1.hex0 bin/hex1   # assemble\n  ./bin/hex1 src/x.hex1 out/x\n#bin/never\n';
    expect(kaemReader.read('build.kaem', script)).toEqual([
      { script: 'build.kaem', line: 3, program: 'bin/hex0', args: ['src/hex1.hex0', 'bin/hex1'] },
      { script: 'build.kaem', line: 4, program: 'bin/hex1', args: ['src/x.hex1', 'out/x'] },
    ]);
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
