// A command that cannot pass on a VM's kernel command line goes through a script run by the
// image's /bin/sh: each word is quoted so the shell gives the program exactly the words given.
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { shellQuoted } from '../../src/template/run.js';
import { fitsKernelCommandLine } from '../../src/sandbox/qemu-command.js';

describe('the words of a command run from a script', () => {
  it('reach the program unchanged through sh, spaces, quotes and all', async () => {
    const words = ['a b', "it's", '"quoted"', '$HOME `x` \\n', '', '-c'];
    const script = `exec printf '[%s]\\n' ${words.map(shellQuoted).join(' ')}\n`;
    const ran = await execa('sh', ['-c', script], { env: {}, extendEnv: false });
    expect(ran.stdout.split('\n')).toEqual(words.map((w) => `[${w}]`));
  });

  it('are needed only for a word the kernel command line cannot carry', () => {
    expect(['make', '-C', 'hello-2.10', 'CFLAGS=-O2'].every(fitsKernelCommandLine)).toBe(true);
    for (const word of ['a b', 'say "hi"', '', 'tab\there']) expect(fitsKernelCommandLine(word)).toBe(false);
  });
});
