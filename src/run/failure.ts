// Expected ways a stage can fail, as values. Each has a `reason` the renderers switch over; the
// exhaustiveness helper makes a new reason impossible to forget in a renderer.
import type { Sha256 } from '../digest.js';
import { assertNever } from '../errors.js';

export type StageFailure =
  | { readonly reason: 'input-missing'; readonly path: string; readonly source: string; readonly message: string }
  | {
      readonly reason: 'input-mismatch';
      readonly path: string;
      readonly source: string;
      readonly expected: Sha256;
      readonly actual: Sha256;
    }
  | { readonly reason: 'exit-non-zero'; readonly exitCode: number }
  | { readonly reason: 'timeout'; readonly timeoutMs: number }
  | { readonly reason: 'sandbox-failed'; readonly message: string }
  | { readonly reason: 'aborted' }
  | { readonly reason: 'output-missing'; readonly path: string }
  | { readonly reason: 'output-mismatch'; readonly path: string; readonly expected: Sha256; readonly actual: Sha256 }
  | { readonly reason: 'output-not-executable'; readonly path: string }
  | { readonly reason: 'output-not-regular'; readonly path: string; readonly kind: string }
  | { readonly reason: 'input-modified'; readonly path: string; readonly expected: Sha256; readonly actual: Sha256 | 'deleted' }
  | { readonly reason: 'undeclared-file'; readonly paths: readonly string[] }
  | { readonly reason: 'dependency-failed'; readonly stage: string };

/** One line a person can act on. */
export function describeFailure(failure: StageFailure): string {
  switch (failure.reason) {
    case 'input-missing':
      return `input ${failure.path} is missing: ${failure.message} (${failure.source})`;
    case 'input-mismatch':
      return `input ${failure.path} from ${failure.source} has sha256 ${failure.actual}, the manifest expects ${failure.expected}`;
    case 'exit-non-zero':
      return `the stage exited with status ${failure.exitCode}`;
    case 'timeout':
      return `the stage was still running after its timeout of ${failure.timeoutMs / 1000} s and was killed`;
    case 'sandbox-failed':
      return `the sandbox failed: ${failure.message}`;
    case 'aborted':
      return 'the run was interrupted';
    case 'output-missing':
      return `declared output ${failure.path} was not produced`;
    case 'output-mismatch':
      return `output ${failure.path} has sha256 ${failure.actual}, the manifest expects ${failure.expected}`;
    case 'output-not-executable':
      return `output ${failure.path} is declared executable but its mode has no execute bit`;
    case 'output-not-regular':
      return `output ${failure.path} is a ${failure.kind}, not a regular file`;
    case 'input-modified':
      return `the stage changed its input ${failure.path} (expected ${failure.expected}, found ${failure.actual})`;
    case 'undeclared-file':
      return `the stage wrote outside its declared outputs: ${failure.paths.join(', ')}`;
    case 'dependency-failed':
      return `not run: stage ${failure.stage}, which it depends on, failed`;
    default:
      return assertNever(failure);
  }
}
