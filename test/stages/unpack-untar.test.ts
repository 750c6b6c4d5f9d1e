// The chain's untar (stage 08-unpack, written in b0 and built by the chain's b0 under bubblewrap).
// The host's tar is used here only as the reference to compare with: for the real upstream
// tarballs and for archives the host's tar writes in its three formats, untar's listing must
// say what `tar tvf` says and its extracted tree must hold the same files, bytes, links and
// (normalised) modes as the tree `tar xf` extracts. Hostile archives, written header by header
// here, must each be refused with their message, and leave the target directory empty.
import { link, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainOutput } from '../support/amd64.js';
import { archive, entry, gnuLong, header, pax } from '../programs/unpack/tar-writer.js';
import { distfile, hostGunzip, REAL_TARBALLS, runTool } from '../programs/unpack/tools.js';

let work: string;
let untar: string;
let count = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kindling-unpack-untar-'));
  untar = await chainOutput('unpack', 'bin/untar');
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function fresh(name: string): Promise<string> {
  count += 1;
  const dir = join(work, `${count}-${name}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** One listing line as untar prints it: `KIND MODE SIZE PATH[ -> TARGET]`. */
type Listing = string[];

/**
 * What `tar tvf` says, in untar's listing form: kinds f/d/l/h, modes as untar extracts them
 * (files 0755 with any execute bit, else 0644; directories 0755; links 0777), paths without a
 * leading "./" or a trailing "/", the archive's root directory entry left out.
 */
async function hostListing(tarFile: string): Promise<Listing> {
  const { stdout } = await execa('tar', ['--numeric-owner', '-tvf', tarFile], { env: { LC_ALL: 'C.UTF-8' } });
  const lines: Listing = [];
  for (const line of stdout.split('\n')) {
    if (line === '') continue;
    const match = /^(.)(\S{9}) \S+\s+(\d+) \S+ \S+ (.*)$/.exec(line);
    if (match === null) throw new Error(`unexpected tar listing line: ${line}`);
    const [, type, permissions, size, rest] = match as unknown as [string, string, string, string, string];
    const clean = (path: string): string => path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    if (type === 'd') {
      if (clean(rest) !== '') lines.push(`d 0755 0 ${clean(rest)}`);
    } else if (type === 'l') {
      const [path, target] = rest.split(' -> ') as [string, string];
      lines.push(`l 0777 0 ${clean(path)} -> ${target}`);
    } else if (type === 'h') {
      const [path, target] = rest.split(' link to ') as [string, string];
      lines.push(`h ${permissions.includes('x') ? '0755' : '0644'} 0 ${clean(path)} -> ${clean(target)}`);
    } else if (type === '-') {
      lines.push(`f ${permissions.includes('x') ? '0755' : '0644'} ${size} ${clean(rest)}`);
    } else {
      throw new Error(`entry type ${type} in a reference archive: ${line}`);
    }
  }
  return lines;
}

/** Every path under dir (relative), with its kind, normalised mode, and bytes or link target. */
async function tree(dir: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (relative: string): Promise<void> => {
    for (const name of (await readdir(join(dir, relative))).sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const info = await lstat(join(dir, path));
      if (info.isSymbolicLink()) result.set(path, `link -> ${await readlink(join(dir, path))}`);
      else if (info.isDirectory()) {
        result.set(path, 'directory');
        await walk(path);
      } else result.set(path, `file ${(await readFile(join(dir, path))).toString('base64')}`);
    }
  };
  await walk('');
  return result;
}

/** Modes of the regular files and directories under dir, by relative path. */
async function modes(dir: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  const walk = async (relative: string): Promise<void> => {
    for (const name of await readdir(join(dir, relative))) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const info = await lstat(join(dir, path));
      if (info.isSymbolicLink()) continue;
      result.set(path, info.mode & 0o7777);
      if (info.isDirectory()) await walk(path);
    }
  };
  await walk('');
  return result;
}

/** untar's listing and extraction of a tar file must agree with the host's tar. */
async function expectSameAsHost(tarFile: string): Promise<void> {
  const listed = await runTool(untar, ['-t', tarFile]);
  expect(listed.stderr).toBe('');
  expect(listed.exitCode).toBe(0);
  expect(listed.stdout.split('\n').filter((l) => l !== '')).toEqual(await hostListing(tarFile));

  const ours = await fresh('ours');
  const theirs = await fresh('host');
  const extracted = await runTool(untar, [tarFile, ours]);
  expect(extracted.stderr).toBe('');
  expect(extracted.exitCode).toBe(0);
  await execa('tar', ['-xf', tarFile, '-C', theirs]);
  expect(await tree(ours)).toEqual(await tree(theirs));
  // Modes: files 0755 when the host's copy has any execute bit, else 0644; directories 0755.
  const hostModes = await modes(theirs);
  for (const [path, mode] of await modes(ours)) {
    const info = await lstat(join(ours, path));
    const host = hostModes.get(path) ?? 0;
    expect([path, mode]).toEqual([path, info.isDirectory() ? 0o755 : host & 0o111 ? 0o755 : 0o644]);
  }
}

describe('untar lists and extracts as the host tar does', () => {
  for (const name of REAL_TARBALLS) {
    it(`the upstream tarball ${name}`, async () => {
      const tarFile = join(work, name.replace(/\.gz$/, ''));
      await writeFile(tarFile, await hostGunzip(distfile(name)));
      await expectSameAsHost(tarFile);
    });
  }

  /** A tree with what archives hold: nested and empty directories, empty, executable, block-sized
   * and large files, odd names, relative symbolic links and a hard link. */
  async function makeTree(root: string, longComponent: boolean): Promise<void> {
    await mkdir(join(root, 'pkg/src/deep/er/still'), { recursive: true });
    await mkdir(join(root, 'pkg/empty-dir'), { recursive: true });
    await writeFile(join(root, 'pkg/README'), 'read me\n');
    await writeFile(join(root, 'pkg/empty'), '');
    await writeFile(join(root, 'pkg/configure'), '#!/bin/sh\necho hello\n');
    await chmod(join(root, 'pkg/configure'), 0o755);
    await writeFile(join(root, 'pkg/src/block'), Buffer.alloc(1024, 0x41));
    const big = Buffer.alloc(1_200_000);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7919) % 251;
    await writeFile(join(root, 'pkg/src/big.bin'), big);
    await writeFile(join(root, 'pkg/src/with space & ünïcode.c'), 'int main() { return 0; }\n');
    // Over 100 bytes in all: ustar splits it into prefix and name, GNU and pax give it whole.
    await writeFile(join(root, `pkg/src/deep/er/still/${'long-file-name-'.repeat(5)}.txt`), 'long path\n');
    if (longComponent) await writeFile(join(root, `pkg/${'x'.repeat(150)}`), 'a 150-byte name\n');
    await symlink('README', join(root, 'pkg/README.link'));
    await symlink('../../README', join(root, 'pkg/src/deep/up.link'));
    await symlink('src/deep', join(root, 'pkg/deep.link'));
    await link(join(root, 'pkg/README'), join(root, 'pkg/README.hard'));
  }

  for (const format of ['ustar', 'gnu', 'pax'] as const) {
    it(`an archive the host's tar writes in ${format} format`, async () => {
      const root = await fresh(`tree-${format}`);
      await makeTree(root, format !== 'ustar');
      const tarFile = join(work, `made-${format}.tar`);
      await execa('tar', [`--format=${format}`, '--sort=name', '-cf', tarFile, '-C', root, 'pkg']);
      await expectSameAsHost(tarFile);
    });
  }

  it('an archive whose paths start with "./", holding the root directory itself', async () => {
    const root = await fresh('tree-dot');
    await makeTree(root, true);
    const tarFile = join(work, 'made-dot.tar');
    await execa('tar', ['--format=gnu', '--sort=name', '-cf', tarFile, '-C', join(root, 'pkg'), '.']);
    await expectSameAsHost(tarFile);
  });
});

describe('untar honours the extended headers', () => {
  async function listing(bytes: Buffer): Promise<string> {
    const file = join(await fresh('ext'), 'a.tar');
    await writeFile(file, bytes);
    const run = await runTool(untar, ['-t', file]);
    expect(run.stderr).toBe('');
    return run.stdout;
  }

  it('pax path, linkpath and size; global headers skipped', async () => {
    const text = await listing(
      archive(
        pax({ comment: 'a global comment', path: 'ignored-global-path' }, 'g'),
        pax({ path: 'a/very/long/path/from/pax', mtime: '1700000000.5' }),
        entry({ name: 'short', data: 'hello' }),
        pax({ linkpath: 'path/from/pax' }),
        entry({ name: 'a/link', type: '2', linkname: 'ignored' }),
        pax({ size: '3' }),
        Buffer.concat([header({ name: 'sized', size: 999 }), Buffer.from('abc'), Buffer.alloc(509)]),
      ),
    );
    expect(text).toBe('f 0644 5 a/very/long/path/from/pax\nl 0777 0 a/link -> path/from/pax\nf 0644 3 sized\n');
  });

  it('GNU long names and long link targets', async () => {
    const long = `dir/${'n'.repeat(200)}`;
    const text = await listing(archive(gnuLong(long), entry({ name: 'cut', format: 'gnu', data: 'x' }), gnuLong(`t/${'t'.repeat(120)}`, 'K'), entry({ name: 'dir/l', type: '2', format: 'gnu', linkname: 'cut' })));
    expect(text).toBe(`f 0644 1 ${long}\nl 0777 0 dir/l -> t/${'t'.repeat(120)}\n`);
  });

  it('a POSIX prefix', async () => {
    expect(await listing(archive(entry({ name: 'name.c', prefix: 'some/prefix', data: '' })))).toBe('f 0644 0 some/prefix/name.c\n');
  });

  it('the listing goes to a file when one is named', async () => {
    const dir = await fresh('list-file');
    await writeFile(join(dir, 'a.tar'), archive(entry({ name: 'x', mode: 0o700, data: '1' })));
    const run = await runTool(untar, ['-t', join(dir, 'a.tar'), join(dir, 'a.list')]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe('');
    expect(await readFile(join(dir, 'a.list'), 'utf8')).toBe('f 0755 1 x\n');
  });
});

describe('untar extracts what it accepts as it should', () => {
  async function extract(bytes: Buffer): Promise<string> {
    const dir = await fresh('accepted');
    await writeFile(join(dir, 'a.tar'), bytes);
    const run = await runTool(untar, [join(dir, 'a.tar'), join(dir, 'out')]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    return join(dir, 'out');
  }

  it('a directory named again after files inside it; a file replaced by a hard link', async () => {
    const out = await extract(
      archive(entry({ name: 'd/f', data: 'in d' }), entry({ name: 'd/', type: '5' }), entry({ name: 'g', data: 'g' }), entry({ name: 'h', data: 'old' }), entry({ name: 'h', type: '1', linkname: 'g' })),
    );
    expect(await readFile(join(out, 'd/f'), 'utf8')).toBe('in d');
    expect(await readFile(join(out, 'h'), 'utf8')).toBe('g');
  });

  it('a later entry replaces an earlier one of the same path; parents are created', async () => {
    const out = await extract(archive(entry({ name: 'a/b/c', data: 'first' }), entry({ name: 'a/b/c', mode: 0o775, data: 'second' })));
    expect(await readFile(join(out, 'a/b/c'), 'utf8')).toBe('second');
    expect((await lstat(join(out, 'a/b/c'))).mode & 0o777).toBe(0o755);
    expect((await lstat(join(out, 'a/b'))).mode & 0o777).toBe(0o755);
  });

  it('links that climb as far as the extraction directory, and a hard link sharing its file', async () => {
    const out = await extract(
      archive(
        entry({ name: 'top', data: 'top file' }),
        entry({ name: 'a/b/up', type: '2', linkname: '../../top' }),
        entry({ name: 'a/b/hard', type: '1', linkname: 'top' }),
      ),
    );
    expect(await readlink(join(out, 'a/b/up'))).toBe('../../top');
    expect(await readFile(join(out, 'a/b/up'), 'utf8')).toBe('top file');
    expect((await lstat(join(out, 'a/b/hard'))).ino).toBe((await lstat(join(out, 'top'))).ino);
  });

  it('an archive of 5,000 files in 100 directories (the table of paths grows), and a link per directory', async () => {
    const parts: Buffer[] = [];
    for (let d = 0; d < 100; d += 1) {
      for (let f = 0; f < 50; f += 1) parts.push(entry({ name: `dir${d}/file${f}`, data: `${d}/${f}` }));
      parts.push(entry({ name: `dir${d}/link`, type: '2', linkname: 'file0' }));
    }
    const out = await extract(archive(...parts));
    expect((await readdir(out)).length).toBe(100);
    expect(await readFile(join(out, 'dir99/file49'), 'utf8')).toBe('99/49');
    expect(await readFile(join(out, 'dir42/link'), 'utf8')).toBe('42/0');
  });

  it('extracts into the current directory when no directory is named', async () => {
    const dir = await fresh('cwd');
    await writeFile(join(dir, 'a.tar'), archive(entry({ name: 'here/file', data: 'x' })));
    const run = await runTool(untar, ['a.tar'], dir);
    expect(run.exitCode).toBe(0);
    expect(await readFile(join(dir, 'here/file'), 'utf8')).toBe('x');
  });
});

describe('untar rejects hostile and damaged archives, and writes nothing', () => {
  const octalField = (text: string): Buffer => Buffer.from(text, 'latin1');
  const cases: [string, Buffer, string][] = [
    ['an absolute path', archive(entry({ name: '/tmp/evil', data: 'x' })), 'absolute path: /tmp/evil at byte 0'],
    ['a ".." component', archive(entry({ name: 'a/../../evil', data: 'x' })), "'..' in path: a/../../evil at byte 0"],
    ['a lone ".."', archive(entry({ name: '..', type: '5' })), "'..' in path: .. at byte 0"],
    ['an empty path', archive(entry({ name: '', data: 'x' })), 'empty path:  at byte 0'],
    ['a control character in a path', archive(entry({ name: 'a\x01b', data: 'x' })), 'control character in path: a\x01b at byte 0'],
    ['a file where the extraction directory is', archive(entry({ name: './', data: 'x' })), 'path names the extraction directory itself: ./ at byte 0'],
    [
      'a path through a symbolic link',
      archive(entry({ name: 'sub', type: '5' }), entry({ name: 'link', type: '2', linkname: 'sub' }), entry({ name: 'link/x', data: 'x' })),
      'path through a symbolic link: link/x at byte 1024',
    ],
    [
      'a directory entry through a symbolic link',
      archive(entry({ name: 'link', type: '2', linkname: 'elsewhere' }), entry({ name: 'link/dir/', type: '5' })),
      'path through a symbolic link: link/dir at byte 512',
    ],
    [
      'a file replacing a symbolic link',
      archive(entry({ name: 'link', type: '2', linkname: 'target' }), entry({ name: 'link', data: 'x' })),
      'replaces a symbolic link made by the archive: link at byte 512',
    ],
    ['a symbolic link out of the directory', archive(entry({ name: 'evil', type: '2', linkname: '../outside' })), 'symbolic link points outside the extraction directory: evil at byte 0'],
    ['a symbolic link one level too far up', archive(entry({ name: 'a/b/l', type: '2', linkname: '../../../x' })), 'symbolic link points outside the extraction directory: a/b/l at byte 0'],
    ['a symbolic link to an absolute path', archive(entry({ name: 'evil', type: '2', linkname: '/etc' })), 'symbolic link to an absolute path: evil at byte 0'],
    ['a symbolic link with ".." after a name', archive(entry({ name: 'a/evil', type: '2', linkname: 'x/../../..' })), "symbolic link target with '..' after a name: a/evil at byte 0"],
    ['a symbolic link with an empty target', archive(entry({ name: 'evil', type: '2', linkname: '' })), 'symbolic link with an empty target: evil at byte 0'],
    [
      'a symbolic link in place of an earlier directory',
      archive(entry({ name: 'd/f', data: 'x' }), entry({ name: 'd', type: '2', linkname: 'e' })),
      'symbolic link in place of a directory: d at byte 1024',
    ],
    [
      'a symbolic link in place of an earlier directory entry',
      archive(entry({ name: 'd/', type: '5' }), entry({ name: 'd', type: '2', linkname: 'e' })),
      'symbolic link in place of a directory: d at byte 512',
    ],
    ['a file used as a directory', archive(entry({ name: 'a', data: 'x' }), entry({ name: 'a/b', data: 'y' })), 'path through a file of the archive: a/b at byte 1024'],
    ['a file in place of a directory', archive(entry({ name: 'd/', type: '5' }), entry({ name: 'd', data: 'x' })), 'file in place of a directory: d at byte 512'],
    ['a hard link in place of a directory', archive(entry({ name: 'f', data: 'x' }), entry({ name: 'd/g', data: 'y' }), entry({ name: 'd', type: '1', linkname: 'f' })), 'file in place of a directory: d at byte 2048'],
    ['a directory in place of a file', archive(entry({ name: 'f', data: 'x' }), entry({ name: 'f/', type: '5' })), 'directory in place of a file: f at byte 1024'],
    ['a hard link target through a file', archive(entry({ name: 'f', data: 'x' }), entry({ name: 'h', type: '1', linkname: 'f/g' })), 'hard link target: path through a file of the archive: f/g at byte 1024'],
    [
      'a symbolic link in place of an earlier file',
      archive(entry({ name: 'f', data: 'x' }), entry({ name: 'f', type: '2', linkname: 'e' })),
      'symbolic link replaces an earlier entry: f at byte 1024',
    ],
    ['a hard link to an absolute path', archive(entry({ name: 'h', type: '1', linkname: '/etc/passwd' })), 'hard link target: absolute path: /etc/passwd at byte 0'],
    ['a hard link out of the directory', archive(entry({ name: 'h', type: '1', linkname: '../secret' })), "hard link target: '..' in path: ../secret at byte 0"],
    ['a hard link to a file not in the archive', archive(entry({ name: 'h', type: '1', linkname: 'passwd' })), 'hard link to a file that is not earlier in the archive: h at byte 0'],
    ['a hard link to a directory', archive(entry({ name: 'd', type: '5' }), entry({ name: 'h', type: '1', linkname: 'd' })), 'hard link to a file that is not earlier in the archive: h at byte 512'],
    ['a hard link to itself', archive(entry({ name: 'h', type: '1', linkname: 'h' })), 'hard link to itself: h at byte 0'],
    [
      'a hard link through a symbolic link',
      archive(entry({ name: 'sub/f', data: 'x' }), entry({ name: 'l', type: '2', linkname: 'sub' }), entry({ name: 'h', type: '1', linkname: 'l/f' })),
      'hard link target: path through a symbolic link: l/f at byte 1536',
    ],
    ['a character device', archive(entry({ name: 'dev/null', type: '3' })), 'device node not allowed: dev/null at byte 0'],
    ['a block device', archive(entry({ name: 'dev/sda', type: '4' })), 'device node not allowed: dev/sda at byte 0'],
    ['a FIFO', archive(entry({ name: 'fifo', type: '6' })), 'FIFO not allowed: fifo at byte 0'],
    ['an unknown entry type', archive(entry({ name: 'volume', type: 'V' })), 'unsupported entry type: volume at byte 0'],
    ['a bad header checksum', archive(entry({ name: 'f', data: 'x', checksumError: 1 })), 'bad header checksum at byte 0'],
    ['a header that is not ustar', archive(entry({ name: 'f', data: 'x', magic: 'tar\0\0\0' })), 'not a ustar header (bad magic) at byte 0'],
    ['a malformed size', archive(entry({ name: 'f', patch: [{ offset: 124, bytes: octalField('0000000008x\0') }] })), 'malformed octal number in header field: size at byte 0'],
    ['a base-256 size', archive(entry({ name: 'f', patch: [{ offset: 124, bytes: Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) }] })), 'base-256 number (not supported) in header field: size at byte 0'],
    ['data cut short', Buffer.concat([header({ name: 'f', size: 2000 }), Buffer.alloc(1024)]), 'truncated data (the archive ends inside an entry) at byte 0'],
    ['data cut short inside its last block', Buffer.concat([header({ name: 'f', size: 600 }), Buffer.alloc(700)]), "truncated data (the archive ends inside an entry's last block) at byte 0"],
    ['a header cut short', Buffer.concat([entry({ name: 'f', data: 'x' }), Buffer.alloc(100)]), 'truncated header at byte 1024'],
    ['no end-of-archive block', entry({ name: 'f', data: 'x' }), 'no end-of-archive block (truncated archive) at byte 1024'],
    ['a pax path with ".."', archive(pax({ path: '../evil' }), entry({ name: 'harmless', data: 'x' })), "'..' in path: ../evil at byte 1024"],
    ['a GNU long name that is absolute', archive(gnuLong('/etc/evil'), entry({ name: 'x', format: 'gnu', data: 'x' })), 'absolute path: /etc/evil at byte 1024'],
    ['a GNU long link target out of the directory', archive(gnuLong('../../x', 'K'), entry({ name: 'l', type: '2', format: 'gnu' })), 'symbolic link points outside the extraction directory: l at byte 1024'],
    ['a malformed pax record', archive(entry({ name: 'p', type: 'x', data: '99 path=x\n' }), entry({ name: 'f', data: 'x' })), 'malformed pax extended header record at byte 0'],
    ['a pax record without "="', archive(entry({ name: 'p', type: 'x', data: '11 pathxyz\n' }), entry({ name: 'f', data: 'x' })), 'malformed pax extended header record (no key=value) at byte 0'],
    ['a malformed pax size', archive(pax({ size: '12a' }), entry({ name: 'f', data: 'x' })), 'malformed pax size record at byte 0'],
    ['an extended header with no entry after it', archive(pax({ path: 'x' })), 'extended header with no entry after it at byte 1024'],
    ['a pax size larger than the archive', archive(pax({ size: '99999' }), entry({ name: 'f', data: 'x' })), 'truncated data (the archive ends inside an entry) at byte 1024'],
  ];

  for (const [name, bytes, message] of cases) {
    it(name, async () => {
      const dir = await fresh('hostile');
      const file = join(dir, 'a.tar');
      await writeFile(file, bytes);
      const listed = await runTool(untar, ['-t', file]);
      expect(listed.stderr).toBe(`untar: ${file}: ${message}\n`);
      expect(listed.exitCode).toBe(1);
      expect(listed.stdout).toBe('');
      // Extraction checks the whole archive first: the directory stays empty.
      const out = join(dir, 'out');
      await mkdir(out);
      const extracted = await runTool(untar, [file, out]);
      expect(extracted.stderr).toBe(`untar: ${file}: ${message}\n`);
      expect(extracted.exitCode).toBe(1);
      expect(await readdir(out)).toEqual([]);
    });
  }

  it('400 archives with damaged headers (checksums made right again): a listing and extraction, or one refusal', async () => {
    // Bytes of a header changed at random (a fixed seed), and its checksum recomputed so the
    // damage reaches the parsing of names, sizes, types and pax records; sometimes cut short.
    const root = await fresh('fuzz-tree');
    await mkdir(join(root, 'p/q'), { recursive: true });
    await writeFile(join(root, 'p/q/file'), 'data\n'.repeat(300));
    await writeFile(join(root, `p/${'long'.repeat(40)}`), 'x');
    await symlink('q/file', join(root, 'p/link'));
    await link(join(root, 'p/q/file'), join(root, 'p/hard'));
    const originals: Buffer[] = [];
    for (const format of ['gnu', 'pax']) {
      const file = join(work, `fuzz-${format}.tar`);
      await execa('tar', [`--format=${format}`, '--sort=name', '-cf', file, '-C', root, 'p']);
      originals.push(await readFile(file));
    }
    let seed = 99;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const headerAt = (tar: Buffer): number[] => {
      const offsets: number[] = [];
      for (let at = 0; at + 512 <= tar.length; at += 512) {
        if (tar.subarray(at + 257, at + 262).toString('latin1') === 'ustar') offsets.push(at);
      }
      return offsets;
    };
    let accepted = 0;
    for (let n = 0; n < 400; n += 1) {
      const original = originals[n % originals.length] ?? Buffer.alloc(0);
      let tar = Buffer.from(original);
      const headers = headerAt(tar);
      const at = headers[random(headers.length)] ?? 0;
      for (let k = 0; k <= random(3); k += 1) {
        const where = random(3) === 0 ? at + 512 + random(64) : at + random(512);
        tar[where] = random(4) === 0 ? random(256) : '0x/.L5 \n='.charCodeAt(random(10));
      }
      tar.fill(0x20, at + 148, at + 156);
      let sum = 0;
      for (let i = at; i < at + 512; i += 1) sum += tar[i] ?? 0;
      tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, at + 148, 'latin1');
      if (random(8) === 0) tar = tar.subarray(0, random(tar.length));
      const dir = await fresh('fuzz');
      const file = join(dir, 'a.tar');
      await writeFile(file, tar);
      const listed = await runTool(untar, ['-t', file]);
      expect([0, 1]).toContain(listed.exitCode);
      const out = join(dir, 'out');
      await mkdir(out);
      const extracted = await runTool(untar, [file, out]);
      if (listed.exitCode === 0) {
        accepted += 1;
        expect(listed.stderr).toBe('');
        expect([extracted.exitCode, extracted.stderr]).toEqual([0, '']);
      } else {
        expect(listed.stderr.startsWith(`untar: ${file}: `)).toBe(true);
        expect(listed.stderr).toMatch(/ at byte \d+\n$/);
        expect(extracted.stderr).toBe(listed.stderr);
        expect(await readdir(out)).toEqual([]);
      }
    }
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(400);
  });

  it('a missing archive and wrong arguments', async () => {
    const missing = join(work, 'no-such.tar');
    const run = await runTool(untar, ['-t', missing]);
    expect(run.stderr).toBe(`untar: cannot open ${missing}\n`);
    expect(run.exitCode).toBe(1);
    for (const args of [[], ['-t'], ['a', 'b', 'c'], ['-t', 'a', 'b', 'c']]) {
      const usage = await runTool(untar, args);
      expect(usage.stderr).toBe('untar: usage: untar IN [DIR] | untar -t IN [LIST]\n');
      expect(usage.exitCode).toBe(1);
    }
  });
});
