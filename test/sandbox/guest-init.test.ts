// The guest init is part of every VM result's trusted base: its binary must be exactly its
// commented source, checked the way the seeds are, and the backend must refuse any other bytes.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Bytes } from '../../src/digest.js';
import { GUEST_BOOT_SHA256, GUEST_INIT_SHA256, guestInitDir, loadGuestBoot, loadGuestInit } from '../../src/sandbox/guest-init.js';
import { verifySeeds } from '../../src/seeds/verify.js';

const HEX0_SEED = fileURLToPath(new URL('../../seeds/amd64/hex0', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-guest-init-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the guest init', () => {
  it('is its source assembled, listed in its SHA256SUMS with the hash the backend pins', async () => {
    const report = await verifySeeds(guestInitDir(), { runNative: false });
    expect(report.ok).toBe(true);
    expect(report.seeds.map((s) => [s.name, s.sourceMatches, s.sumMatches, s.sha256])).toEqual([
      ['boot', true, true, GUEST_BOOT_SHA256.amd64],
      ['init', true, true, GUEST_INIT_SHA256.amd64],
    ]);
    const loaded = await loadGuestInit();
    expect(loaded.sha256).toBe(GUEST_INIT_SHA256.amd64);
    expect(sha256Bytes(loaded.bytes)).toBe(GUEST_INIT_SHA256.amd64);
    const boot = await loadGuestBoot();
    expect(sha256Bytes(boot.bytes)).toBe(GUEST_BOOT_SHA256.amd64);
  });

  it("is what the chain's hex0 seed makes of its source", async () => {
    const output = join(dir, 'init-by-seed');
    await execa(HEX0_SEED, [join(guestInitDir(), 'init.hex0'), output]);
    expect(sha256Bytes(await readFile(output))).toBe(GUEST_INIT_SHA256.amd64);
  });

  it('is refused when the binary is not its source, or the source not the pinned program', async () => {
    const changedBinary = join(dir, 'changed-binary/');
    await cp(guestInitDir(), changedBinary, { recursive: true });
    const bytes = await readFile(join(changedBinary, 'init'));
    bytes[0x7e] = 0x58; // unlink (87) becomes another system call (88)
    await writeFile(join(changedBinary, 'init'), bytes);
    await expect(loadGuestInit('amd64', changedBinary)).rejects.toThrow(/is not what its source .*init\.hex0 assembles to/);

    const changedBoth = join(dir, 'changed-both/');
    await cp(guestInitDir(), changedBoth, { recursive: true });
    const source = (await readFile(join(changedBoth, 'init.hex0'), 'utf8')).replace('B8 57 00 00 00  # @7D', 'B8 58 00 00 00  # @7D');
    await writeFile(join(changedBoth, 'init.hex0'), source);
    await writeFile(join(changedBoth, 'init'), bytes);
    await expect(loadGuestInit('amd64', changedBoth)).rejects.toThrow(/has sha256 [0-9a-f]{64}, not the pinned/);
  });

  it("has a boot program (a restored machine's /init) that the hex0 seed makes of its source, and refuses another", async () => {
    const output = join(dir, 'boot-by-seed');
    await execa(HEX0_SEED, [join(guestInitDir(), 'boot.hex0'), output]);
    expect(sha256Bytes(await readFile(output))).toBe(GUEST_BOOT_SHA256.amd64);

    const changed = join(dir, 'changed-boot/');
    await cp(guestInitDir(), changed, { recursive: true });
    const bytes = await readFile(join(changed, 'boot'));
    bytes[0x95] = 0xa6; // mount (165) becomes umount2 (166)
    await writeFile(join(changed, 'boot'), bytes);
    await expect(loadGuestBoot('amd64', changed)).rejects.toThrow(/is not what its source .*boot\.hex0 assembles to/);
  });
});
