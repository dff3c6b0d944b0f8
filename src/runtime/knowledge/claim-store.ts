/**
 * The storage port of knowledge (SPEC §7; issue #5 "Persistence"): claims with their
 * verdicts and status, causal memory (accepted claims, retractions marked — nothing is
 * silently deleted, SPEC §15.5) and shared decisions with their DMP traces. Implemented
 * in `store/` over SQLite (status changes and causal memory written with
 * `synchronous=FULL`, so a node killed mid-burst loses no accepted claim) and in memory.
 */
import type { JsonValue } from '../../protocol/canonical-json.ts'
import type { ClaimRecord } from './types.ts'

/** One entry of causal memory: an accepted claim, and when it was retracted if it was. */
export interface CausalMemoryEntry {
  claimId: string
  statement: string
  domain: string
  proposer: string
  acceptedAtMs: number
  /** Set when a late challenge disputed the claim after acceptance (SPEC §15.5). */
  retractedAtMs: number | null
}

/** A DECISION_SHARE as stored, with its DMP trace. */
export interface DecisionRecord {
  msgId: string
  from: string
  decision: JsonValue
  dmpTrace: JsonValue
  retrospective: string
  atMs: number
}

/** The port. */
export interface ClaimStore {
  /** Every stored claim. */
  loadClaims: () => ClaimRecord[]
  /** Inserts or replaces a claim with its verdicts (no status change). */
  saveClaim: (claim: ClaimRecord) => void
  /**
   * Saves a claim whose status changed, and in the same durable transaction enters it in
   * causal memory (`accepted`) or marks its entry retracted (`retracted`).
   */
  recordStatus: (claim: ClaimRecord, memory: 'accepted' | 'retracted' | undefined) => void
  /** Causal memory, oldest first. */
  causalMemory: () => CausalMemoryEntry[]
  /** Stores a shared decision (a second one with the same msg_id is ignored). */
  saveDecision: (decision: DecisionRecord) => void
  /** The newest `limit` decisions, oldest first. */
  listDecisions: (limit?: number) => DecisionRecord[]
}
