// The flags shared by every command that talks to a remote store (push, pull, bootstrap --remote):
// the limits that keep a hostile or broken server from holding kindling up or filling the disk.
import type { Command } from 'commander';
import { expectedFailureMessage } from '../attest/errors.js';
import { DEFAULT_LIMITS, RemoteClient, RemoteError, type RemoteLimits } from '../remote/http.js';
import { RemoteHaltedError } from '../remote/pull.js';
import { CliFailure } from './failure.js';

export interface RemoteFlags {
  readonly remote?: string;
  readonly remoteTimeout?: number;
  readonly remoteMaxMb?: number;
}

export function addRemoteLimitFlags(command: Command): Command {
  return command
    .option('--remote-timeout <seconds>', `deadline of each request to the remote (default ${DEFAULT_LIMITS.deadlineMs / 1000})`, parsePositive('--remote-timeout'))
    .option('--remote-max-mb <n>', `largest object taken from the remote, in MiB (default ${DEFAULT_LIMITS.maxObjectBytes / 1024 / 1024})`, parsePositive('--remote-max-mb'));
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
    if (error instanceof RemoteError) throw new CliFailure(error.message, 2);
    throw error;
  }
}

/** Expected failures of remote work (a server down, a halt, a bad key file) become one-line messages. */
export function remoteFailure(error: unknown): unknown {
  if (error instanceof RemoteError || error instanceof RemoteHaltedError) return new CliFailure(error.message, 1);
  const message = expectedFailureMessage(error);
  return message === undefined ? error : new CliFailure(message);
}

function parsePositive(flag: string): (value: string) => number {
  return (value: string): number => {
    const number = Number(value);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !(number > 0)) throw new CliFailure(`${flag} must be a positive number, not ${JSON.stringify(value)}`, 2);
    return number;
  };
}
