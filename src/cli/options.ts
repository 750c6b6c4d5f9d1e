// Every default that comes from the environment is read here, and only here, so a reader can see
// at a glance what outside state changes kindling's behaviour.
import { resolve } from 'node:path';

export interface CommonOptions {
  readonly chain: string;
  readonly store: string;
  readonly json: boolean;
}

export const ENVIRONMENT = {
  chain: 'KINDLING_CHAIN',
  store: 'KINDLING_STORE',
  sandbox: 'KINDLING_SANDBOX',
  kernel: 'KINDLING_KERNEL',
  distfiles: 'KINDLING_DISTFILES',
} as const;

export function defaultChainDir(): string {
  return resolve(process.env[ENVIRONMENT.chain] ?? 'stages/amd64');
}

export function defaultStoreDir(): string {
  return resolve(process.env[ENVIRONMENT.store] ?? '.kindling/store');
}

export type SandboxName = 'qemu' | 'bwrap';

export function defaultSandbox(): SandboxName {
  const given = process.env[ENVIRONMENT.sandbox];
  return given === 'bwrap' ? 'bwrap' : 'qemu';
}

export function parseJobs(value: string): number {
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new Error(`--jobs must be a whole number from 1 to 256, not '${value}'`);
  return jobs;
}

/** commander's collector for a flag that may be given several times. */
export function collectRepeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}
