// The x86-64 guest kernel booted without unpacking itself. A bzImage carries the kernel as a
// compressed ELF that its own start-up code unpacks, which under emulation costs about a fifth of
// an empty stage (measured in the README). qemu can instead load that ELF directly and enter it
// through its PVH entry point. The ELF is made here from the pinned bzImage's bytes, once per
// process, into a private temporary file: it is a function of those bytes, so the trusted base
// still names the bzImage, whose hash is checked before every boot as before.
// Only Debian's cloud kernels are known to work this way (LZ4, with a PVH note); any other kernel
// is booted as it is.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256Bytes, type Sha256 } from '../digest.js';
import { currentOwner, ownerState, readOwner } from '../store/owner.js';

const LZ4_LEGACY_MAGIC = 0x184c2102;
/** Xen's ELF note type for the 32-bit PVH entry point, which qemu looks for. */
const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/**
 * Decodes LZ4's legacy frame format (what the kernel's build uses): blocks of a 4-byte size and
 * an LZ4 block each, until `expectedSize` bytes are out. Undefined when the data is not that.
 */
export function lz4LegacyDecode(input: Uint8Array, expectedSize: number): Uint8Array | undefined {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  if (input.length < 8 || view.getUint32(0, true) !== LZ4_LEGACY_MAGIC) return undefined;
  const out = new Uint8Array(expectedSize);
  let o = 0;
  let i = 4;
  while (o < expectedSize) {
    if (i + 4 > input.length) return undefined;
    const size = view.getUint32(i, true);
    i += 4;
    if (size === LZ4_LEGACY_MAGIC) continue; // a concatenated frame starts again
    const end = i + size;
    if (size === 0 || end > input.length) return undefined;
    while (i < end) {
      const token = input[i++]!;
      let literals = token >> 4;
      if (literals === 15) {
        let more: number;
        do {
          more = input[i++]!;
          literals += more;
        } while (more === 255 && i < end);
      }
      if (o + literals > expectedSize || i + literals > end) return undefined;
      if (literals < 16) for (let k = 0; k < literals; k += 1) out[o + k] = input[i + k]!;
      else out.set(input.subarray(i, i + literals), o);
      i += literals;
      o += literals;
      if (i >= end) break; // the last sequence of a block has literals only
      const offset = input[i]! | (input[i + 1]! << 8);
      i += 2;
      let length = (token & 15) + 4;
      if ((token & 15) === 15) {
        let more: number;
        do {
          more = input[i++]!;
          length += more;
        } while (more === 255 && i < end);
      }
      if (offset === 0 || offset > o || o + length > expectedSize) return undefined;
      if (offset >= length && length > 32) {
        out.copyWithin(o, o - offset, o - offset + length);
        o += length;
      } else {
        // Byte by byte: short, or overlapping what it copies (a run).
        for (let k = 0; k < length; k += 1, o += 1) out[o] = out[o - offset]!;
      }
    }
  }
  return out;
}

/** The compressed kernel inside a bzImage (boot protocol 2.08+), and its size once unpacked. */
function payloadOf(image: Uint8Array): { payload: Uint8Array; size: number } | undefined {
  if (image.length < 0x250) return undefined;
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  // "HdrS" at 0x202 marks the setup header; payload_offset and payload_length are from 2.08.
  if (view.getUint32(0x202, true) !== 0x53726448 || view.getUint16(0x206, true) < 0x0208) return undefined;
  const setupSectors = image[0x1f1] === 0 ? 4 : image[0x1f1]!;
  const start = (setupSectors + 1) * 512 + view.getUint32(0x248, true);
  const length = view.getUint32(0x24c, true);
  if (length < 8 || start + length > image.length) return undefined;
  const payload = image.subarray(start, start + length);
  // The build appends the unpacked size, little-endian, after the compressed data.
  const size = new DataView(payload.buffer, payload.byteOffset + length - 4, 4).getUint32(0, true);
  return { payload, size };
}

/** Whether an ELF64 file has a PT_NOTE with Xen's PVH entry point. */
export function hasPvhEntry(elf: Uint8Array): boolean {
  if (elf.length < 64 || elf[0] !== 0x7f || elf[1] !== 0x45 || elf[2] !== 0x4c || elf[3] !== 0x46 || elf[4] !== 2) return false;
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const phoff = Number(view.getBigUint64(0x20, true));
  const phentsize = view.getUint16(0x36, true);
  const phnum = view.getUint16(0x38, true);
  for (let p = 0; p < phnum; p += 1) {
    const header = phoff + p * phentsize;
    if (header + 56 > elf.length || view.getUint32(header, true) !== 4) continue; // PT_NOTE
    let at = Number(view.getBigUint64(header + 8, true));
    const end = at + Number(view.getBigUint64(header + 32, true));
    while (at + 12 <= end && end <= elf.length) {
      const nameSize = view.getUint32(at, true);
      const descSize = view.getUint32(at + 4, true);
      const type = view.getUint32(at + 8, true);
      const name = Buffer.from(elf.subarray(at + 12, at + 12 + nameSize)).toString('latin1');
      if (name.startsWith('Xen') && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
      at += 12 + Math.ceil(nameSize / 4) * 4 + Math.ceil(descSize / 4) * 4;
    }
  }
  return false;
}

/** The unpacked kernel from a bzImage's bytes, when it is an ELF with a PVH entry; else undefined. */
export function unpackKernel(image: Uint8Array): Uint8Array | undefined {
  const found = payloadOf(image);
  if (found === undefined || found.size > 512 * 1024 * 1024) return undefined;
  const elf = lz4LegacyDecode(found.payload, found.size);
  return elf !== undefined && hasPvhEntry(elf) ? elf : undefined;
}

const DIR_PREFIX = 'kindling-kernel-';

/**
 * A process killed before its exit handler ran (a test worker, SIGKILL) leaves its 53 MB behind:
 * the directories of processes provably gone (owner.ts) are removed when another one is made.
 */
async function removeLeftovers(): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.startsWith(DIR_PREFIX))) {
    const owner = await readOwner(join(tmpdir(), name, 'owner'));
    if (owner !== undefined && ownerState(owner) === 'gone') await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
}

const unpacked = new Map<Sha256, Promise<string | undefined>>();
let privateDir: string | undefined;

/**
 * The file to boot for the kernel at `path`, whose bytes were just checked to have `sha256`: its
 * unpacked ELF when it has one (made once per process from bytes hashed again here), else `path`.
 */
export async function bootableKernel(path: string, sha256: Sha256): Promise<string> {
  let made = unpacked.get(sha256);
  if (made === undefined) {
    made = (async () => {
      const image = await readFile(path);
      // The bytes unpacked are the bytes checked: hashed again as read, not trusted from before.
      if (sha256Bytes(image) !== sha256) return undefined;
      const elf = unpackKernel(image);
      if (elf === undefined) return undefined;
      if (privateDir === undefined) {
        await removeLeftovers();
        privateDir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
        writeFileSync(join(privateDir, 'owner'), JSON.stringify(currentOwner()) + '\n');
        const dir = privateDir;
        process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      }
      const file = join(privateDir, `vmlinux-${sha256}`);
      writeFileSync(file, elf, { mode: 0o400 });
      return file;
    })();
    unpacked.set(sha256, made);
  }
  return (await made) ?? path;
}
