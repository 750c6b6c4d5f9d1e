// Defaults and parsers of the flags several commands share. Defaults that come from the
// environment get their values from src/environment.ts, the one module that reads it.
import { resolve } from 'node:path';
import { Option } from 'commander';
import { readEnvironment } from '../environment.js';
import { defaultJobs } from '../run/jobs.js';
import { ACCEL_CHOICES } from '../sandbox/accel.js';
import { SANDBOX_NAMES, type SandboxName } from '../sandbox/select.js';
import { choiceOption, wholeNumber } from './flag-values.js';

export type { SandboxName } from '../sandbox/select.js';

export function defaultChainDir(): string {
  return resolve(readEnvironment().chain ?? 'stages/amd64');
}

export function defaultStoreDir(): string {
  return resolve(readEnvironment().store ?? '.kindling/store');
}

/** $KINDLING_SANDBOX when it names a backend, else qemu (the stronger isolation). */
export function defaultSandbox(): SandboxName {
  const given = readEnvironment().sandbox;
  return SANDBOX_NAMES.find((name) => name === given) ?? 'qemu';
}

/** --sandbox NAME: one of the backends. */
export function sandboxOption(description = 'isolation backend: qemu (a VM per stage) or bwrap'): Option {
  return choiceOption('--sandbox <name>', description, SANDBOX_NAMES, defaultSandbox());
}

/** --accel MODE: how qemu runs the VM. */
export function accelOption(): Option {
  return choiceOption('--accel <mode>', 'qemu acceleration: kvm, tcg or auto', ACCEL_CHOICES, 'auto');
}

/** --jobs N: stages side by side. */
export const parseJobs = wholeNumber(1, 256);

/** --jobs N, by default one stage per core as far as free memory allows (src/run/jobs.ts). */
export function jobsOption(description = 'stages to run side by side'): Option {
  const jobs = defaultJobs();
  return new Option('--jobs <n>', description).argParser(parseJobs).default(jobs, `one per core, memory allowing: ${jobs} here`);
}

/** commander's collector for a flag that may be given several times. */
export function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}
