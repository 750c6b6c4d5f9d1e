// Which errors of the attestation code are expected failures a user can act on (a bad key file,
// a malformed record, a broken log), as opposed to bugs. The CLI turns the former into messages.
import { KeyFileError } from './key-files.js';
import { KeyFormatError } from './keys.js';
import { RecordError } from './attest.js';
import { LogError } from './log/log.js';
import { NoteError } from './log/note.js';

export function expectedFailureMessage(error: unknown): string | undefined {
  if (
    error instanceof KeyFileError ||
    error instanceof KeyFormatError ||
    error instanceof RecordError ||
    error instanceof LogError ||
    error instanceof NoteError ||
    error instanceof RangeError
  ) {
    return error.message;
  }
  // A missing or unreadable file or directory named on the command line.
  if (error instanceof Error && 'code' in error && 'path' in error && ['ENOENT', 'EACCES', 'ENOTDIR', 'EISDIR'].includes(String(error.code))) {
    return `${String(error.path)}: ${String(error.code) === 'ENOENT' ? 'no such file or directory' : String(error.code)}`;
  }
  return undefined;
}
