// The template as a tar archive whose bytes depend on the tree alone. Every header field is set
// here, none is taken from a file on disk: time 0, owner 0:0 with empty names, the declared
// mode, and the entries in the tree's canonical order, directories included.
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { TemplateNode } from './tree.js';

const EPOCH = new Date(0);

/** Writes `nodes` as a ustar archive to `target`; `contents` holds each file's verified bytes by path. */
export async function writeArchive(nodes: readonly TemplateNode[], contents: ReadonlyMap<string, Buffer>, target: string): Promise<void> {
  const pack = tar.pack();
  const written = pipeline(pack, createWriteStream(target, { mode: 0o644 }));
  try {
    await addNodes(pack, nodes, contents);
  } catch (error) {
    pack.destroy(error as Error);
    await written.catch(() => undefined);
    throw error;
  }
  pack.finalize();
  await written;
}

async function addNodes(pack: tar.Pack, nodes: readonly TemplateNode[], contents: ReadonlyMap<string, Buffer>): Promise<void> {
  for (const node of nodes) {
    const common = {
      name: node.path,
      mode: node.mode,
      uid: 0,
      gid: 0,
      uname: '',
      gname: '',
      mtime: EPOCH,
      linkname: '',
      devmajor: 0,
      devminor: 0,
    };
    if (node.kind === 'directory') {
      // A trailing slash marks a directory's name, as GNU tar and POSIX pax write it.
      await addEntry(pack, { ...common, name: `${node.path}/`, type: 'directory', size: 0 });
    } else if (node.kind === 'symlink') {
      await addEntry(pack, { ...common, type: 'symlink', linkname: node.target, size: 0 });
    } else {
      const bytes = contents.get(node.path);
      if (bytes === undefined) throw new Error(`no contents for template file ${node.path}`);
      await addEntry(pack, { ...common, type: 'file', size: bytes.length }, bytes);
    }
  }
}

function addEntry(pack: tar.Pack, header: tar.Header, bytes?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry(header, bytes ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve()));
  });
}

export interface ArchiveMember {
  readonly name: string;
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly uname: string;
  readonly gname: string;
  readonly mtime: number;
  /** A symbolic link's target ('' for other members). */
  readonly linkname: string;
  readonly size: number;
  /** Offset of the member's data in the archive file. */
  readonly dataOffset: number;
  readonly data: Buffer;
}

/** Reads every member of an archive, for comparing two builds member by member. */
export async function readArchive(bytes: Buffer): Promise<ArchiveMember[]> {
  const members: ArchiveMember[] = [];
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const header = entry.header;
      members.push({
        name: header.name.replace(/\/$/, ''),
        type: header.type,
        mode: header.mode,
        uid: header.uid,
        gid: header.gid,
        uname: header.uname,
        gname: header.gname,
        mtime: header.mtime.getTime() / 1000,
        linkname: header.linkname ?? '',
        size: header.size,
        // The source's offset is that of its ustar header; the data follows it.
        dataOffset: entry.offset + 512,
        data: Buffer.concat(chunks),
      });
    }
  })();
  extract.end(bytes);
  await reading;
  return members;
}
