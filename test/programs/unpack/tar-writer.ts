// A tiny tar writer for tests: raw 512-byte headers with every field under the test's control,
// so archives the host's tar would never write (absolute paths, links leading out, devices, bad
// checksums, cut-short data) can be made, each with a correct checksum unless asked otherwise.

export const BLOCK = 512;

export interface HeaderFields {
  readonly name: string;
  readonly type?: string; // '0' file, '1' hard link, '2' symlink, '3'/'4' devices, '5' dir, '6' FIFO, 'x', 'g', 'L', 'K'
  readonly mode?: number;
  readonly size?: number;
  readonly linkname?: string;
  readonly prefix?: string; // POSIX ustar only
  readonly format?: 'posix' | 'gnu';
  /** Added to the correct checksum, to make a bad one. */
  readonly checksumError?: number;
  readonly magic?: string;
  /** Raw bytes written over the header at these offsets before the checksum is computed. */
  readonly patch?: readonly { readonly offset: number; readonly bytes: Buffer }[];
}

function put(block: Buffer, offset: number, width: number, text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length > width) throw new Error(`tar-writer: '${text}' does not fit in ${width} bytes`);
  bytes.copy(block, offset);
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One ustar header block. */
export function header(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  put(block, 0, 100, fields.name);
  put(block, 100, 8, octal(fields.mode ?? 0o644, 8));
  put(block, 108, 8, octal(0, 8));
  put(block, 116, 8, octal(0, 8));
  put(block, 124, 12, octal(fields.size ?? 0, 12));
  put(block, 136, 12, octal(1_700_000_000, 12));
  block[156] = (fields.type ?? '0').charCodeAt(0);
  put(block, 157, 100, fields.linkname ?? '');
  if (fields.magic !== undefined) put(block, 257, 8, fields.magic);
  else if (fields.format === 'gnu') put(block, 257, 8, 'ustar  \0');
  else put(block, 257, 8, 'ustar\x0000');
  put(block, 265, 32, 'root');
  put(block, 297, 32, 'root');
  if (fields.prefix !== undefined) put(block, 345, 155, fields.prefix);
  for (const { offset, bytes } of fields.patch ?? []) bytes.copy(block, offset);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(block, 148, 8, `${(sum + (fields.checksumError ?? 0)).toString(8).padStart(6, '0')}\0 `);
  return block;
}

/** Data padded with zeros to whole blocks. */
export function padded(data: Buffer): Buffer {
  const size = Math.ceil(data.length / BLOCK) * BLOCK;
  return Buffer.concat([data, Buffer.alloc(size - data.length)]);
}

export interface Entry extends Omit<HeaderFields, 'size'> {
  readonly data?: string | Buffer;
}

/** A header and its data; the size field is the data's length. */
export function entry(fields: Entry): Buffer {
  const data = typeof fields.data === 'string' ? Buffer.from(fields.data) : (fields.data ?? Buffer.alloc(0));
  return Buffer.concat([header({ ...fields, size: data.length }), padded(data)]);
}

/** A pax extended header ('x' per file, 'g' global) holding the given records. */
export function pax(records: Readonly<Record<string, string>>, type: 'x' | 'g' = 'x'): Buffer {
  const text = Object.entries(records)
    .map(([key, value]) => {
      // The length counts itself: find the number of digits that makes the record that long.
      const body = ` ${key}=${value}\n`;
      let length = body.length + 1;
      while (String(length).length + body.length !== length) length += 1;
      return `${length}${body}`;
    })
    .join('');
  return entry({ name: 'PaxHeaders/entry', type, data: text });
}

/** A GNU long name ('L') or long link target ('K') for the next entry. */
export function gnuLong(value: string, type: 'L' | 'K' = 'L'): Buffer {
  return entry({ name: '././@LongLink', type, format: 'gnu', data: `${value}\0` });
}

/** Entries followed by the end-of-archive marker (two zero blocks). */
export function archive(...entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(2 * BLOCK)]);
}
