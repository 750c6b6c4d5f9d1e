// A qemu that is given, in place of each disk, a file of zeros of the same size: a disk the guest
// cannot mount, made at qemu's start (a restored stage's image may still be being made then, so
// it is not damaged in place).
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from '../../src/sandbox/tool-identity.js';

/** Writes the wrapper into `dir` and returns its path; `qemu` is the real qemu-system-* it runs. */
export async function qemuWithZeroedDisk(dir: string, qemu: string): Promise<string> {
  const real = await findExecutable(qemu);
  if (real === undefined) throw new Error(`${qemu} is not installed`);
  const wrapper = join(dir, `zeroed-disk-${qemu}`);
  await writeFile(
    wrapper,
    [
      '#!/bin/bash',
      'args=()',
      'for arg in "$@"; do',
      '  case "$arg" in file=*)',
      '    image="${arg#file=}"; image="${image%%,if=*}"',
      '    truncate -s "$(stat -c %s "$image")" "$image.zeros"',
      '    arg="file=$image.zeros,${arg#*,}";;',
      '  esac',
      '  args+=("$arg")',
      'done',
      `exec "${real}" "\${args[@]}"`,
    ].join('\n') + '\n',
  );
  await chmod(wrapper, 0o755);
  return wrapper;
}
