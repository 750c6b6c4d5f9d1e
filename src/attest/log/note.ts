// C2SP signed-note: a UTF-8 text ending in a newline, a blank line, then one line per signature:
//   — <key name> <base64(4-byte key hash || Ed25519 signature over the text)>
// (the dash is U+2014). Signatures from keys the reader does not know are kept but ignored.
import { verifySignature, type PublicKey, type SigningKey } from '../keys.js';
import { KindlingError } from '../../errors.js';

const SIGNATURE_PREFIX = '\u2014 ';

export interface NoteSignature {
  readonly name: string;
  readonly keyHash: Uint8Array;
  readonly signature: Uint8Array;
  /** The line as read, so a note can be rewritten without changing signatures it does not understand. */
  readonly line: string;
}

export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export class NoteError extends KindlingError {
  override readonly name = 'NoteError';

  constructor(message: string) {
    super('input', message);
  }
}

export function checkNoteText(text: string): void {
  if (text === '' || !text.endsWith('\n')) throw new NoteError('note text must end with a newline');
  // Tabs and other control characters are not allowed; a newline is the only one.
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(text)) throw new NoteError('note text holds a control character');
  if (text.includes('\n\n')) throw new NoteError('note text holds a blank line');
}

export function signatureLine(text: string, key: SigningKey): string {
  const signature = key.sign(new Uint8Array(Buffer.from(text, 'utf8')));
  return `${SIGNATURE_PREFIX}${key.publicKey.name} ${Buffer.concat([key.publicKey.noteKeyHash, signature]).toString('base64')}\n`;
}

export function signNote(text: string, keys: readonly SigningKey[]): string {
  checkNoteText(text);
  return `${text}\n${keys.map((key) => signatureLine(text, key)).join('')}`;
}

/** Add one signature to a note, keeping the others; no change if that key already signed it. */
export function cosignNote(note: Note, key: SigningKey): string {
  const has = note.signatures.some(
    (signature) => signature.name === key.publicKey.name && Buffer.from(signature.keyHash).equals(key.publicKey.noteKeyHash),
  );
  const lines = note.signatures.map((signature) => signature.line);
  if (!has) lines.push(signatureLine(note.text, key));
  return `${note.text}\n${lines.join('')}`;
}

export function parseNote(serialized: string): Note {
  const split = serialized.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('not a signed note: no blank line before the signatures');
  const text = serialized.slice(0, split + 1);
  checkNoteText(text);
  const block = serialized.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw new NoteError('not a signed note: no signature lines');
  const signatures: NoteSignature[] = [];
  for (const raw of block.slice(0, -1).split('\n')) {
    const line = `${raw}\n`;
    if (!raw.startsWith(SIGNATURE_PREFIX)) throw new NoteError(`malformed signature line: ${JSON.stringify(raw.slice(0, 80))}`);
    const rest = raw.slice(SIGNATURE_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    const name = rest.slice(0, space);
    const b64 = rest.slice(space + 1);
    if (space <= 0 || /\s|\+/.test(name) || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      throw new NoteError(`malformed signature line: ${JSON.stringify(raw.slice(0, 80))}`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length < 5) throw new NoteError(`signature of ${name} is too short`);
    signatures.push({ name, keyHash: new Uint8Array(bytes.subarray(0, 4)), signature: new Uint8Array(bytes.subarray(4)), line });
  }
  return { text, signatures };
}

export interface NoteVerification {
  /** Trusted keys whose signature on the text verified. */
  readonly verifiedBy: readonly PublicKey[];
  /** Signatures by a trusted key's name and hash that do not verify: a forgery or a changed text. */
  readonly invalid: readonly string[];
  /** Signatures by keys not in the trusted set (ignored). */
  readonly unknown: readonly string[];
}

export function verifyNote(note: Note, trusted: ReadonlyMap<string, PublicKey>): NoteVerification {
  const message = new Uint8Array(Buffer.from(note.text, 'utf8'));
  const verifiedBy: PublicKey[] = [];
  const invalid: string[] = [];
  const unknown: string[] = [];
  for (const signature of note.signatures) {
    const key = [...trusted.values()].find(
      (candidate) => candidate.name === signature.name && Buffer.from(candidate.noteKeyHash).equals(signature.keyHash),
    );
    if (key === undefined) unknown.push(signature.name);
    else if (verifySignature(key, message, signature.signature)) {
      if (!verifiedBy.includes(key)) verifiedBy.push(key);
    } else invalid.push(signature.name);
  }
  return { verifiedBy, invalid, unknown };
}
