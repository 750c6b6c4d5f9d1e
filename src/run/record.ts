// The provenance record: everything needed to say what one stage run consumed and produced.
// One record per verified stage run; it is the unit a rebuilder signs (see attest/).
import type { Sha256 } from '../digest.js';
import type { TrustedBase } from '../sandbox/sandbox.js';

export const RECORD_TYPE = 'https://kindling.dev/provenance/v1';

export interface RecordedFile {
  readonly path: string;
  readonly sha256: Sha256;
}

export interface ProvenanceRecord {
  readonly _type: typeof RECORD_TYPE;
  readonly chain: string;
  readonly stage: string;
  /** sha256 of stage.yaml's bytes. */
  readonly manifestSha256: Sha256;
  /** Identity of the run: the manifest hash and every input hash, hashed together. */
  readonly stageKey: Sha256;
  readonly inputs: readonly RecordedFile[];
  readonly outputs: readonly RecordedFile[];
  readonly trustedBase: TrustedBase;
  readonly exitCode: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** sha256 of the stage's log (console output), kept in the store. */
  readonly logSha256?: Sha256;
  /** The host orchestrator that ran it. */
  readonly orchestrator: { readonly name: 'kindling'; readonly version: string; readonly node: string };
  /**
   * Set when this store did not run the stage but took the result from a remote store, on the word
   * of these signers. Such a record is never signed again as the store's own rebuild.
   */
  readonly pulledFrom?: PulledFrom;
}

export interface PulledFrom {
  readonly remote: string;
  readonly threshold: number;
  readonly signers: readonly { readonly name: string; readonly keyId: string }[];
  readonly pulledAt: string;
}
