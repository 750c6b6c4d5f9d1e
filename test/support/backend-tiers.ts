// Which stages CI runs under each backend. Every stage runs under bubblewrap. Under qemu (TCG on
// CI's machines, 30-75× slower) CI runs the stages of the qemu tier, each on the outputs that
// bubblewrap built for the stages before it (`bootstrap --from-store`), so a long stage early in
// the chain does not make every later one too slow to check. `make check-backends` runs every
// stage under both (KINDLING_QEMU_STAGES=all); KINDLING_QEMU_STAGES=a,b runs those.
import type { Chain } from '../../src/manifest/types.js';

/**
 * Stages left out of CI's qemu tier: a stage stays in while it takes under two minutes under
 * qemu on a 2-core machine without KVM (`make bench` prints each stage's time). Each one left out
 * is still checked by `make check-backends`.
 */
export const QEMU_TIER_LEFT_OUT: readonly string[] = [
  // None since the VM is restored per stage instead of booted (src/sandbox/README.md): on an idle
  // machine musl takes 38 s under qemu (199 s before, at load 14-16) and busybox 37 s (460 s at
  // load 10, 227 s later); the whole chain 123 s under qemu against 23 s under bubblewrap.
];

/** The stages CI runs under qemu, in build order. */
export function qemuTier(chain: Chain, wanted = process.env.KINDLING_QEMU_STAGES): string[] {
  const names = chain.stages.map((s) => s.name);
  if (wanted === 'all') return names;
  if (wanted !== undefined && wanted !== '') {
    const listed = wanted.split(',');
    const unknown = listed.filter((name) => !names.includes(name));
    if (unknown.length > 0) throw new Error(`KINDLING_QEMU_STAGES names stages the chain lacks: ${unknown.join(', ')}`);
    return names.filter((name) => listed.includes(name));
  }
  return names.filter((name) => !QEMU_TIER_LEFT_OUT.includes(name));
}
