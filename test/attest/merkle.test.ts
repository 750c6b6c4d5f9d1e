import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { consistencyProof, inclusionProof, leafHash, rootOf, verifyConsistency, verifyInclusion } from '../../src/attest/log/merkle.js';

// An independent tree, hashed with @noble/hashes and built level by level (an odd last node moves
// up unchanged), which RFC 6962's recursive definition is equivalent to.
const h0 = (data: Uint8Array): Uint8Array => sha256(new Uint8Array([0, ...data]));
const h1 = (a: Uint8Array, b: Uint8Array): Uint8Array => sha256(new Uint8Array([1, ...a, ...b]));

function levels(entries: readonly Uint8Array[]): Uint8Array[][] {
  const all = [entries.map(h0)];
  for (;;) {
    const level = all[all.length - 1] ?? [];
    if (level.length <= 1) return all;
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i] as Uint8Array;
      const right = level[i + 1];
      next.push(right === undefined ? left : h1(left, right));
    }
    all.push(next);
  }
}

function expectedRoot(entries: readonly Uint8Array[]): Uint8Array {
  return entries.length === 0 ? sha256(new Uint8Array()) : (levels(entries).at(-1)?.[0] as Uint8Array);
}

function expectedPath(entries: readonly Uint8Array[], index: number): Uint8Array[] {
  const path: Uint8Array[] = [];
  let i = index;
  for (const level of levels(entries).slice(0, -1)) {
    const sibling = level[i ^ 1];
    if (sibling !== undefined) path.push(sibling);
    i >>= 1;
  }
  return path;
}

const entries = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`));
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const flip = (bytes: Uint8Array): Uint8Array => bytes.map((byte, i) => (i === 0 ? byte ^ 1 : byte));

describe('RFC 6962 Merkle tree', () => {
  it('hashes the empty tree as sha256 of nothing and one leaf with the 0x00 prefix', () => {
    expect(hex(rootOf([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const [only] = entries(1);
    expect(hex(rootOf([leafHash(only as Uint8Array)]))).toBe(hex(h0(only as Uint8Array)));
  });

  it('computes the same root as an independent level-by-level tree for sizes 0..33', () => {
    for (let n = 0; n <= 33; n++) {
      const data = entries(n);
      expect(hex(rootOf(data.map(leafHash))), `size ${n}`).toBe(hex(expectedRoot(data)));
    }
  });

  it('matches the hand-written shape of a 7-leaf tree', () => {
    const d = entries(7).map(h0) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const [a, b, c, dd, e, f, leaf6] = d;
    const g = h1(a, b),
      h = h1(c, dd),
      i = h1(e, f),
      k = h1(g, h),
      l = h1(i, leaf6);
    expect(hex(rootOf(d))).toBe(hex(h1(k, l)));
    // RFC 6962 §2.1.3's examples for this tree.
    expect(inclusionProof(d, 0).map(hex)).toEqual([b, h, l].map(hex));
    expect(inclusionProof(d, 3).map(hex)).toEqual([c, g, l].map(hex));
    expect(inclusionProof(d, 4).map(hex)).toEqual([f, leaf6, k].map(hex));
    expect(inclusionProof(d, 6).map(hex)).toEqual([i, k].map(hex));
    expect(consistencyProof(d, 3).map(hex)).toEqual([c, dd, g, l].map(hex));
    expect(consistencyProof(d, 4).map(hex)).toEqual([l].map(hex));
    expect(consistencyProof(d, 6).map(hex)).toEqual([i, leaf6, k].map(hex));
  });

  it('gives inclusion proofs equal to the independent tree’s sibling path, which verify; altered ones do not', () => {
    for (let n = 1; n <= 17; n++) {
      const data = entries(n);
      const leaves = data.map(leafHash);
      const root = expectedRoot(data);
      for (let index = 0; index < n; index++) {
        const proof = inclusionProof(leaves, index);
        expect(proof.map(hex), `size ${n} index ${index}`).toEqual(expectedPath(data, index).map(hex));
        expect(verifyInclusion(leaves[index] as Uint8Array, index, n, proof, root)).toBe(true);
        expect(verifyInclusion(flip(leaves[index] as Uint8Array), index, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaves[index] as Uint8Array, index, n, proof, flip(root))).toBe(false);
        if (n > 1) {
          expect(verifyInclusion(leaves[index] as Uint8Array, (index + 1) % n, n, proof, root)).toBe(false);
          expect(verifyInclusion(leaves[index] as Uint8Array, index, n, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leaves[index] as Uint8Array, index, n, [...proof, root], root)).toBe(false);
          for (let j = 0; j < proof.length; j++) {
            const altered = proof.map((p, at) => (at === j ? flip(p) : p));
            expect(verifyInclusion(leaves[index] as Uint8Array, index, n, altered, root)).toBe(false);
          }
        }
      }
    }
  });

  it('gives consistency proofs that verify between independently computed roots, and fail when anything changes', () => {
    for (let n = 1; n <= 17; n++) {
      const data = entries(n);
      const leaves = data.map(leafHash);
      const newRoot = expectedRoot(data);
      for (let m = 0; m <= n; m++) {
        const oldRoot = expectedRoot(data.slice(0, m));
        const proof = consistencyProof(leaves, m, n);
        expect(verifyConsistency(m, n, proof, oldRoot, newRoot), `${m} -> ${n}`).toBe(true);
        if (m > 0 && m < n) {
          expect(verifyConsistency(m, n, proof, flip(oldRoot), newRoot)).toBe(false);
          expect(verifyConsistency(m, n, proof, oldRoot, flip(newRoot))).toBe(false);
          expect(verifyConsistency(m, n, proof.slice(1), oldRoot, newRoot)).toBe(false);
          for (let j = 0; j < proof.length; j++) {
            const altered = proof.map((p, at) => (at === j ? flip(p) : p));
            expect(verifyConsistency(m, n, altered, oldRoot, newRoot)).toBe(false);
          }
          // An old tree that is not a prefix (its last entry differs) is not consistent.
          const forkedOld = expectedRoot([...data.slice(0, m - 1), new TextEncoder().encode('forged')]);
          expect(verifyConsistency(m, n, proof, forkedOld, newRoot)).toBe(false);
        }
      }
    }
  });

  it('rejects a larger old tree and proofs for impossible sizes', () => {
    const leaves = entries(5).map(leafHash);
    expect(verifyConsistency(5, 3, [], rootOf(leaves), rootOf(leaves.slice(0, 3)))).toBe(false);
    expect(() => consistencyProof(leaves, 6, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 5)).toThrow(RangeError);
  });
});
