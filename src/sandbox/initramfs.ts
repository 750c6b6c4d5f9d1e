// The initramfs of a saved VM (qemu-snapshot.ts), written by kindling itself as a "newc" cpio
// archive, the format the kernel unpacks into its first root: no host cpio, and the same entries
// always give the same bytes (inode numbers counted from 1, owner root, time 0).

/** One entry: a directory, a character device, or a regular file with its bytes. */
export type InitramfsEntry =
  | { readonly kind: 'directory'; readonly name: string; readonly mode: number }
  | { readonly kind: 'char-device'; readonly name: string; readonly mode: number; readonly major: number; readonly minor: number }
  | { readonly kind: 'file'; readonly name: string; readonly mode: number; readonly bytes: Uint8Array };

const TYPE_BITS = { directory: 0o040000, 'char-device': 0o020000, file: 0o100000 } as const;

function hex8(value: number): string {
  return value.toString(16).toUpperCase().padStart(8, '0');
}

/** Zero bytes that bring `length` to a multiple of 4, as newc aligns every header and every file. */
function padding(length: number): Buffer {
  return Buffer.alloc((4 - (length % 4)) % 4);
}

function record(ino: number, mode: number, name: string, data: Uint8Array, major = 0, minor = 0): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, major, minor, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'latin1');
  const head = Buffer.concat([header, nameBytes]);
  return [head, padding(head.length), Buffer.from(data), padding(data.length)];
}

/** The archive: the entries in the order given (a directory before what it holds), then the trailer. */
export function buildInitramfs(entries: readonly InitramfsEntry[]): Buffer {
  const parts: Buffer[] = [];
  entries.forEach((entry, index) => {
    if (!/^[^/\0][^\0]*$/.test(entry.name)) throw new Error(`an initramfs entry needs a relative name, not ${JSON.stringify(entry.name)}`);
    const mode = TYPE_BITS[entry.kind] | (entry.mode & 0o7777);
    const data = entry.kind === 'file' ? entry.bytes : new Uint8Array(0);
    const [major, minor] = entry.kind === 'char-device' ? [entry.major, entry.minor] : [0, 0];
    parts.push(...record(index + 1, mode, entry.name, data, major, minor));
  });
  parts.push(...record(0, 0, 'TRAILER!!!', new Uint8Array(0)));
  return Buffer.concat(parts);
}
