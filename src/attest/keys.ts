// Ed25519 keys of rebuilders and log operators, in the text formats of C2SP signed-note:
//   public  (verifier) key: <name>+<key hash, 8 hex>+<base64(0x01 || 32-byte public key)>
//   private (signer)   key: PRIVATE+KEY+<name>+<key hash, 8 hex>+<base64(0x01 || 32-byte seed)>
// The same key signs DSSE envelopes (identified there by its key id, the sha256 of the raw public
// key) and log checkpoints (identified there by name and the 4-byte note key hash).
// Signing uses node:crypto's Ed25519 (OpenSSL): no extra dependency for a primitive Node ships.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { KindlingError } from '../errors.js';

/** Signature algorithm byte of Ed25519 in signed-note key encodings. */
const ED25519_ALGORITHM = 0x01;
// DER prefixes that wrap a raw 32-byte Ed25519 seed (PKCS#8) or public key (SPKI) for node:crypto.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface PublicKey {
  /** Signed-note key name: printable, no spaces, no '+'. */
  readonly name: string;
  /** 32 raw bytes. */
  readonly raw: Uint8Array;
  /** sha256 of the raw public key, 64 hex: the DSSE keyid. */
  readonly keyId: string;
  /** First 4 bytes of sha256(name || '\n' || 0x01 || raw): how a signed note names the key. */
  readonly noteKeyHash: Uint8Array;
  readonly object: KeyObject;
}

/**
 * A private key. The seed is kept inside a KeyObject, never as a plain field, so that printing,
 * logging or JSON-serialising this value does not reveal it.
 */
export interface SigningKey {
  readonly publicKey: PublicKey;
  sign(message: Uint8Array): Uint8Array;
}

export class KeyFormatError extends KindlingError {
  override readonly name = 'KeyFormatError';

  constructor(message: string) {
    super('input', message);
  }
}

export function isValidKeyName(name: string): boolean {
  // Signed-note names: non-empty, no Unicode spaces, no '+'. Kept to printable ASCII here.
  return /^[\x21-\x2a\x2c-\x7e]+$/.test(name);
}

export function keyIdOf(raw: Uint8Array): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function noteKeyHashOf(name: string, raw: Uint8Array): Uint8Array {
  const hash = createHash('sha256').update(name, 'utf8').update('\n').update(Uint8Array.of(ED25519_ALGORITHM)).update(raw).digest();
  return new Uint8Array(hash.subarray(0, 4));
}

export function publicKeyFromRaw(name: string, raw: Uint8Array): PublicKey {
  if (!isValidKeyName(name)) throw new KeyFormatError(`invalid key name ${JSON.stringify(name)}`);
  if (raw.length !== 32) throw new KeyFormatError('an Ed25519 public key has 32 bytes');
  const object = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
  return { name, raw: new Uint8Array(raw), keyId: keyIdOf(raw), noteKeyHash: noteKeyHashOf(name, raw), object };
}

function signingKeyFromObject(name: string, privateObject: KeyObject): SigningKey {
  const jwk = createPublicKey(privateObject).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new KeyFormatError('not an Ed25519 key');
  const publicKey = publicKeyFromRaw(name, Buffer.from(jwk.x, 'base64url'));
  return {
    publicKey,
    sign: (message) => new Uint8Array(sign(null, message, privateObject)),
  };
}

export function verifySignature(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return verify(null, message, key.object, signature);
  } catch {
    return false;
  }
}

export function generateSigningKey(name: string): { readonly signingKey: SigningKey; readonly privateText: string } {
  if (!isValidKeyName(name))
    throw new KeyFormatError(`invalid key name ${JSON.stringify(name)}: use printable characters, no spaces or '+'`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const signingKey = signingKeyFromObject(name, privateKey);
  const jwk = privateKey.export({ format: 'jwk' });
  if (typeof jwk.d !== 'string') throw new KeyFormatError('could not export the generated key');
  const seed = Buffer.from(jwk.d, 'base64url');
  const privateText = `PRIVATE+KEY+${name}+${hex4(signingKey.publicKey.noteKeyHash)}+${Buffer.concat([Uint8Array.of(ED25519_ALGORITHM), seed]).toString('base64')}`;
  seed.fill(0);
  return { signingKey, privateText };
}

export function formatPublicKey(key: PublicKey): string {
  return `${key.name}+${hex4(key.noteKeyHash)}+${Buffer.concat([Uint8Array.of(ED25519_ALGORITHM), key.raw]).toString('base64')}`;
}

/** Parse a verifier key line. Errors may quote the line: it holds only public material. */
export function parsePublicKey(text: string): PublicKey {
  const line = text.trim();
  const parts = cutPlus(line, 3);
  if (parts === undefined) throw new KeyFormatError(`not a public key (expected name+hash+key): ${JSON.stringify(line.slice(0, 120))}`);
  const [name = '', hashHex = '', keyB64 = ''] = parts;
  const bytes = decodeKeyBytes(keyB64);
  if (bytes === undefined) throw new KeyFormatError(`public key ${JSON.stringify(name)}: the key is not base64 of 0x01 and 32 bytes`);
  const key = publicKeyFromRaw(name, bytes);
  if (hashHex !== hex4(key.noteKeyHash))
    throw new KeyFormatError(`public key ${JSON.stringify(name)}: key hash ${hashHex} does not match the key`);
  return key;
}

/**
 * Parse a signer key. Error messages never quote the text: it is secret. The caller names the file.
 */
export function parsePrivateKey(text: string): SigningKey {
  const parts = cutPlus(text.trim(), 5);
  if (parts === undefined || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') {
    throw new KeyFormatError('not a private key (expected PRIVATE+KEY+name+hash+key)');
  }
  const name = parts[2] ?? '';
  if (!isValidKeyName(name)) throw new KeyFormatError('the key name is not valid');
  const seed = decodeKeyBytes(parts[4] ?? '');
  if (seed === undefined) throw new KeyFormatError('the key is not base64 of 0x01 and a 32-byte seed');
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  const object = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  seed.fill(0);
  const signingKey = signingKeyFromObject(name, object);
  if (parts[3] !== hex4(signingKey.publicKey.noteKeyHash)) throw new KeyFormatError('the key hash does not match the key');
  return signingKey;
}

/** Split at the first count-1 '+' signs: the last field is base64 and may itself hold '+'. */
function cutPlus(text: string, count: number): string[] | undefined {
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return undefined;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

function decodeKeyBytes(b64: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 33 || bytes[0] !== ED25519_ALGORITHM) return undefined;
  return bytes.subarray(1);
}

function hex4(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
