// How a VM stage's end is read from its console, and what the kernel command line can carry.
// The panic lines below are shaped like the ones Linux 6.1 printed in this backend's real runs.
import { describe, expect, it } from 'vitest';
import { kernelCommandLine, KernelCommandLineError, qemuArguments } from '../../src/sandbox/qemu-command.js';
import { decodeWaitStatus, readConsoleVerdict } from '../../src/sandbox/qemu-console.js';

const panicLine = (status: string): string => `[    1.615584] Kernel panic - not syncing: Attempted to kill init! exitcode=0x${status}\n`;
const trace = '[    1.616282] CPU: 0 PID: 1 Comm: kaem Not tainted 6.1.0-56-cloud-amd64 #1\n[    1.623937] Kernel Offset: 0x33000000\n';

describe('reading the console', () => {
  it('takes the exit status from the wait status in the panic line', () => {
    expect(readConsoleVerdict(`SeaBIOS\nstage output\n${panicLine('00000000')}${trace}`)).toEqual({ kind: 'init-exited', exitCode: 0, waitStatus: 0 });
    expect(readConsoleVerdict(panicLine('0000ad00') + trace)).toEqual({ kind: 'init-exited', exitCode: 173, waitStatus: 0xad00 });
  });

  it('reports death by a signal as 128 + the signal', () => {
    expect(readConsoleVerdict(panicLine('0000000b'))).toMatchObject({ exitCode: 139 });
    expect(decodeWaitStatus(0x8b)).toBe(139); // a core dump flag does not change the signal
  });

  it('finds the panic line even when the stage left its last line unfinished', () => {
    expect(readConsoleVerdict(`no newline at the end${panicLine('00000100')}`)).toMatchObject({ exitCode: 1 });
  });

  it('trusts only the last panic line, so a stage cannot forge its status', () => {
    const forged = `${panicLine('00000000')}then it failed\n${panicLine('00000200')}${trace}`;
    expect(readConsoleVerdict(forged)).toMatchObject({ kind: 'init-exited', exitCode: 2 });
  });

  it('tells other panics apart, and a console with no verdict', () => {
    expect(readConsoleVerdict('[    1.3] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(259,0)\r\n')).toEqual({
      kind: 'kernel-panic',
      message: 'VFS: Unable to mount root fs on unknown-block(259,0)',
    });
    expect(readConsoleVerdict('SeaBIOS (version 1.16.2)\nBooting from ROM...\n')).toEqual({ kind: 'no-verdict' });
  });
});

describe('the kernel command line', () => {
  it('puts the kernel settings before -- and init arguments after it, in order', () => {
    const line = kernelCommandLine('bin/kaem', ['build.kaem', 'a=b']);
    const [kernelPart, initPart] = line.split(' -- ');
    expect(initPart).toBe('build.kaem a=b');
    expect(kernelPart?.split(' ')).toEqual(expect.arrayContaining(['init=/bin/kaem', 'root=/dev/nvme0n1', 'rootfstype=ext4', 'panic=-1', 'console=ttyS0', 'quiet']));
    expect(kernelCommandLine('bin/kaem', [])).toMatch(/ --$/);
  });

  it('refuses what the kernel would split, unquote or cut', () => {
    expect(() => kernelCommandLine('bin/kaem', ['two words'])).toThrow(KernelCommandLineError);
    expect(() => kernelCommandLine('bin/kaem', ['say"hi"'])).toThrow(/only printable characters/);
    expect(() => kernelCommandLine('bin/kaem', [''])).toThrow(KernelCommandLineError);
    expect(() => kernelCommandLine('bin/my kaem', [])).toThrow(KernelCommandLineError);
    expect(() => kernelCommandLine('bin/kaem', Array.from({ length: 32 }, () => 'x'))).toThrow(/at most 31 arguments/);
    expect(() => kernelCommandLine('bin/kaem', ['x'.repeat(2000)])).toThrow(/more than Linux accepts \(2047\)/);
    expect(kernelCommandLine('bin/kaem', Array.from({ length: 31 }, () => 'x'))).toContain('-- x');
  });
});

describe('the qemu command', () => {
  it('has one NVMe disk, a serial console and no network', () => {
    const args = qemuArguments({ kernel: '/k/vmlinuz', image: '/tmp/a,b/disk.img', accel: 'tcg', memoryMiB: 256, commandLine: 'quiet --' });
    const after = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    expect(after('-nic')).toBe('none');
    expect(after('-serial')).toBe('stdio');
    expect(after('-accel')).toBe('tcg');
    expect(after('-m')).toBe('256');
    expect(after('-append')).toBe('quiet --');
    expect(args).toContain('-nodefaults');
    expect(args).toContain('-no-reboot');
    // A comma in a path is doubled, or qemu would read the rest as another option.
    expect(after('-drive')).toBe('file=/tmp/a,,b/disk.img,if=none,format=raw,id=stage,cache=unsafe');
    expect(after('-device')).toBe('nvme,drive=stage,serial=kindling');
  });
});
