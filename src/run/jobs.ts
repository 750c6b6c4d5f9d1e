// How many stages run side by side when the user does not say. Independent stages (cc beside
// unpack, mescc-tools beside mes) then share the machine: one per core, as long as each can have
// the memory a VM stage needs, and never fewer than one.
import { availableParallelism, freemem } from 'node:os';

/**
 * Memory set aside per stage running: a qemu stage's guest (256 MiB) and qemu itself (its peak is
 * about 220 MiB under TCG), rounded up. A bubblewrap stage needs far less; this errs on the safe side.
 */
export const MEMORY_PER_JOB = 512 * 1024 * 1024;

export interface MachineShape {
  readonly cores: number;
  readonly freeBytes: number;
}

/** The default for `--jobs`: one stage per core, as many as the free memory holds, at least one. */
export function defaultJobs(machine: MachineShape = { cores: availableParallelism(), freeBytes: freemem() }): number {
  const byMemory = Math.floor(machine.freeBytes / MEMORY_PER_JOB);
  return Math.max(1, Math.min(machine.cores, byMemory));
}
