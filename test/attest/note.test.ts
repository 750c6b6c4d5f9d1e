// Interoperability with the reference signed-note implementation: the example key pair and signed
// note published in the documentation of golang.org/x/mod/sumdb/note (made by that implementation).
import { describe, expect, it } from 'vitest';
import { formatPublicKey, parsePrivateKey, parsePublicKey } from '../../src/attest/keys.js';
import { parseNote, signNote, verifyNote } from '../../src/attest/log/note.js';

const SIGNER_KEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const SIGNED = `${TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed-note interoperability', () => {
  it('derives the published verifier key (name, key hash, encoding) from the published signer key', () => {
    expect(formatPublicKey(parsePrivateKey(SIGNER_KEY).publicKey)).toBe(VERIFIER_KEY);
  });

  it('produces the published signed note byte for byte, and verifies it', () => {
    expect(signNote(TEXT, [parsePrivateKey(SIGNER_KEY)])).toBe(SIGNED);
    const key = parsePublicKey(VERIFIER_KEY);
    const result = verifyNote(parseNote(SIGNED), new Map([[key.keyId, key]]));
    expect(result.verifiedBy.map((k) => k.name)).toEqual(['PeterNeumann']);
    expect(verifyNote(parseNote(SIGNED.replace('answer', 'Answer')), new Map([[key.keyId, key]])).invalid).toEqual(['PeterNeumann']);
  });

  it('refuses a verifier key whose key hash does not match its name and key', () => {
    expect(() => parsePublicKey(VERIFIER_KEY.replace('PeterNeumann', 'PeterNeuman'))).toThrow(/key hash c74f20a3 does not match/);
    expect(() => parsePrivateKey(SIGNER_KEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key hash does not match/);
  });
});
