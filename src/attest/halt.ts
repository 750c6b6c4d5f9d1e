// Halt statements: a trusted signer says "stop accepting results of this chain (or of one stage of
// it)", with a reason. Each signer's latest word on a scope counts: a later release from the same
// signer lifts that signer's halt. A scope is halted while at least `threshold` trusted signers'
// latest word on it is "halt".
import { sha256Bytes } from '../digest.js';
import type { PublicKey } from './keys.js';
import { compareText, isObject, STATEMENT_TYPE, type Statement } from './statement.js';

export const HALT_PREDICATE_TYPE = 'https://kindling.dev/attestation/halt/v1';

export type HaltAction = 'halt' | 'release';

export interface HaltScope {
  readonly chain: string;
  /** Absent: the whole chain. */
  readonly stage?: string;
}

export interface HaltPredicate extends HaltScope {
  readonly action: HaltAction;
  readonly reason: string;
  /** When the signer issued it (ISO 8601): orders one signer's halts and releases of one scope. */
  readonly issuedAt: string;
}

export type HaltStatement = Statement<HaltPredicate> & { readonly predicateType: typeof HALT_PREDICATE_TYPE };

/** A halt or release whose signature verified against a trusted key. */
export interface SignedHalt {
  readonly signer: PublicKey;
  readonly predicate: HaltPredicate;
  readonly file: string;
}

export interface Halter {
  readonly keyId: string;
  readonly name: string;
  readonly reason: string;
  readonly issuedAt: string;
}

export interface ActiveHalt {
  readonly scope: HaltScope;
  /** Trusted signers whose latest statement on this scope is a halt. */
  readonly halters: readonly Halter[];
}

export interface HaltVerdict {
  /** True when some scope covering the target has at least `threshold` halters. */
  readonly halted: boolean;
  /** Scopes at or above the threshold. */
  readonly halts: readonly ActiveHalt[];
  /** Scopes with halters, but fewer than the threshold: worth a warning, not a refusal. */
  readonly belowThreshold: readonly ActiveHalt[];
}

/** What the subject of a halt names. A halt has no artifact, so the subject is its scope. */
export function haltSubjectName(scope: HaltScope): string {
  return scope.stage === undefined ? `kindling:chain/${scope.chain}` : `kindling:chain/${scope.chain}/stage/${scope.stage}`;
}

export function haltStatement(predicate: HaltPredicate): HaltStatement {
  const name = haltSubjectName(predicate);
  const { chain, stage, action, reason, issuedAt } = predicate;
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: sha256Bytes(name) } }],
    predicateType: HALT_PREDICATE_TYPE,
    predicate: { action, chain, ...(stage === undefined ? {} : { stage }), reason, issuedAt },
  };
}

export function parseHaltPredicate(statement: Statement<unknown>): HaltPredicate | string {
  const value = statement.predicate;
  if (!isObject(value)) return 'predicate is not an object';
  const { action, chain, stage, reason, issuedAt } = value;
  if (action !== 'halt' && action !== 'release') return 'predicate.action must be halt or release';
  if (typeof chain !== 'string' || chain === '') return 'predicate.chain is missing';
  if (stage !== undefined && (typeof stage !== 'string' || stage === '')) return 'predicate.stage must be a stage name';
  if (typeof reason !== 'string' || reason.trim() === '') return 'predicate.reason is missing';
  if (typeof issuedAt !== 'string' || Number.isNaN(Date.parse(issuedAt))) return 'predicate.issuedAt is not a time';
  const predicate: HaltPredicate = { action, chain, ...(stage === undefined ? {} : { stage }), reason, issuedAt };
  // The subject must name the same scope as the predicate, so the two cannot tell different stories.
  const name = haltSubjectName(predicate);
  const subject = statement.subject[0];
  if (statement.subject.length !== 1 || subject?.name !== name || subject.digest.sha256 !== sha256Bytes(name)) {
    return 'subject does not name the halted scope';
  }
  return predicate;
}

/** Do halts on `scope` stop results of `target`? A chain halt covers every stage of the chain. */
export function scopeCovers(scope: HaltScope, target: HaltScope): boolean {
  if (scope.chain !== target.chain) return false;
  return scope.stage === undefined || scope.stage === target.stage;
}

/** Pure: decide from verified halt statements whether `target` is halted. */
export function evaluateHalts(signed: readonly SignedHalt[], threshold: number, target: HaltScope): HaltVerdict {
  // Latest statement of each signer on each scope.
  const latest = new Map<string, { scope: HaltScope; bySigner: Map<string, SignedHalt> }>();
  for (const halt of signed) {
    if (!scopeCovers(halt.predicate, target)) continue;
    const scopeId = haltSubjectName(halt.predicate);
    let entry = latest.get(scopeId);
    if (entry === undefined) {
      entry = {
        scope:
          halt.predicate.stage === undefined
            ? { chain: halt.predicate.chain }
            : { chain: halt.predicate.chain, stage: halt.predicate.stage },
        bySigner: new Map(),
      };
      latest.set(scopeId, entry);
    }
    const previous = entry.bySigner.get(halt.signer.keyId);
    if (previous === undefined || isLater(halt.predicate, previous.predicate)) entry.bySigner.set(halt.signer.keyId, halt);
  }
  const halts: ActiveHalt[] = [];
  const belowThreshold: ActiveHalt[] = [];
  for (const scopeId of [...latest.keys()].sort(compareText)) {
    const entry = latest.get(scopeId);
    if (entry === undefined) continue;
    const halters = [...entry.bySigner.values()]
      .filter((halt) => halt.predicate.action === 'halt')
      .map((halt) => ({
        keyId: halt.signer.keyId,
        name: halt.signer.name,
        reason: halt.predicate.reason,
        issuedAt: halt.predicate.issuedAt,
      }))
      .sort((a, b) => compareText(a.name, b.name) || compareText(a.keyId, b.keyId));
    if (halters.length === 0) continue;
    (halters.length >= threshold ? halts : belowThreshold).push({ scope: entry.scope, halters });
  }
  return { halted: halts.length > 0, halts, belowThreshold };
}

/** Later in time wins; at the same instant a halt wins over a release, failing safe. */
function isLater(candidate: HaltPredicate, current: HaltPredicate): boolean {
  const difference = Date.parse(candidate.issuedAt) - Date.parse(current.issuedAt);
  if (difference !== 0) return difference > 0;
  return candidate.action === 'halt' && current.action === 'release';
}

export function describeHalt(halt: ActiveHalt): string {
  const what = halt.scope.stage === undefined ? `chain ${halt.scope.chain}` : `stage ${halt.scope.chain}/${halt.scope.stage}`;
  const who = halt.halters
    .map((halter) => `${halter.name} (${halter.keyId.slice(0, 16)}) at ${halter.issuedAt}: ${halter.reason}`)
    .join('; ');
  return `${what} halted by ${halt.halters.length} trusted signer(s): ${who}`;
}
