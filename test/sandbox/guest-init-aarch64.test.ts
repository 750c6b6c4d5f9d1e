// The aarch64 guest init (src/sandbox/guest/aarch64): its binary is exactly its commented source,
// as the seeds are, and the aarch64 hex0 seed makes it; and in a qemu-system-aarch64 VM it keeps
// what a stage does last. The stage here is a small AArch64 program (its words below, from GNU
// as) that writes out/f with mode 0644 and, as its very last act, makes it 0755: the mode must
// reach the host, under qemu as under bubblewrap.
import { chmod, cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import {
  GUEST_BOOT_SHA256,
  GUEST_INIT_SHA256,
  guestInitDir,
  hasGuestBoot,
  hasGuestInit,
  loadGuestBoot,
  loadGuestInit,
} from '../../src/sandbox/guest-init.js';
import { createQemuSandbox } from '../../src/sandbox/qemu.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { verifySeeds } from '../../src/seeds/verify.js';
import { CAN_RUN_AARCH64 } from '../support/aarch64.js';

const HEX0_SEED = fileURLToPath(new URL('../../seeds/aarch64/hex0', import.meta.url));

/** The stage: openat, write, close, then fchmodat as the last act, then exit(0). */
const LAST_ACT_PROGRAM = [
  '7f454c4602010100 0000000000000000 0200b70001000000 7800600000000000', // ELF64 header: AArch64, entry 0x600078
  '4000000000000000 0000000000000000 0000000040003800 0100000000000000', // one program header at 64
  '0100000005000000 0000000000000000 0000600000000000 0000600000000000', // PT_LOAD, R-X, at 0x600000
  'db00000000000000 db00000000000000 0010000000000000', // 219 bytes of file and memory
  '600c8092 a1020010 224880d2 833480d2 080780d2 010000d4', // openat(AT_FDCWD, "out/f", O_WRONLY|O_CREAT|O_TRUNC, 0644)
  'f30300aa 01020050 a20080d2 080880d2 010000d4', // write(fd, "data\n", 5)
  'e00313aa 280780d2 010000d4', // close(fd)
  '600c8092 e1000010 a23d80d2 a80680d2 010000d4', // fchmodat(AT_FDCWD, "out/f", 0755): the last act
  '000080d2 a80b80d2 010000d4', // exit(0)
  '6f75742f6600 646174610a', // "out/f\0" "data\n"
].join('');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-guest-init-aarch64-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the aarch64 guest init', () => {
  it('is its source assembled, listed in its SHA256SUMS with the hash the backend pins', async () => {
    expect(hasGuestInit('aarch64')).toBe(true);
    const report = await verifySeeds(guestInitDir('aarch64'), { runNative: false });
    expect(report.ok).toBe(true);
    expect(report.seeds.map((s) => [s.name, s.sourceMatches, s.sumMatches, s.sha256])).toEqual([
      ['boot', true, true, GUEST_BOOT_SHA256.aarch64],
      ['init', true, true, GUEST_INIT_SHA256.aarch64],
    ]);
    expect((await loadGuestInit('aarch64')).sha256).toBe(GUEST_INIT_SHA256.aarch64);
    expect(hasGuestBoot('aarch64')).toBe(true);
    expect(sha256Bytes((await loadGuestBoot('aarch64')).bytes)).toBe(GUEST_BOOT_SHA256.aarch64);
  });

  it.skipIf(!CAN_RUN_AARCH64)("is what the aarch64 chain's hex0 seed makes of its source", async () => {
    const output = join(dir, 'init-by-seed');
    await execa(HEX0_SEED, [join(guestInitDir('aarch64'), 'init.hex0'), output]);
    expect(sha256Bytes(await readFile(output))).toBe(GUEST_INIT_SHA256.aarch64);
  });

  it.skipIf(!CAN_RUN_AARCH64)(
    "has a boot program (a restored machine's /init) that the aarch64 hex0 seed makes of its source",
    async () => {
      const output = join(dir, 'boot-by-seed');
      await execa(HEX0_SEED, [join(guestInitDir('aarch64'), 'boot.hex0'), output]);
      expect(sha256Bytes(await readFile(output))).toBe(GUEST_BOOT_SHA256.aarch64);
    },
  );

  it('refuses a boot program that is not its source', async () => {
    const changed = join(dir, 'changed-boot/');
    await cp(guestInitDir('aarch64'), changed, { recursive: true });
    const bytes = await readFile(join(changed, 'boot'));
    expect(bytes.readUInt32LE(0x94)).toBe(0xd2800508); // mov x8, #40: system call 40 is mount
    bytes.writeUInt32LE(0xd28004e8, 0x94); // mov x8, #39: umount2
    await writeFile(join(changed, 'boot'), bytes);
    await expect(loadGuestBoot('aarch64', changed)).rejects.toThrow(/is not what its source .*boot\.hex0 assembles to/);
  });

  describe.skipIf(!CAN_RUN_AARCH64)('keeps the last act of a stage', () => {
    let runs = 0;
    async function lastAct(sandbox: Sandbox): Promise<{ mode: number; data: string }> {
      const base = join(dir, `run-${runs++}`);
      const root = join(base, 'root');
      await mkdir(join(root, 'bin'), { recursive: true });
      await mkdir(join(root, 'out'));
      await writeFile(join(root, 'bin/stage'), Buffer.from(LAST_ACT_PROGRAM.replace(/\s/g, ''), 'hex'));
      await chmod(join(root, 'bin/stage'), 0o755);
      const logFile = join(base, 'stage.log');
      await writeFile(logFile, '');
      const result = await sandbox.run({ root, init: 'bin/stage', args: [], timeoutMs: 120_000, logFile });
      if (!result.ok) throw new Error(`${sandbox.name}: ${result.error.message}\n${await readFile(logFile, 'utf8')}`);
      expect(result.exitCode).toBe(0);
      return { mode: (await stat(join(root, 'out/f'))).mode & 0o777, data: await readFile(join(root, 'out/f'), 'utf8') };
    }

    it('under bubblewrap and in a qemu-system-aarch64 VM alike: the final chmod is on the host', async () => {
      const expected = { mode: 0o755, data: 'data\n' };
      expect(await lastAct(createBwrapSandbox({ arch: 'aarch64' }))).toEqual(expected);
      expect(await lastAct(createQemuSandbox({ accel: 'tcg', arch: 'aarch64' }))).toEqual(expected);
    }, 240_000);
  });
});
