// The initramfs of a saved VM is a newc cpio archive kindling writes itself: the kernel's format,
// byte for byte the same for the same entries.
import { describe, expect, it } from 'vitest';
import { buildInitramfs, type InitramfsEntry } from '../../src/sandbox/initramfs.js';

const ENTRIES: InitramfsEntry[] = [
  { kind: 'directory', name: 'dev', mode: 0o755 },
  { kind: 'char-device', name: 'dev/console', mode: 0o600, major: 5, minor: 1 },
  { kind: 'file', name: 'init', mode: 0o755, bytes: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1]) },
];

/** The archive's entries, read back as the kernel reads them (header fields in hex, 4-byte alignment). */
function parse(archive: Buffer): { name: string; mode: number; size: number; rdev: [number, number]; data: Buffer }[] {
  const entries = [];
  let at = 0;
  for (;;) {
    expect(archive.toString('latin1', at, at + 6)).toBe('070701');
    const field = (i: number): number => parseInt(archive.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const name = archive.toString('utf8', at + 110, at + 110 + nameSize - 1);
    let data = at + 110 + nameSize;
    data += (4 - (data % 4)) % 4;
    entries.push({
      name,
      mode: field(1),
      size,
      rdev: [field(9), field(10)] as [number, number],
      data: archive.subarray(data, data + size),
    });
    at = data + size;
    at += (4 - (at % 4)) % 4;
    if (name === 'TRAILER!!!') break;
  }
  expect(at).toBe(archive.length);
  return entries;
}

describe('the initramfs', () => {
  it('holds each entry with its type, mode, device numbers and bytes, then the trailer', () => {
    const entries = parse(buildInitramfs(ENTRIES));
    expect(entries.map((e) => [e.name, e.mode.toString(8), e.size, e.rdev])).toEqual([
      ['dev', '40755', 0, [0, 0]],
      ['dev/console', '20600', 0, [5, 1]],
      ['init', '100755', 5, [0, 0]],
      ['TRAILER!!!', '0', 0, [0, 0]],
    ]);
    expect([...entries[2]!.data]).toEqual([0x7f, 0x45, 0x4c, 0x46, 1]);
  });

  it('is the same bytes every time', () => {
    expect(buildInitramfs(ENTRIES).equals(buildInitramfs(ENTRIES))).toBe(true);
  });

  it('refuses an absolute name', () => {
    expect(() => buildInitramfs([{ kind: 'directory', name: '/dev', mode: 0o755 }])).toThrow(/relative name/);
  });
});
