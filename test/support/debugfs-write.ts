// Changing a disk image as a VM's guest would, through debugfs: the tests need no root or mount.
import { execa } from 'execa';
import { expect } from 'vitest';

/** Runs debugfs commands on `image`, writable; any complaint (debugfs still exits 0) fails the test. */
export async function debugfsWrite(image: string, commands: readonly string[]): Promise<void> {
  const result = await execa('debugfs', ['-w', '-f', '-', image], { input: commands.join('\n') + '\n', reject: false });
  expect(result.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('debugfs 1'))).toEqual([]);
}
