import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findForeignRunner, parseBinfmtEntry } from '../../src/sandbox/binfmt.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import { ArchMismatchError, bootstrap } from '../../src/run/bootstrap.js';
import { loadChain } from '../../src/manifest/chain.js';
import { Store } from '../../src/store/store.js';
import { makeRig } from '../support/rig.js';

// What Linux shows for qemu-user-static's entry (Debian 12), and the same without the F flag.
const ENTRY = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: POF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kindling-binfmt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('binfmt_misc entries', () => {
  it('reads the interpreter, the flags and whether the entry is enabled', () => {
    expect(parseBinfmtEntry(ENTRY)).toEqual({
      enabled: true,
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'POF',
      magic: '7f454c460201010000000000000000000200b700',
      mask: 'ffffffffffffff00fffffffffffffffffeffffff',
    });
    expect(parseBinfmtEntry('disabled\nflags: F\n')).toBeUndefined();
  });

  it('refuses a host with no entry, or one without F, saying what to do', async () => {
    const none = await findForeignRunner('aarch64', join(dir, 'none'));
    expect(none).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^bubblewrap cannot run AArch64 programs on this x64 host: binfmt_misc has no 'qemu-aarch64' entry; install qemu-user-static/,
      ) as unknown,
    });
    await writeFile(join(dir, 'qemu-aarch64'), ENTRY.replace('POF', 'PO'));
    const noF = await findForeignRunner('aarch64', dir);
    expect(noF.ok === false && noF.message).toMatch(/lacks the F flag, so the emulator would have to be inside every stage root/);
    await writeFile(join(dir, 'qemu-aarch64'), ENTRY.replace('enabled', 'disabled'));
    const disabled = await findForeignRunner('aarch64', dir);
    expect(disabled.ok === false && disabled.message).toMatch(/the binfmt_misc entry 'qemu-aarch64' is disabled/);
  });

  it("runs the host's own architecture natively, and names this host's qemu-user in the trusted base", async () => {
    expect(await findForeignRunner('amd64')).toEqual({ ok: true, native: true });
    const runner = await findForeignRunner('aarch64');
    expect(runner.ok && !runner.native && runner.component.version).toMatch(/^qemu-aarch64 version \d+\.\d+/);
    const base = await createBwrapSandbox({ arch: 'aarch64' }).trustedBase();
    expect(base.components.map((c) => c.name)).toEqual(['bubblewrap', 'host-kernel', 'qemu-user (qemu-aarch64)']);
    expect((await createBwrapSandbox().trustedBase()).components.map((c) => c.name)).toEqual(['bubblewrap', 'host-kernel']);
  });
});

describe('a chain and a backend of different architectures', () => {
  it('is refused before any stage runs', async () => {
    const rig = await makeRig({ a: { script: 'printf x > /out/x\n', outputs: { 'out/x': 'x' } } });
    try {
      const chain = await loadChain(rig.chainDir);
      const run = bootstrap({ chain, store: await Store.open(rig.storeDir), sandbox: createBwrapSandbox({ arch: 'aarch64' }) });
      await expect(run).rejects.toThrow(new ArchMismatchError(chain, createBwrapSandbox({ arch: 'aarch64' })));
      await expect(run).rejects.toThrow("chain 'rig' is for amd64, but the bwrap backend was made to run aarch64 programs");
    } finally {
      await rig.cleanup();
    }
  });
});
