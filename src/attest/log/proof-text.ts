// Proofs written out for clients other than kindling:
// - inclusion, in the C2SP tlog-proof form (file extension .tlog-proof):
//     c2sp.org/tlog-proof@v1\nindex <N>\n<base64 hash>\n…\n\n<signed checkpoint>
// - consistency, in the same shape (no C2SP form exists for it): the RFC 9162 §2.1.4 proof from a
//   tree of <old> leaves to the checkpoint's tree:
//     kindling.dev/consistency-proof@v1\nold <M>\n<base64 hash>\n…\n\n<signed checkpoint>
import type { Hash } from './merkle.js';
import { LogError } from './log.js';

const INCLUSION_HEADER = 'c2sp.org/tlog-proof@v1';
const CONSISTENCY_HEADER = 'kindling.dev/consistency-proof@v1';

export type ProofText =
  | { readonly kind: 'inclusion'; readonly index: number; readonly proof: Hash[]; readonly checkpoint: string; readonly extra?: Uint8Array }
  | { readonly kind: 'consistency'; readonly oldSize: number; readonly proof: Hash[]; readonly checkpoint: string };

export function formatProof(proof: ProofText): string {
  const hashes = proof.proof.map((hash) => `${Buffer.from(hash).toString('base64')}\n`).join('');
  if (proof.kind === 'inclusion') {
    const extra = proof.extra === undefined ? '' : `extra ${Buffer.from(proof.extra).toString('base64')}\n`;
    return `${INCLUSION_HEADER}\n${extra}index ${proof.index}\n${hashes}\n${proof.checkpoint}`;
  }
  return `${CONSISTENCY_HEADER}\nold ${proof.oldSize}\n${hashes}\n${proof.checkpoint}`;
}

export function parseProof(text: string, label: string): ProofText {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new LogError(`${label}: not a proof: no blank line before the checkpoint`);
  const lines = text.slice(0, split).split('\n');
  // A proof pasted or captured without its last newline still holds the whole checkpoint.
  const checkpoint = text.endsWith('\n') ? text.slice(split + 2) : `${text.slice(split + 2)}\n`;
  const header = lines.shift();
  const number = (line: string | undefined, key: string): number => {
    const match = line === undefined ? null : new RegExp(`^${key} (0|[1-9][0-9]*)$`).exec(line);
    if (match === null || !Number.isSafeInteger(Number(match[1])))
      throw new LogError(`${label}: expected a line "${key} <number>", found ${JSON.stringify(line ?? '')}`);
    return Number(match[1]);
  };
  let extra: Uint8Array | undefined;
  if (header === INCLUSION_HEADER && lines[0]?.startsWith('extra ')) extra = new Uint8Array(Buffer.from(lines.shift()!.slice(6), 'base64'));
  const first = lines.shift();
  const proof = lines.map((line, i) => {
    const hash = Buffer.from(line, 'base64');
    if (!/^[A-Za-z0-9+/]{43}=$/.test(line) || hash.length !== 32)
      throw new LogError(`${label}: proof hash ${i + 1} is not base64 of 32 bytes`);
    return new Uint8Array(hash);
  });
  if (header === INCLUSION_HEADER)
    return { kind: 'inclusion', index: number(first, 'index'), proof, checkpoint, ...(extra === undefined ? {} : { extra }) };
  if (header === CONSISTENCY_HEADER) return { kind: 'consistency', oldSize: number(first, 'old'), proof, checkpoint };
  throw new LogError(`${label}: not a proof kindling knows (first line ${JSON.stringify(header ?? '')})`);
}
