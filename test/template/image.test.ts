import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sha256 } from '../../src/digest.js';
import { writeImage } from '../../src/template/image.js';
import { DIRECTORY_MODE, type TemplateNode } from '../../src/template/tree.js';
import { sha256 } from '../support/rig.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-template-image-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A tree the image must size itself for: 1500 long names in one directory and a 6 MiB file; and an odd name. */
function crowdedTree(): { nodes: TemplateNode[]; contents: Map<string, Buffer> } {
  const contents = new Map<string, Buffer>();
  const nodes: TemplateNode[] = [{ kind: 'directory', path: 'many', mode: DIRECTORY_MODE }];
  const big = Buffer.alloc(6 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
  const add = (path: string, bytes: Buffer): void => {
    contents.set(path, bytes);
    nodes.push({ kind: 'file', path, mode: 0o644, sha256: sha256(bytes) as Sha256, stage: 's', output: path });
  };
  add('big', big);
  // Every character a template path may hold, which debugfs must take as part of the name.
  add('odd/a.b_c+d@e=f,g~h-i', Buffer.from('odd\n'));
  nodes.push({ kind: 'directory', path: 'odd', mode: DIRECTORY_MODE });
  for (let i = 0; i < 1500; i += 1) add(`many/${String(i).padStart(4, '0')}-${'x'.repeat(56)}`, Buffer.from(`${i}\n`));
  return { nodes: nodes.sort((a, b) => (a.path < b.path ? -1 : 1)), contents };
}

describe('the template image', () => {
  it('sizes itself for large directories and files that need double-indirect blocks', async () => {
    const { nodes, contents } = crowdedTree();
    const image = join(dir, 'crowded.ext2');
    await writeImage(nodes, contents, image, join(dir, 'work-a'));
    await execa('e2fsck', ['-f', '-n', image]);
    const big = await execa('debugfs', ['-R', 'cat /big', image], { encoding: 'buffer', stripFinalNewline: false });
    expect(sha256(big.stdout)).toBe(sha256(contents.get('big')!));
    const odd = (await execa('debugfs', ['-R', 'stat "/odd/a.b_c+d@e=f,g~h-i"', image])).stdout;
    expect(odd).toMatch(/Mode: +0644/);
    expect(odd).toContain('mtime: 0x00000000:00000000');
    const listing = (await execa('debugfs', ['-R', 'ls /many', image])).stdout;
    expect(listing.match(/-x{56}/g)).toHaveLength(1500);

    // Made again elsewhere, a little later: the same bytes.
    const again = join(dir, 'again.ext2');
    await writeImage(nodes, contents, again, join(dir, 'work-b'));
    expect(sha256(await readFile(again))).toBe(sha256(await readFile(image)));
  });

  // A rebuilder's build directory may carry a default ACL (or SELinux labels): every file made in
  // it gets extended attributes, which must not reach the image.
  it.runIf(existsSync('/usr/bin/python3'))('gives the same bytes when the host puts extended attributes on the files', async () => {
    const nodes: TemplateNode[] = [
      { kind: 'directory', path: 'bin', mode: DIRECTORY_MODE },
      { kind: 'file', path: 'bin/tool', mode: 0o755, sha256: sha256('tool\n') as Sha256, stage: 's', output: 'bin/tool' },
    ];
    const contents = new Map([['bin/tool', Buffer.from('tool\n')]]);
    const withAcl = join(dir, 'with-acl');
    await mkdir(withAcl);
    const setDefaultAcl = [
      'import os, struct, sys',
      'entries = [(0x01, 7, 0xffffffff), (0x02, 4, 1234), (0x04, 5, 0xffffffff), (0x10, 5, 0xffffffff), (0x20, 5, 0xffffffff)]',
      "value = struct.pack('<I', 2) + b''.join(struct.pack('<HHI', *e) for e in entries)",
      "os.setxattr(sys.argv[1], 'system.posix_acl_default', value)",
      "open(os.path.join(sys.argv[1], 'probe'), 'w').close()",
      "print(' '.join(os.listxattr(os.path.join(sys.argv[1], 'probe'))))",
    ].join('\n');
    const probe = await execa('python3', ['-c', setDefaultAcl, withAcl]);
    expect(probe.stdout).toContain('system.posix_acl_access');

    await writeImage(nodes, contents, join(dir, 'plain.ext2'), join(dir, 'work-plain'));
    await writeImage(nodes, contents, join(dir, 'acl.ext2'), withAcl);
    expect(sha256(await readFile(join(dir, 'acl.ext2')))).toBe(sha256(await readFile(join(dir, 'plain.ext2'))));
  });
});
