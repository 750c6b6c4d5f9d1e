// Halts published on a remote: for each trusted signer, its halt index for the chain, and the
// statements it names. Each statement is re-hashed and its signature checked against the trusted
// key; only then does it count. A remote can withhold a halt (that is what the log is for, see
// docs/remote.md), but it cannot forge one.
import { sha256Bytes } from '../digest.js';
import { parseEnvelope } from '../attest/dsse.js';
import { classifyEnvelope } from '../attest/evidence.js';
import { haltsWithinChain } from '../attest/check-halts.js';
import type { HaltVerdict, SignedHalt } from '../attest/halt.js';
import type { PublicKey } from '../attest/keys.js';
import { RemoteError, type RemoteClient } from './http.js';
import { casPath, haltIndexPath, parseHaltIndex, parseJson } from './layout.js';

export interface RemoteHalts {
  readonly verdict: HaltVerdict;
  /** What was found and not counted, for warnings. */
  readonly ignored: readonly string[];
}

export async function fetchRemoteHalts(
  client: RemoteClient,
  chain: string,
  trusted: ReadonlyMap<string, PublicKey>,
  threshold: number,
): Promise<RemoteHalts> {
  const halts: SignedHalt[] = [];
  const ignored: string[] = [];
  for (const key of trusted.values()) {
    const path = haltIndexPath(chain, key.keyId);
    let bytes: Uint8Array | undefined;
    try {
      bytes = await client.getDocument(path);
    } catch (error) {
      // A halt index that cannot be read might be hiding a halt: better not to build on it.
      throw new RemoteError(
        `cannot read ${key.name}'s halts at ${client.urlOf(path)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (bytes === undefined) continue;
    const index = parseHaltIndex(bytes);
    if (typeof index === 'string') {
      ignored.push(`${client.urlOf(path)}: ${key.name}'s halt index is refused: ${index}`);
      continue;
    }
    for (const sha256 of index.statements) {
      const statement = await client.getDocument(casPath(sha256));
      if (statement === undefined || sha256Bytes(statement) !== sha256) {
        ignored.push(`${client.urlOf(casPath(sha256))}: missing, or not the bytes its name says`);
        continue;
      }
      const envelope = parseEnvelope(parseJson(statement));
      if (envelope === undefined) {
        ignored.push(`${client.urlOf(casPath(sha256))}: not a DSSE envelope`);
        continue;
      }
      // Only the index owner's signature counts from its index; other trusted keys have their own.
      const own = classifyEnvelope(envelope, new Map([[key.keyId, key]]), client.urlOf(casPath(sha256)));
      const found = own.halts.filter((halt) => halt.predicate.chain === chain);
      if (found.length === 0) ignored.push(`${client.urlOf(casPath(sha256))}: not a halt of chain ${chain} signed by ${key.name}`);
      halts.push(...found);
    }
  }
  return { verdict: haltsWithinChain(halts, threshold, chain), ignored };
}
