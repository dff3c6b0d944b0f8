/**
 * Replays of an observer's audit log (TRUSTBENCH §3.5, §3.7): the hard invariants I5
 * (no `accepted` unless ≥ 2 distinct confirmations from identities `trusted` here had
 * arrived at that moment — the proposer excluded, this node's own verified confirmation
 * counting once, SPEC §15.11) and I6 (no `accepted` while the proposer is `untrusted`
 * or `blacklisted` here), and the no-trust shadow: the same verdicts, arriving in the
 * same order, accepted as soon as any 2 confirmations from handshaked identities came
 * before any challenge. Pure.
 */
import type { TrustState } from '../../src/protocol/trust/index.ts'
import type { VerdictKind } from '../../src/runtime/knowledge/types.ts'
import type { AuditEntry } from './trace.ts'

/** One acceptance that broke I5 or I6. */
export interface AcceptanceViolation {
  readonly invariant: 'I5' | 'I6'
  readonly claim: string
  readonly round: number
  /** Trusted confirmations counted (I5) or the proposer's trust (I6). */
  readonly detail: string
}

/** Confirmations a claim needs (SPEC §7(3)). */
export const QUORUM = 2

/**
 * Replays `log` of observer `self` (trust starting at `initialTrust`) and returns every
 * acceptance that broke I5 or I6. `proposerOf` names a claim's proposer when the log
 * has no `propose` entry (this observer's own claims).
 */
export function auditAcceptances (self: string, log: readonly AuditEntry[], initialTrust: ReadonlyMap<string, TrustState>, proposerOf: (claim: string) => string | undefined): AcceptanceViolation[] {
  const trust = new Map(initialTrust)
  const proposers = new Map<string, string>()
  const latest = new Map<string, Map<string, VerdictKind>>()
  const own = new Map<string, VerdictKind>()
  const violations: AcceptanceViolation[] = []
  for (const entry of log) {
    switch (entry.t) {
      case 'propose':
        if (!proposers.has(entry.claim)) proposers.set(entry.claim, entry.proposer)
        break
      case 'verdict': {
        const verdicts = latest.get(entry.claim) ?? new Map<string, VerdictKind>()
        verdicts.set(entry.from, entry.kind)
        latest.set(entry.claim, verdicts)
        break
      }
      case 'own':
        own.set(entry.claim, entry.kind)
        break
      case 'trust':
        trust.set(entry.peer, entry.to)
        break
      case 'status': {
        if (entry.to !== 'accepted') break
        const proposer = proposers.get(entry.claim) ?? proposerOf(entry.claim)
        let count = own.get(entry.claim) === 'confirm' && proposer !== self ? 1 : 0
        for (const [from, kind] of latest.get(entry.claim) ?? []) {
          if (kind === 'confirm' && from !== proposer && from !== self && trust.get(from) === 'trusted') count++
        }
        if (count < QUORUM) violations.push({ invariant: 'I5', claim: entry.claim, round: entry.round, detail: `${count} trusted confirmations` })
        const standing = proposer === undefined ? undefined : trust.get(proposer)
        if (proposer !== self && (standing === 'untrusted' || standing === 'blacklisted')) {
          violations.push({ invariant: 'I6', claim: entry.claim, round: entry.round, detail: `proposer ${standing}` })
        }
        break
      }
    }
  }
  return violations
}

/**
 * The claims (of `claims`) the no-trust shadow would have accepted at this observer:
 * the first two confirmations from `handshaked` identities (never the proposer's)
 * arrived before any challenge from one of them.
 */
export function shadowAcceptances (log: readonly AuditEntry[], claims: ReadonlyMap<string, string>, handshaked: ReadonlySet<string>): Set<string> {
  const confirmers = new Map<string, Set<string>>()
  const closed = new Set<string>()
  const accepted = new Set<string>()
  for (const entry of log) {
    if (entry.t !== 'verdict') continue
    const proposer = claims.get(entry.claim)
    if (proposer === undefined || closed.has(entry.claim) || entry.from === proposer || !handshaked.has(entry.from)) continue
    if (entry.kind === 'challenge') {
      closed.add(entry.claim)
      continue
    }
    const seen = confirmers.get(entry.claim) ?? new Set<string>()
    seen.add(entry.from)
    confirmers.set(entry.claim, seen)
    if (seen.size >= QUORUM) {
      accepted.add(entry.claim)
      closed.add(entry.claim)
    }
  }
  return accepted
}
