// The flags shared by every command that talks to a remote store (push, pull, bootstrap --remote):
// the limits that keep a hostile or broken server from holding kindling up or filling the disk.
import type { Command } from 'commander';
import { DEFAULT_LIMITS, RemoteClient, RemoteError, type RemoteLimits } from '../remote/http.js';
import { KindlingError } from '../errors.js';
import { seconds, wholeNumber } from './flag-values.js';

export interface RemoteFlags {
  readonly remote?: string;
  readonly remoteTimeout?: number;
  readonly remoteMaxMb?: number;
}

export function addRemoteLimitFlags(command: Command): Command {
  return command
    .option(
      '--remote-timeout <seconds>',
      `deadline of each request to the remote (default ${DEFAULT_LIMITS.deadlineMs / 1000})`,
      seconds(86_400),
    )
    .option(
      '--remote-max-mb <n>',
      `largest object taken from the remote, in MiB (default ${DEFAULT_LIMITS.maxObjectBytes / 1024 / 1024})`,
      wholeNumber(1, 1_048_576),
    );
}

export function remoteClientFromFlags(url: string, flags: RemoteFlags): RemoteClient {
  const deadlineMs = flags.remoteTimeout === undefined ? DEFAULT_LIMITS.deadlineMs : flags.remoteTimeout * 1000;
  const limits: RemoteLimits = {
    ...DEFAULT_LIMITS,
    deadlineMs,
    // No stall may outlast the whole deadline.
    stallMs: Math.min(DEFAULT_LIMITS.stallMs, deadlineMs),
    ...(flags.remoteMaxMb === undefined ? {} : { maxObjectBytes: Math.floor(flags.remoteMaxMb * 1024 * 1024) }),
  };
  try {
    return new RemoteClient(url, limits);
  } catch (error) {
    if (error instanceof RemoteError) throw new KindlingError('usage', error.message);
    throw error;
  }
}
