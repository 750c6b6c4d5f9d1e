// Witness cosignatures on checkpoints, in the C2SP tlog-cosignature/v1 form: a signed-note line
//   — <witness name> <base64(key hash || timestamp || Ed25519 signature)>
// where the key hash is the first 4 bytes of sha256(name || '\n' || 0x04 || public key), the
// timestamp the witness's clock in seconds since 1970 as 8 big-endian bytes, and the signature is
// over "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint text. A witness cosigns only a
// checkpoint it has checked to extend every checkpoint it cosigned before for that log (witness.ts).
import { createHash } from 'node:crypto';
import { verifySignature, type PublicKey, type SigningKey } from '../keys.js';
import type { Note } from './note.js';

/** Signature type byte of cosignature/v1 in key hashes and verifier keys. */
const COSIGNATURE_V1 = 0x04;

export function cosignatureKeyHash(key: PublicKey): Uint8Array {
  const hash = createHash('sha256').update(key.name, 'utf8').update('\n').update(Uint8Array.of(COSIGNATURE_V1)).update(key.raw).digest();
  return new Uint8Array(hash.subarray(0, 4));
}

/** The witness's key as a signed-note verifier key of type 0x04, for clients other than kindling. */
export function cosignatureVerifierKey(key: PublicKey): string {
  return `${key.name}+${Buffer.from(cosignatureKeyHash(key)).toString('hex')}+${Buffer.concat([Uint8Array.of(COSIGNATURE_V1), key.raw]).toString('base64')}`;
}

function signedMessage(text: string, timestamp: number): Uint8Array {
  return new Uint8Array(Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8'));
}

/** One cosignature line over a checkpoint's text. */
export function cosignatureLine(text: string, witness: SigningKey, timestamp: number): string {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = witness.sign(signedMessage(text, timestamp));
  return `\u2014 ${witness.publicKey.name} ${Buffer.concat([cosignatureKeyHash(witness.publicKey), time, signature]).toString('base64')}\n`;
}

export interface Cosignatures {
  /** Trusted witnesses whose cosignature verified, with the time each one gives. */
  readonly verified: readonly { readonly name: string; readonly timestamp: number }[];
  /** Lines that name a trusted witness and its key hash but do not verify. */
  readonly invalid: readonly string[];
}

export function verifyCosignatures(note: Note, witnesses: ReadonlyMap<string, PublicKey>): Cosignatures {
  const verified: { name: string; timestamp: number }[] = [];
  const invalid: string[] = [];
  for (const signature of note.signatures) {
    const witness = [...witnesses.values()].find(
      (key) => key.name === signature.name && Buffer.from(cosignatureKeyHash(key)).equals(signature.keyHash),
    );
    if (witness === undefined) continue;
    const body = Buffer.from(signature.signature);
    const timestamp = body.length === 72 ? Number(body.readBigUInt64BE(0)) : Number.NaN;
    if (
      !Number.isSafeInteger(timestamp) ||
      !verifySignature(witness, signedMessage(note.text, timestamp), new Uint8Array(body.subarray(8)))
    ) {
      invalid.push(witness.name);
    } else if (!verified.some((entry) => entry.name === witness.name)) {
      verified.push({ name: witness.name, timestamp });
    }
  }
  return { verified, invalid };
}
