// Reading the tree out of the ext4 image a VM stage's guest wrote, into an empty host directory,
// as `debugfs rdump / DEST` did: directories, regular files (holes stay holes), symlinks; modes
// (& 07777) set after the contents, so a mode-000 directory still gets its files; atime and mtime
// in whole seconds; owners ignored (ownership is no part of a result); hard links become separate
// copies; device nodes, fifos and sockets skipped. (rdump kept only the 0777 bits; a stage's
// setuid, setgid and sticky bits now reach the host, as they do under bubblewrap.)
//
// The image is hostile input: the guest could have written any byte of it. Every number taken from
// it is checked before it is used (block numbers against the filesystem's size, extent headers,
// directory entries, inode numbers), every directory may be met once, and the work done is bounded
// (WORK_FACTOR), so a crafted image gives a DiskImageError naming the field, never a write outside
// the destination or a loop without end. The layout follows the ext4 on-disk format as documented
// by the Linux kernel (Documentation/filesystems/ext4); the reader knows the features buildImage
// gives (filetype, extent; dir_index, sparse_super and large_file are compat or ro_compat) and
// what Linux's ext4 driver writes with them: extent trees of any depth, unwritten extents, holes,
// htree directories (read linearly: their index blocks look like empty entries).
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  futimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  symlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { DiskImageError } from './disk-image-error.js';

const SUPERBLOCK_OFFSET = 1024;
const SUPERBLOCK_SIZE = 1024;
const EXT4_MAGIC = 0xef53;
const ROOT_INODE = 2;

// Incompatible features change how the filesystem must be read; one the reader does not know could
// make it misread every byte, so it refuses them. Compat and ro_compat features (dir_index,
// sparse_super, large_file, and whatever the kernel adds, e.g. dir_nlink) are safe to ignore for a
// read-only reader by the definition of those two sets, and are not looked at.
const INCOMPAT_FILETYPE = 0x2;
const INCOMPAT_EXTENTS = 0x40;
const KNOWN_INCOMPAT = INCOMPAT_FILETYPE | INCOMPAT_EXTENTS;
const INCOMPAT_NAMES: ReadonlyMap<number, string> = new Map([
  [0x1, 'compression'],
  [0x4, 'needs_recovery'],
  [0x8, 'journal_dev'],
  [0x10, 'meta_bg'],
  [0x80, '64bit'],
  [0x100, 'mmp'],
  [0x200, 'flex_bg'],
  [0x400, 'ea_inode'],
  [0x1000, 'dirdata'],
  [0x2000, 'metadata_csum_seed'],
  [0x4000, 'large_dir'],
  [0x8000, 'inline_data'],
  [0x10000, 'encrypt'],
  [0x20000, 'casefold'],
]);

const GROUP_DESCRIPTOR_SIZE = 32;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const SKIPPED_TYPES = new Set([0o020000, 0o060000, 0o010000, 0o140000]); // char, block, fifo, socket

const EXTENTS_FL = 0x80000;
const INLINE_DATA_FL = 0x10000000;
const ENCRYPT_FL = 0x800;

const EXTENT_MAGIC = 0xf30a;
const EXTENT_ENTRY_SIZE = 12;
const MAX_EXTENT_DEPTH = 5;
// An extent longer than this is an unwritten one, of (length - this) blocks.
const MAX_INITIALISED_EXTENT = 32768;
const I_BLOCK_OFFSET = 0x28;
const I_BLOCK_SIZE = 60;

// Every block read and every name written is counted against WORK_FACTOR times the filesystem's
// blocks plus its inodes. A tree read once needs about one unit per block and per inode; hard links
// (each read again, as a copy) and shared blocks cost more, and only a crafted image needs 16 times
// what the filesystem holds.
const WORK_FACTOR = 16;

const CHUNK = 1024 * 1024;
// Small files are read through a window of the image: files written one after another mostly lie
// one after another, and one read then serves many of them.
const WINDOW = 128 * 1024;
const INODE_TABLE_PIECE = 128;
const INODE_PIECES_KEPT = 256;
// The reader works synchronously (a stage's read back is mostly many small system calls) and gives
// the event loop a turn this often.
const YIELD_EVERY_MS = 20;

interface Geometry {
  readonly blockSize: number;
  readonly blocksCount: number;
  readonly inodesCount: number;
  readonly inodesPerGroup: number;
  readonly inodeSize: number;
  readonly firstInode: number;
  readonly groupCount: number;
  readonly descriptorsAt: number;
  readonly filetype: boolean;
}

interface Inode {
  readonly number: number;
  readonly mode: number;
  readonly size: number;
  readonly flags: number;
  readonly atime: number;
  readonly mtime: number;
  readonly blockArea: Buffer;
}

/** Where in the tree the reader is, for messages: the path on the image and the inode. */
interface Place {
  readonly path: string;
  readonly inode: number;
}

interface DirectoryToRead {
  readonly kind: 'read';
  readonly inode: Inode;
  readonly host: Buffer;
  readonly path: string;
}

interface DirectoryToFinish {
  readonly kind: 'finish';
  readonly inode: Inode;
  readonly host: Buffer;
}

type Extent = (logical: number, physical: number, length: number, unwritten: boolean) => void;

/** The signed 32-bit seconds an inode stores, with the two epoch bits of its extra field when it has one. */
function inodeSeconds(raw: Buffer, base: number, extraAt: number, extraSize: number): number {
  const seconds = raw.readInt32LE(base);
  if (128 + extraSize < extraAt + 4 || raw.length < extraAt + 4) return seconds;
  return seconds + (raw.readUInt32LE(extraAt) & 3) * 2 ** 32;
}

function decodeName(name: Buffer): string {
  return name.toString('utf8');
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

class Ext4Reader {
  private work = 0;
  private readonly workLimit: number;
  private readonly visited = new Set<number>();
  private readonly data = Buffer.allocUnsafe(CHUNK);
  private readonly window = Buffer.allocUnsafe(WINDOW);
  private windowStart = 0;
  private windowEnd = 0;
  private readonly inodeTables = new Map<number, number>();
  // Pieces of inode tables already read (INODE_TABLE_PIECE inodes each), by group and piece: a
  // directory's files mostly have neighbouring inodes, and one read then serves many of them.
  private readonly inodePieces = new Map<number, Buffer>();
  private readonly image: string;
  private readonly fd: number;
  private readonly geometry: Geometry;

  private readonly umask: number | undefined;

  constructor(image: string, fd: number, geometry: Geometry) {
    this.umask = currentUmask();
    this.image = image;
    this.fd = fd;
    this.geometry = geometry;
    this.workLimit = WORK_FACTOR * (geometry.blocksCount + geometry.inodesCount);
  }

  damaged(what: string, place?: Place): DiskImageError {
    const where = place === undefined ? '' : `${place.path} (inode ${place.inode}): `;
    return new DiskImageError(`the disk image ${this.image} is damaged: ${where}${what}`);
  }

  private spend(units: number, place: Place): void {
    this.work += units;
    if (this.work > this.workLimit) {
      throw this.damaged(
        `reading it takes more than ${this.workLimit} blocks and names, ${WORK_FACTOR} times what the filesystem holds (blocks shared between files, or hard links without end)`,
        place,
      );
    }
  }

  private readExact(buffer: Buffer, length: number, position: number, place?: Place): void {
    let done = 0;
    while (done < length) {
      const got = readSync(this.fd, buffer, done, length - done, position + done);
      if (got === 0) throw this.damaged(`the image file ends at byte ${position + done}, inside the filesystem`, place);
      done += got;
    }
  }

  private checkBlocks(first: number, count: number, what: string, place: Place): void {
    const { blocksCount } = this.geometry;
    if (first === 0 || first + count > blocksCount) {
      const block = first === 0 || first >= blocksCount ? first : first + count - 1;
      throw this.damaged(`${what} points past the end of the disk (block ${block} of ${blocksCount})`, place);
    }
  }

  private inodeTableOf(group: number, place: Place): number {
    const known = this.inodeTables.get(group);
    if (known !== undefined) return known;
    const { blockSize, inodesPerGroup, inodeSize, descriptorsAt } = this.geometry;
    const descriptor = Buffer.alloc(GROUP_DESCRIPTOR_SIZE);
    this.readExact(descriptor, GROUP_DESCRIPTOR_SIZE, descriptorsAt + group * GROUP_DESCRIPTOR_SIZE, place);
    const table = descriptor.readUInt32LE(8);
    this.checkBlocks(table, Math.ceil((inodesPerGroup * inodeSize) / blockSize), `group ${group}'s inode table`, place);
    this.inodeTables.set(group, table);
    return table;
  }

  readInode(number: number, place: Place): Inode {
    const { blockSize, inodesPerGroup, inodeSize, blocksCount } = this.geometry;
    const group = Math.floor((number - 1) / inodesPerGroup);
    const index = (number - 1) % inodesPerGroup;
    const pieceIndex = Math.floor(index / INODE_TABLE_PIECE);
    const key = group * Math.ceil(inodesPerGroup / INODE_TABLE_PIECE) + pieceIndex;
    let piece = this.inodePieces.get(key);
    if (piece === undefined) {
      const table = this.inodeTableOf(group, place);
      const count = Math.min(INODE_TABLE_PIECE, inodesPerGroup - pieceIndex * INODE_TABLE_PIECE);
      piece = Buffer.allocUnsafe(count * inodeSize);
      this.readExact(piece, piece.length, table * blockSize + pieceIndex * INODE_TABLE_PIECE * inodeSize, place);
      if (this.inodePieces.size >= INODE_PIECES_KEPT) this.inodePieces.clear();
      this.inodePieces.set(key, piece);
    }
    const start = (index % INODE_TABLE_PIECE) * inodeSize;
    const raw = piece.subarray(start, start + inodeSize);
    const extraSize = inodeSize > 128 ? raw.readUInt16LE(0x80) : 0;
    const mode = raw.readUInt16LE(0);
    const flags = raw.readUInt32LE(0x20);
    const size = raw.readUInt32LE(0x6c) * 2 ** 32 + raw.readUInt32LE(4);
    // A file larger than the disk it is on can only be mostly holes, and everything downstream
    // (hashing, storing, copying the outputs) reads every byte of it: a 16 TiB size in 4 bytes of
    // a crafted image would cost hours there. No stage needs a file larger than its disk.
    if (size > blocksCount * blockSize) {
      throw this.damaged(`its size is ${size} bytes, larger than the disk (${blocksCount * blockSize} bytes)`, place);
    }
    if ((flags & INLINE_DATA_FL) !== 0)
      throw this.damaged('it keeps its data inline (inline_data), a feature this filesystem does not have', place);
    if ((flags & ENCRYPT_FL) !== 0) throw this.damaged('it is encrypted, a feature this filesystem does not have', place);
    return {
      number,
      mode,
      size,
      flags,
      atime: inodeSeconds(raw, 0x08, 0x8c, extraSize),
      mtime: inodeSeconds(raw, 0x10, 0x88, extraSize),
      blockArea: raw.subarray(I_BLOCK_OFFSET, I_BLOCK_OFFSET + I_BLOCK_SIZE),
    };
  }

  /** Calls `visit` on every extent of the inode, in logical order, each checked. */
  private forEachExtent(inode: Inode, place: Place, visit: Extent): void {
    if ((inode.flags & EXTENTS_FL) === 0) {
      throw this.damaged('its blocks are mapped without an extent tree, which this filesystem never writes', place);
    }
    const next = { logical: 0 };
    this.walkExtents(inode.blockArea, I_BLOCK_SIZE, undefined, 0, next, place, visit);
  }

  private walkExtents(
    node: Buffer,
    nodeSize: number,
    depthExpected: number | undefined,
    lowest: number,
    next: { logical: number },
    place: Place,
    visit: Extent,
  ): void {
    const magic = node.readUInt16LE(0);
    if (magic !== EXTENT_MAGIC) {
      throw this.damaged(`an extent header has the magic 0x${magic.toString(16)}, not 0x${EXTENT_MAGIC.toString(16)}`, place);
    }
    const entries = node.readUInt16LE(2);
    const max = node.readUInt16LE(4);
    const depth = node.readUInt16LE(6);
    const room = Math.floor((nodeSize - EXTENT_ENTRY_SIZE) / EXTENT_ENTRY_SIZE);
    if (max > room) throw this.damaged(`an extent header allows ${max} entries where ${room} fit`, place);
    if (entries > max) throw this.damaged(`an extent header holds ${entries} entries, more than its maximum ${max}`, place);
    if (depth > MAX_EXTENT_DEPTH) throw this.damaged(`its extent tree is ${depth} levels deep (at most ${MAX_EXTENT_DEPTH})`, place);
    if (depthExpected !== undefined && depth !== depthExpected) {
      throw this.damaged(`an extent tree node says depth ${depth} below a node of depth ${depthExpected + 1}`, place);
    }
    const { blockSize } = this.geometry;
    let previousKey = -1;
    for (let i = 0; i < entries; i += 1) {
      const at = EXTENT_ENTRY_SIZE * (i + 1);
      const logical = node.readUInt32LE(at);
      if (depth === 0) {
        const rawLength = node.readUInt16LE(at + 4);
        const physical = node.readUInt16LE(at + 6) * 2 ** 32 + node.readUInt32LE(at + 8);
        const unwritten = rawLength > MAX_INITIALISED_EXTENT;
        const length = unwritten ? rawLength - MAX_INITIALISED_EXTENT : rawLength;
        if (length === 0) throw this.damaged(`an extent at logical block ${logical} has length 0`, place);
        if (logical < next.logical || logical < lowest) {
          throw this.damaged(`its extents overlap or are out of order (one starts at logical block ${logical})`, place);
        }
        if (logical + length > 2 ** 32) throw this.damaged(`an extent runs past logical block 2^32`, place);
        this.checkBlocks(physical, length, 'an extent', place);
        next.logical = logical + length;
        visit(logical, physical, length, unwritten);
      } else {
        const child = node.readUInt16LE(at + 8) * 2 ** 32 + node.readUInt32LE(at + 4);
        if (logical <= previousKey || logical < lowest) {
          throw this.damaged(`its extent index is out of order (an entry starts at logical block ${logical})`, place);
        }
        previousKey = logical;
        this.checkBlocks(child, 1, 'an extent index', place);
        this.spend(1, place);
        const block = Buffer.allocUnsafe(blockSize);
        this.readExact(block, blockSize, child * blockSize, place);
        this.walkExtents(block, blockSize, depth - 1, logical, next, place, visit);
      }
    }
  }

  /** Copies the blocks that lie inside the file's size; holes and unwritten extents stay holes. */
  writeFile(inode: Inode, place: Place, host: Buffer): void {
    const mode = inode.mode & 0o7777;
    // A file made with its final mode needs no chmod (a tenth of the time per file): so when the
    // umask would not change that mode and it has no setuid or setgid bit, which a write clears.
    const modeAtOpen = this.umask !== undefined && (mode & (this.umask | 0o6000)) === 0;
    const out = this.create(host, place, () =>
      openSync(host, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, modeAtOpen ? mode : 0o600),
    );
    try {
      const { blockSize } = this.geometry;
      let written = 0;
      if (inode.size > 0 || (inode.flags & EXTENTS_FL) !== 0) {
        this.forEachExtent(inode, place, (logical, physical, length, unwritten) => {
          const start = logical * blockSize;
          const end = Math.min((logical + length) * blockSize, inode.size);
          if (start >= end) return;
          this.spend(Math.ceil((end - start) / blockSize), place);
          if (unwritten) return;
          const from = physical * blockSize;
          if (end - start <= WINDOW) {
            if (from < this.windowStart || from + (end - start) > this.windowEnd) {
              const length = Math.min(WINDOW, this.geometry.blocksCount * blockSize - from);
              this.readExact(this.window, length, from, place);
              this.windowStart = from;
              this.windowEnd = from + length;
            }
            writeSync(out, this.window, from - this.windowStart, end - start, start);
          } else {
            for (let done = 0; start + done < end;) {
              const count = Math.min(CHUNK, end - start - done);
              this.readExact(this.data, count, from + done, place);
              writeSync(out, this.data, 0, count, start + done);
              done += count;
            }
          }
          written = end;
        });
      }
      if (written < inode.size) ftruncateSync(out, inode.size);
      if (!modeAtOpen) fchmodSync(out, mode);
      futimesSync(out, inode.atime, inode.mtime);
    } finally {
      closeSync(out);
    }
  }

  writeSymlink(inode: Inode, place: Place, host: Buffer): void {
    const { blockSize } = this.geometry;
    if (inode.size === 0) throw this.damaged('a symlink has an empty target', place);
    if (inode.size >= blockSize) throw this.damaged(`a symlink's target is ${inode.size} bytes (at most ${blockSize - 1})`, place);
    let target: Buffer;
    if ((inode.flags & EXTENTS_FL) !== 0) {
      // A slow symlink: the target is in the file's first block.
      let first: number | undefined;
      this.forEachExtent(inode, place, (logical, physical, _length, unwritten) => {
        if (logical === 0 && !unwritten) first = physical;
      });
      if (first === undefined) throw this.damaged("a symlink's target has no block", place);
      this.spend(1, place);
      target = Buffer.allocUnsafe(inode.size);
      this.readExact(target, inode.size, first * blockSize, place);
    } else if (inode.size < I_BLOCK_SIZE) {
      // A fast symlink: the target is in the inode, where the extent tree would be.
      target = Buffer.from(inode.blockArea.subarray(0, inode.size));
    } else {
      throw this.damaged(`a symlink's ${inode.size}-byte target is neither in the inode nor in an extent`, place);
    }
    if (target.includes(0)) throw this.damaged("a symlink's target holds a NUL byte", place);
    this.create(host, place, () => symlinkSync(target, host));
  }

  /** Runs a host call that makes a new name; a name already there means the directory held it twice. */
  private create<T>(host: Buffer, place: Place, make: () => T): T {
    try {
      return make();
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw this.damaged('its name appears twice in its directory', place);
      const message = error instanceof Error ? error.message : String(error);
      throw new DiskImageError(`could not write ${place.path} from the disk image ${this.image}: ${message}`);
    }
  }

  /**
   * Reads one directory's entries, writing each file and symlink and making each subdirectory,
   * whose own reading is pushed on `pending`.
   */
  readDirectory(directory: DirectoryToRead, pending: (DirectoryToRead | DirectoryToFinish)[]): void {
    const { blockSize } = this.geometry;
    const place: Place = { path: directory.path === '' ? '/' : directory.path, inode: directory.inode.number };
    const blocks = Math.ceil(directory.inode.size / blockSize);
    let sawFirst = false;
    this.forEachExtent(directory.inode, place, (logical, physical, length, unwritten) => {
      if (unwritten) return;
      const inside = Math.min(length, blocks - logical);
      for (let done = 0; done < inside;) {
        const count = Math.min(inside - done, CHUNK / blockSize);
        this.spend(count, place);
        // Its own buffer: files written while this directory is read use the shared one.
        const chunk = Buffer.allocUnsafe(count * blockSize);
        this.readExact(chunk, count * blockSize, (physical + done) * blockSize, place);
        for (let b = 0; b < count; b += 1) {
          const index = logical + done + b;
          if (index === 0) sawFirst = true;
          this.readDirectoryBlock(chunk.subarray(b * blockSize, (b + 1) * blockSize), index, directory, place, pending);
        }
        done += count;
      }
    });
    if (!sawFirst) throw this.damaged('the directory has no first block', place);
  }

  private readDirectoryBlock(
    block: Buffer,
    index: number,
    directory: DirectoryToRead,
    place: Place,
    pending: (DirectoryToRead | DirectoryToFinish)[],
  ): void {
    const { blockSize, inodesCount, firstInode, filetype } = this.geometry;
    let entry = 0;
    for (let at = 0; at < blockSize; entry += 1) {
      const where = `the directory entry at byte ${at} of its block ${index}`;
      if (at + 8 > blockSize) throw this.damaged(`${where} crosses the end of the block`, place);
      const inode = block.readUInt32LE(at);
      const recordLength = block.readUInt16LE(at + 4);
      const nameLength = filetype ? block[at + 6]! : block.readUInt16LE(at + 6);
      if (recordLength === 0) throw this.damaged(`${where} has rec_len 0`, place);
      if (recordLength % 4 !== 0) throw this.damaged(`${where} has rec_len ${recordLength}, not a multiple of 4`, place);
      if (recordLength < 12 || recordLength < 8 + nameLength) {
        throw this.damaged(`${where} has rec_len ${recordLength}, too short for its ${nameLength}-byte name`, place);
      }
      if (at + recordLength > blockSize) throw this.damaged(`${where} has rec_len ${recordLength}, past the end of the block`, place);
      const name = block.subarray(at + 8, at + 8 + nameLength);
      at += recordLength;
      if (inode === 0) continue; // a deleted entry, the rest of a block, or an htree index block
      if (inode > inodesCount) throw this.damaged(`${where} names inode ${inode}, past the ${inodesCount} the filesystem has`, place);
      if (nameLength === 0) throw this.damaged(`${where} has an empty name`, place);
      const dot = nameLength === 1 && name[0] === 0x2e;
      const dotDot = nameLength === 2 && name[0] === 0x2e && name[1] === 0x2e;
      if (index === 0 && entry === 0) {
        if (!dot || inode !== directory.inode.number) throw this.damaged("the directory does not begin with its own '.' entry", place);
        continue;
      }
      if (index === 0 && entry === 1) {
        if (!dotDot) throw this.damaged("the directory's second entry is not '..'", place);
        continue;
      }
      if (dot || dotDot) throw this.damaged(`${where} is a second '${dot ? '.' : '..'}'`, place);
      if (name.includes(0x2f)) throw this.damaged(`${where} has a name with a '/': ${JSON.stringify(decodeName(name))}`, place);
      if (name.includes(0)) throw this.damaged(`${where} has a name with a NUL byte`, place);
      const path = `${directory.path}/${decodeName(name)}`;
      const childPlace: Place = { path, inode };
      if (inode < firstInode && inode !== ROOT_INODE) throw this.damaged(`its entry names reserved inode ${inode}`, childPlace);
      this.spend(1, childPlace);
      this.readEntry(inode, Buffer.concat([directory.host, Buffer.from('/'), name]), childPlace, pending);
    }
  }

  private readEntry(number: number, host: Buffer, place: Place, pending: (DirectoryToRead | DirectoryToFinish)[]): void {
    const inode = this.readInode(number, place);
    const type = inode.mode & S_IFMT;
    if (type === S_IFREG) this.writeFile(inode, place, host);
    else if (type === S_IFLNK) this.writeSymlink(inode, place, host);
    else if (type === S_IFDIR) {
      if (this.visited.has(number)) throw this.damaged('the directory is met a second time (a loop, or a hard link to a directory)', place);
      this.visited.add(number);
      // Owner-only while it is filled; its own mode is set once everything in it is written.
      this.create(host, place, () => mkdirSync(host, 0o700));
      pending.push({ kind: 'finish', inode, host }, { kind: 'read', inode, host, path: place.path });
    } else if (!SKIPPED_TYPES.has(type)) {
      throw this.damaged(`its mode 0${inode.mode.toString(8)} is of no file type`, place);
    }
  }

  finishDirectory(directory: DirectoryToFinish): void {
    chmodSync(directory.host, directory.inode.mode & 0o7777);
    utimesSync(directory.host, directory.inode.atime, directory.inode.mtime);
  }

  /** Reads the whole tree into `destination`, depth first, with an explicit stack: a crafted image may nest directories deeply. */
  async readTree(destination: Buffer): Promise<void> {
    const rootPlace: Place = { path: '/', inode: ROOT_INODE };
    const root = this.readInode(ROOT_INODE, rootPlace);
    if ((root.mode & S_IFMT) !== S_IFDIR) throw this.damaged('the root inode is not a directory', rootPlace);
    this.visited.add(ROOT_INODE);
    const pending: (DirectoryToRead | DirectoryToFinish)[] = [{ kind: 'read', inode: root, host: destination, path: '' }];
    let lastTurn = performance.now();
    for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
      if (item.kind === 'read') this.readDirectory(item, pending);
      else this.finishDirectory(item);
      if (performance.now() - lastTurn > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
    }
  }
}

/** The process's umask, from /proc (process.umask() can only read it by setting it), or undefined. */
function currentUmask(): number | undefined {
  try {
    const line = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    return line === null ? undefined : parseInt(line[1]!, 8);
  } catch {
    return undefined;
  }
}

function readGeometry(image: string, fd: number): Geometry {
  const damaged = (what: string) => new DiskImageError(`the disk image ${image} is damaged: ${what}`);
  const superblock = Buffer.alloc(SUPERBLOCK_SIZE);
  const got = readSync(fd, superblock, 0, SUPERBLOCK_SIZE, SUPERBLOCK_OFFSET);
  if (got < SUPERBLOCK_SIZE) throw damaged(`it is ${SUPERBLOCK_OFFSET + got} bytes long, too short to hold a superblock`);
  const magic = superblock.readUInt16LE(0x38);
  if (magic !== EXT4_MAGIC) throw damaged(`its superblock's magic is 0x${magic.toString(16)}, not ext4's 0x${EXT4_MAGIC.toString(16)}`);
  const incompat = superblock.readUInt32LE(0x60);
  const unknown = incompat & ~KNOWN_INCOMPAT;
  if (unknown !== 0) {
    const names = [...INCOMPAT_NAMES].filter(([bit]) => (unknown & bit) !== 0).map(([, name]) => name);
    const rest = unknown & ~[...INCOMPAT_NAMES.keys()].reduce((all, bit) => all | bit, 0);
    if (rest !== 0) names.push(`0x${(rest >>> 0).toString(16)}`);
    throw damaged(`its superblock asks for the incompatible feature ${names.join(', ')}, which the reader does not know`);
  }
  // The guest kernel's pages are 4 KiB, and it mounts no ext4 with larger blocks.
  const logBlockSize = superblock.readUInt32LE(0x18);
  if (logBlockSize > 2) throw damaged(`its superblock's s_log_block_size is ${logBlockSize} (at most 2, 4 KiB blocks)`);
  const blockSize = 1024 << logBlockSize;
  const blocksCount = superblock.readUInt32LE(0x04);
  const firstDataBlock = superblock.readUInt32LE(0x14);
  const blocksPerGroup = superblock.readUInt32LE(0x20);
  const inodesCount = superblock.readUInt32LE(0x00);
  const inodesPerGroup = superblock.readUInt32LE(0x28);
  const revision = superblock.readUInt32LE(0x4c);
  if (revision < 1) throw damaged(`its superblock's s_rev_level is ${revision}, older than mke2fs has made for decades`);
  const firstInode = superblock.readUInt32LE(0x54);
  const inodeSize = superblock.readUInt16LE(0x58);
  const imageBytes = fstatSync(fd).size;
  if (blocksCount === 0 || blocksCount * blockSize > imageBytes) {
    throw damaged(`its superblock's s_blocks_count is ${blocksCount} blocks of ${blockSize} bytes, and the file holds ${imageBytes} bytes`);
  }
  if (firstDataBlock !== (blockSize === 1024 ? 1 : 0)) throw damaged(`its superblock's s_first_data_block is ${firstDataBlock}`);
  if (blocksPerGroup === 0 || blocksPerGroup > blockSize * 8) throw damaged(`its superblock's s_blocks_per_group is ${blocksPerGroup}`);
  if (inodesPerGroup === 0 || inodesPerGroup > blockSize * 8) throw damaged(`its superblock's s_inodes_per_group is ${inodesPerGroup}`);
  if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) {
    throw damaged(`its superblock's s_inode_size is ${inodeSize}`);
  }
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (inodesCount > groupCount * inodesPerGroup || inodesCount < ROOT_INODE) {
    throw damaged(`its superblock's s_inodes_count is ${inodesCount}, for ${groupCount} groups of ${inodesPerGroup}`);
  }
  if (firstInode <= ROOT_INODE || firstInode > inodesCount) throw damaged(`its superblock's s_first_ino is ${firstInode}`);
  const descriptorsAt = (firstDataBlock + 1) * blockSize;
  if (descriptorsAt + groupCount * GROUP_DESCRIPTOR_SIZE > blocksCount * blockSize) {
    throw damaged(`its ${groupCount} group descriptors do not fit on the disk`);
  }
  return {
    blockSize,
    blocksCount,
    inodesCount,
    inodesPerGroup,
    inodeSize,
    firstInode,
    groupCount,
    descriptorsAt,
    filetype: (incompat & INCOMPAT_FILETYPE) !== 0,
  };
}

/**
 * Writes the tree of the ext4 filesystem in `image` into `destination`, an empty directory, as
 * `debugfs rdump` did (see the top of this file). Any damage is a DiskImageError naming the image,
 * the path and inode where known, and the field; `destination` may then hold part of the tree.
 */
export async function readExt4Tree(image: string, destination: string): Promise<void> {
  if (readdirSync(destination).length > 0) throw new DiskImageError(`cannot read ${image} into ${destination}: it is not empty`);
  const fd = openSync(image, 'r');
  try {
    const reader = new Ext4Reader(image, fd, readGeometry(image, fd));
    await reader.readTree(Buffer.from(destination));
  } finally {
    closeSync(fd);
  }
}
