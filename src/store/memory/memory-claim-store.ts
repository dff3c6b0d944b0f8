/** `ClaimStore` in memory (tests, simulations, TrustBench): the same contract, no durability. */
import type { CausalMemoryEntry, ClaimStore, DecisionRecord } from '../../runtime/knowledge/claim-store.ts'
import type { ClaimRecord } from '../../runtime/knowledge/types.ts'

/** An in-memory `ClaimStore`; it keeps copies, never the caller's objects. */
export function createMemoryClaimStore (): ClaimStore {
  const claims = new Map<string, ClaimRecord>()
  const memory = new Map<string, CausalMemoryEntry>()
  const decisions = new Map<string, DecisionRecord>()
  return {
    loadClaims: () => [...claims.values()].map((claim) => structuredClone(claim)),
    saveClaim: (claim) => { claims.set(claim.id, structuredClone(claim)) },
    recordStatus (claim, change) {
      claims.set(claim.id, structuredClone(claim))
      if (change === 'accepted' && !memory.has(claim.id)) {
        memory.set(claim.id, { claimId: claim.id, statement: claim.statement, domain: claim.domain, proposer: claim.proposer, acceptedAtMs: claim.statusSinceMs, retractedAtMs: null })
      } else if (change === 'accepted') {
        const entry = memory.get(claim.id)
        if (entry !== undefined) entry.retractedAtMs = null
      } else if (change === 'retracted') {
        const entry = memory.get(claim.id)
        if (entry !== undefined && entry.retractedAtMs === null) entry.retractedAtMs = claim.statusSinceMs
      }
    },
    causalMemory: () => [...memory.values()].map((entry) => ({ ...entry })),
    saveDecision (decision) {
      if (!decisions.has(decision.msgId)) decisions.set(decision.msgId, structuredClone(decision))
    },
    listDecisions: (limit) => (limit === 0 ? [] : [...decisions.values()].slice(limit === undefined ? 0 : -limit)).map((decision) => structuredClone(decision))
  }
}
