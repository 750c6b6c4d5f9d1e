// A run whose results are all in the store asks nothing of its backend beyond the cheap check:
// under qemu the trusted base costs a KVM probe of seconds, and nothing will run in a VM. What it
// prints says the stages were already in the store, not that a backend verified them.
import { afterEach, describe, expect, it } from 'vitest';
import { describeVerified } from '../../src/cli/bootstrap.js';
import { loadChain } from '../../src/manifest/chain.js';
import { runChain } from '../../src/run/run-chain.js';
import { createBwrapSandbox } from '../../src/sandbox/bwrap.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { Store } from '../../src/store/store.js';
import { makeRig, TWO_STAGES, type Rig } from '../support/rig.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.cleanup();
  rig = undefined;
});

/** bwrap, counting what the run asks of it. */
function counted(): { sandbox: Sandbox; calls: { check: number; trustedBase: number } } {
  const inner = createBwrapSandbox();
  const calls = { check: 0, trustedBase: 0 };
  const sandbox: Sandbox = {
    ...inner,
    check: async () => {
      calls.check += 1;
      await inner.trustedBase();
    },
    trustedBase: () => {
      calls.trustedBase += 1;
      return inner.trustedBase();
    },
  };
  return { sandbox, calls };
}

describe('a run with every result in the store', () => {
  it('checks the backend but never asks for its trusted base, and says "already in the store"', async () => {
    rig = await makeRig(TWO_STAGES);
    const chain = await loadChain(rig.chainDir);
    const store = await Store.open(rig.storeDir);

    const first = counted();
    const built = await runChain({ chain, store, sandbox: first.sandbox });
    expect(built.ok).toBe(true);
    // Asked once for the whole run, however many stages ran.
    expect(first.calls).toEqual({ check: 1, trustedBase: 1 });
    expect(built.trustedBase?.backend).toBe('bwrap');
    expect(describeVerified(built)).toBe('2 stages verified (bwrap)');

    const second = counted();
    const cached = await runChain({ chain, store, sandbox: second.sandbox });
    expect(cached.ok).toBe(true);
    expect(second.calls).toEqual({ check: 1, trustedBase: 0 });
    expect(cached.trustedBase).toBeUndefined();
    expect(describeVerified(cached)).toBe('2 stages already in the store');
  });

  it('names both when some stages ran and others were in the store', async () => {
    rig = await makeRig(TWO_STAGES);
    const chain = await loadChain(rig.chainDir);
    const store = await Store.open(rig.storeDir);
    const first = chain.stages[0]!.name;
    await runChain({ chain, store, sandbox: counted().sandbox, until: first });
    const rest = await runChain({ chain, store, sandbox: counted().sandbox });
    expect(describeVerified(rest)).toBe('1 stage verified (bwrap), 1 stage already in the store');
  });
});
