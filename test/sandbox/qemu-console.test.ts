// How a VM stage's end is read from its console, and what the kernel command line can carry.
// The restart and panic lines below are shaped like the ones Linux 6.1 printed in this backend's
// real runs.
import { describe, expect, it } from 'vitest';
import { archProfile } from '../../src/arch.js';
import { kernelCommandLine, KernelCommandLineError, qemuArguments } from '../../src/sandbox/qemu-command.js';
import { decodeWaitStatus, readConsoleVerdict } from '../../src/sandbox/qemu-console.js';

const restartLine = (status: string): string => `[    1.615584] reboot: Restarting system with command '${status}'\n`;
const panicLine = (message: string): string => `[    1.3] Kernel panic - not syncing: ${message}\r\n`;

describe('reading the console', () => {
  it('takes the exit status from the wait status the guest init gives as its restart command', () => {
    expect(readConsoleVerdict(`stage output\n${restartLine('0000')}`)).toEqual({ kind: 'init-exited', exitCode: 0, waitStatus: 0 });
    expect(readConsoleVerdict(restartLine('ad00'))).toEqual({ kind: 'init-exited', exitCode: 173, waitStatus: 0xad00 });
  });

  it('reports death by a signal as 128 + the signal', () => {
    expect(readConsoleVerdict(restartLine('000b'))).toMatchObject({ exitCode: 139 });
    expect(decodeWaitStatus(0x8b)).toBe(139); // a core dump flag does not change the signal
  });

  it('finds the line even when the stage left its last line unfinished', () => {
    expect(readConsoleVerdict(`no newline at the end${restartLine('0100')}`)).toMatchObject({ exitCode: 1 });
  });

  it('trusts only the last line, so a stage cannot forge its status or a crash', () => {
    expect(readConsoleVerdict(`${restartLine('0000')}then it failed\n${restartLine('0200')}`)).toMatchObject({
      kind: 'init-exited',
      exitCode: 2,
    });
    expect(readConsoleVerdict(`${panicLine('forged')}${restartLine('0000')}`)).toMatchObject({ kind: 'init-exited', exitCode: 0 });
    expect(readConsoleVerdict(`${restartLine('0000')}${panicLine('Attempted to kill init! exitcode=0x00000000')}`)).toMatchObject({
      kind: 'kernel-panic',
    });
  });

  it('reads the exit panic of a stage init that was PID 1 (an architecture with no guest init) as its status', () => {
    const exitPanic = panicLine('Attempted to kill init! exitcode=0x0000ad00');
    expect(readConsoleVerdict(exitPanic, { initExitPanics: true })).toEqual({ kind: 'init-exited', exitCode: 173, waitStatus: 0xad00 });
    // With the guest init, that panic means the guest init itself died: a crash.
    expect(readConsoleVerdict(exitPanic)).toMatchObject({ kind: 'kernel-panic' });
  });

  it('tells a crash apart, and a console with no verdict', () => {
    expect(readConsoleVerdict(panicLine('VFS: Unable to mount root fs on unknown-block(259,0)'))).toEqual({
      kind: 'kernel-panic',
      message: 'VFS: Unable to mount root fs on unknown-block(259,0)',
    });
    // Not four hex digits: not the guest init's line.
    expect(readConsoleVerdict("reboot: Restarting system with command 'halt'\n")).toEqual({ kind: 'no-verdict' });
    expect(readConsoleVerdict('SeaBIOS (version 1.16.2)\nBooting from ROM...\n')).toEqual({ kind: 'no-verdict' });
  });
});

describe('the kernel command line', () => {
  it("starts the guest init, and gives it the stage's init and its arguments after --, in order", () => {
    const line = kernelCommandLine('bin/kaem', ['build.kaem', 'a=b']);
    const [kernelPart, initPart] = line.split(' -- ');
    expect(initPart).toBe('/bin/kaem build.kaem a=b');
    expect(kernelPart?.split(' ')).toEqual(
      expect.arrayContaining(['init=/kindling-init', 'root=/dev/nvme0n1', 'rootfstype=ext4', 'panic=-1', 'console=ttyS0', 'quiet']),
    );
    // Not mounted sync: the guest init syncs once, at the end.
    expect(kernelPart).toContain('rootflags=nobarrier ');
    expect(kernelCommandLine('bin/kaem', [])).toMatch(/ -- \/bin\/kaem$/);
  });

  it("mounts the kernel's devices on /dev only when asked (a template run), never for a stage", () => {
    expect(kernelCommandLine('bin/kaem', ['build.kaem']).split(' ')).not.toContain('devtmpfs.mount=1');
    const [kernelPart, initPart] = kernelCommandLine('bin/sh', ['build.sh'], undefined, true, true).split(' -- ');
    expect(kernelPart?.split(' ')).toContain('devtmpfs.mount=1');
    expect(initPart).toBe('/bin/sh build.sh');
  });

  it("without a guest init, starts the stage's init itself on a disk mounted sync", () => {
    const line = kernelCommandLine('bin/kaem', ['build.kaem'], archProfile('aarch64'), false);
    const [kernelPart, initPart] = line.split(' -- ');
    expect(initPart).toBe('build.kaem');
    expect(kernelPart?.split(' ')).toEqual(expect.arrayContaining(['init=/bin/kaem', 'rootflags=sync,nobarrier', 'console=ttyAMA0']));
    // The x86 boot settings stay off another architecture's command line.
    expect(kernelPart).not.toContain('acpi=off');
    expect(
      kernelCommandLine(
        'bin/kaem',
        Array.from({ length: 31 }, () => 'x'),
        archProfile('aarch64'),
        false,
      ),
    ).toContain('-- x');
  });

  it('refuses what the kernel would split, unquote or cut', () => {
    expect(() => kernelCommandLine('bin/kaem', ['two words'])).toThrow(KernelCommandLineError);
    expect(() => kernelCommandLine('bin/kaem', ['say"hi"'])).toThrow(/only printable characters/);
    expect(() => kernelCommandLine('bin/kaem', [''])).toThrow(KernelCommandLineError);
    expect(() => kernelCommandLine('bin/my kaem', [])).toThrow(KernelCommandLineError);
    expect(() =>
      kernelCommandLine(
        'bin/kaem',
        Array.from({ length: 31 }, () => 'x'),
      ),
    ).toThrow(/at most 30 arguments/);
    expect(() => kernelCommandLine('bin/kaem', ['x'.repeat(2000)])).toThrow(/more than Linux accepts \(2047\)/);
    expect(
      kernelCommandLine(
        'bin/kaem',
        Array.from({ length: 30 }, () => 'x'),
      ),
    ).toContain('-- /bin/kaem x');
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
