// Ctrl-C and SIGTERM while work runs: the work is told through an AbortSignal, so running sandboxes
// and VMs are stopped and their work directories kept, and what was verified stays in the store.
// The signal then ends the work with an InterruptedError (exit 130 or 143), not the process by the
// signal.
//
// The handlers are added with process.on and stay until the work has wound down. execa kills its
// children on exit through signal-exit, which re-raises a signal when no other listener is left:
// a handler removed at the first signal (process.once) would let it kill kindling mid-cleanup.
import { InterruptedError, type InterruptSignal } from '../errors.js';

const SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/** What an interrupted chain run leaves behind, said after "interrupted by SIGINT: ". */
export const CHAIN_INTERRUPTED =
  'running stages were stopped, their work directories kept; verified stages are kept in the store, run the same command again to resume';

/**
 * Runs `work` with SIGINT and SIGTERM turned into an abort of the signal it is given. When a signal
 * came, the result (or failure) of the work is replaced by an InterruptedError naming it.
 */
export async function withInterrupts<T>(work: (signal: AbortSignal) => Promise<T>, leftBehind = CHAIN_INTERRUPTED): Promise<T> {
  const abort = new AbortController();
  let received: InterruptSignal | undefined;
  const handlers = SIGNALS.map((name) => {
    const handler = (): void => {
      // A second signal while stopping changes nothing: the sandboxes are already being killed.
      if (received !== undefined) return;
      received = name;
      abort.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  const interrupted = (): InterruptedError => new InterruptedError(received!, `interrupted by ${received}: ${leftBehind}`);
  try {
    const result = await work(abort.signal);
    if (received !== undefined) throw interrupted();
    return result;
  } catch (error) {
    if (received !== undefined && !(error instanceof InterruptedError)) throw interrupted();
    throw error;
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}
