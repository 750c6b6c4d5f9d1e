// What says a file is still the one hashed earlier, without reading it again: its size, its
// modification and change times, its inode and its device. Any write moves the change time, which
// no program can set back (only the clock can), and a file put in its place has another inode.
// The files hashed once per process and then stamped before each use: the kernel, a saved machine.
import { stat } from 'node:fs/promises';

/** The stamp of `path`, or 'missing' when it cannot be read. */
export async function fileStamp(path: string): Promise<string> {
  return stat(path, { bigint: true }).then(
    (info) => `${info.size} ${info.mtimeNs} ${info.ctimeNs} ${info.ino} ${info.dev}`,
    () => 'missing',
  );
}
