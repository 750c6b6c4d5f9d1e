// A VM stage's disk read back: kindling's own reader (src/sandbox/ext4-read.ts) against what it
// replaced, `e2fsck -f -p` then `debugfs -R 'rdump / .'`, each spawned. On a large tree (several
// upstream tarballs unpacked: thousands of files, tens of MB) and on an empty stage's disk (the
// kaem seed and an empty script), medians of several runs into a fresh directory each, the two
// taking turns at going first. The large tree is read onto the disk the stage roots live on (the
// temporary directory) and, where there is one, onto /dev/shm: on a slow disk creating the files
// is most of the time, for both, and tmpfs shows the readers' own costs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { readExt4Tree } from '../dist/sandbox/ext4-read.js';
import { buildImage, imageSizeFor, treeSize } from '../dist/sandbox/qemu-disk.js';
import { findDistfile } from './distfiles.mjs';
import { median } from './empty-stage.mjs';

const TARBALLS = ['busybox-1.35.0.tar.bz2', 'musl-1.2.3.tar.gz', 'mes-0.24.2.tar.gz', 'tcc-0.9.27-git20200814.62c30a4a.tar.bz2'];

async function timeReads(image, base, runs) {
  const reader = [];
  const debugfs = [];
  const readers = [
    async (into) => {
      const started = performance.now();
      await readExt4Tree(image, into);
      reader.push(performance.now() - started);
    },
    async (into) => {
      const started = performance.now();
      await execa('e2fsck', ['-f', '-p', image], { reject: false });
      await execa('debugfs', ['-R', 'rdump / .', image], { cwd: into, reject: false });
      debugfs.push(performance.now() - started);
    },
  ];
  for (let i = 0; i < runs; i += 1) {
    for (const read of i % 2 === 0 ? readers : [...readers].reverse()) {
      const into = mkdtempSync(join(base, 'read-'));
      await read(into);
      execFileSync('chmod', ['-R', 'u+rwx', into]);
      rmSync(into, { recursive: true });
      // The removal's writes and discards, flushed now, would otherwise land in the next run.
      execFileSync('sync');
    }
  }
  return { reader, debugfs };
}

async function inMemory(measure) {
  const dir = mkdtempSync('/dev/shm/kindling-bench-ext4-');
  try {
    return await measure(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureExt4Read(runs = 5) {
  const base = mkdtempSync(join(tmpdir(), 'kindling-bench-ext4-'));
  try {
    const found = TARBALLS.map((name) => findDistfile(name)).filter((path) => path !== undefined);
    if (found.length === 0) return { skipped: `none of ${TARBALLS.join(', ')} in the distfiles` };
    const large = join(base, 'large');
    mkdirSync(large);
    for (const tarball of found) execFileSync('tar', ['-xf', tarball, '-C', large]);
    const files = Number(
      execFileSync('sh', ['-c', `find "${large}" | wc -l`])
        .toString()
        .trim(),
    );
    const bytes = await treeSize(large);
    const largeImage = join(base, 'large.img');
    await buildImage(large, largeImage, imageSizeFor(bytes));

    const empty = join(base, 'empty');
    mkdirSync(join(empty, 'bin'), { recursive: true });
    copyFileSync(fileURLToPath(new URL('../seeds/amd64/kaem', import.meta.url)), join(empty, 'bin/kaem'));
    writeFileSync(join(empty, 'empty.kaem'), '');
    const emptyImage = join(base, 'empty.img');
    await buildImage(empty, emptyImage, imageSizeFor(await treeSize(empty)));

    return {
      runs,
      tarballs: found.length,
      files,
      bytes,
      large: await timeReads(largeImage, base, runs),
      largeInMemory: existsSync('/dev/shm') ? await inMemory((dir) => timeReads(largeImage, dir, runs)) : undefined,
      empty: await timeReads(emptyImage, base, runs),
    };
  } finally {
    execFileSync('chmod', ['-R', 'u+rwx', base]);
    rmSync(base, { recursive: true, force: true });
  }
}

const ms = (value) => (value < 100 ? `${value.toFixed(1)} ms` : `${value.toFixed(0)} ms`);

export function printExt4Read(result) {
  if (result.skipped !== undefined) {
    console.log(`\nreading a VM stage's disk back: skipped (${result.skipped})`);
    return;
  }
  const line = ({ reader, debugfs }) =>
    `reader ${ms(median(reader))} (${reader.map(ms).join(', ')}); e2fsck + debugfs rdump ${ms(median(debugfs))} (${debugfs.map(ms).join(', ')}); debugfs / reader ${(median(debugfs) / median(reader)).toFixed(2)}`;
  console.log(`\nreading a VM stage's disk back, medians of ${result.runs} runs:`);
  console.log(
    `  ${result.tarballs} tarballs unpacked (${result.files} entries, ${(result.bytes / 1e6).toFixed(0)} MB): ${line(result.large)}`,
  );
  if (result.largeInMemory !== undefined) console.log(`  the same onto /dev/shm (tmpfs): ${line(result.largeInMemory)}`);
  console.log(`  an empty stage's disk: ${line(result.empty)} (target: 10 ms)`);
}
