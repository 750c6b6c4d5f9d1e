// DSSE (Dead Simple Signing Envelope) v1: the signature covers PAE(payloadType, payload), never the
// JSON around it, so re-encoding the envelope cannot change what was signed, and changing the
// payload by a single byte breaks every signature.
import type { PublicKey, SigningKey } from './keys.js';
import { verifySignature } from './keys.js';

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  readonly keyid: string;
  /** base64 of the signature bytes. */
  readonly sig: string;
}

export interface DsseEnvelope {
  readonly payloadType: string;
  /** base64 of the payload bytes. */
  readonly payload: string;
  readonly signatures: readonly DsseSignature[];
}

/** Pre-Authentication Encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return new Uint8Array(Buffer.concat([head, payload]));
}

export function signEnvelope(payloadType: string, payload: Uint8Array, keys: readonly SigningKey[]): DsseEnvelope {
  const message = pae(payloadType, payload);
  return {
    payloadType,
    payload: Buffer.from(payload).toString('base64'),
    signatures: keys.map((key) => ({ keyid: key.publicKey.keyId, sig: Buffer.from(key.sign(message)).toString('base64') })),
  };
}

/** DSSE allows either base64 alphabet; anything else is not a payload. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

export function parseEnvelope(value: unknown): DsseEnvelope | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { payloadType, payload, signatures } = value as Record<string, unknown>;
  if (typeof payloadType !== 'string' || typeof payload !== 'string' || !Array.isArray(signatures)) return undefined;
  const parsed: DsseSignature[] = [];
  for (const signature of signatures as unknown[]) {
    if (typeof signature !== 'object' || signature === null) return undefined;
    const { keyid, sig } = signature as Record<string, unknown>;
    if (typeof sig !== 'string' || (keyid !== undefined && typeof keyid !== 'string')) return undefined;
    parsed.push({ keyid: keyid ?? '', sig });
  }
  return { payloadType, payload, signatures: parsed };
}

export type SignatureCheck =
  | { readonly status: 'valid'; readonly key: PublicKey }
  | { readonly status: 'invalid'; readonly keyid: string; readonly key?: PublicKey; readonly reason: string }
  | { readonly status: 'untrusted'; readonly keyid: string };

/**
 * Check each signature against the trusted keys. A signature whose keyid names a trusted key is
 * checked against that key only; one with an unknown or empty keyid is tried against every trusted key.
 */
export function checkEnvelopeSignatures(envelope: DsseEnvelope, trusted: ReadonlyMap<string, PublicKey>): SignatureCheck[] {
  const payload = decodeBase64(envelope.payload);
  const message = payload === undefined ? undefined : pae(envelope.payloadType, payload);
  return envelope.signatures.map((signature): SignatureCheck => {
    const named = trusted.get(signature.keyid);
    const sig = decodeBase64(signature.sig);
    if (message === undefined || sig === undefined) {
      return { status: 'invalid', keyid: signature.keyid, ...(named ? { key: named } : {}), reason: 'payload or signature is not base64' };
    }
    if (named !== undefined) {
      return verifySignature(named, message, sig)
        ? { status: 'valid', key: named }
        : { status: 'invalid', keyid: signature.keyid, key: named, reason: 'signature does not verify' };
    }
    for (const key of trusted.values()) {
      if (verifySignature(key, message, sig)) return { status: 'valid', key };
    }
    return { status: 'untrusted', keyid: signature.keyid };
  });
}
