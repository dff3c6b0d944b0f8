/**
 * The acceptance metrics of a cell (TRUSTBENCH §3.5): FCA over the adversary's false
 * claims, its no-trust shadow from the same message trace, TCA and TTA over the honest
 * true claims — all over the measured window [start, R − 8), every honest node an
 * observer of every claim it did not propose.
 */
import type { ClaimInfo } from './claim-book.ts'
import type { CellContext } from './context.ts'
import { shadowAcceptances } from './audit.ts'
import { COOL_DOWN_ROUNDS } from './scenarios.ts'

/** A proportion's counts. */
export interface Counts {
  successes: number
  trials: number
}

/** What the acceptance metrics are computed from. */
export interface AcceptanceCounts {
  /** (o, c) ∈ O × C_F ever accepted at o. */
  fca: Counts
  /** The same pairs, accepted by the no-trust shadow. */
  shadow: Counts
  /** (o, c) ∈ O × C_T accepted at the end. */
  tca: Counts
  /** Rounds from proposal to first `accepted`, over accepted (o, c) ∈ O × C_T: `{ rounds: pairs }`. */
  tta: Record<string, number>
  /** C_F and C_T sizes. */
  falseClaims: number
  trueClaims: number
}

/** The measured window [start, end) of a cell. */
export function measuredWindow (context: CellContext): [number, number] {
  return [context.plan.windowStart, context.spec.rounds - COOL_DOWN_ROUNDS]
}

/** Counts FCA, the shadow, TCA and TTA over the measured window. */
export function countAcceptances (context: CellContext): AcceptanceCounts {
  const [start, end] = measuredWindow(context)
  const inWindow = (claim: ClaimInfo): boolean => claim.round >= start && claim.round < end
  const falseClaims = context.book.all().filter((claim) => claim.isAdversarial && !claim.isTrue && inWindow(claim))
  const trueClaims = context.book.all().filter((claim) => !claim.isAdversarial && claim.isTrue && inWindow(claim))
  const result: AcceptanceCounts = {
    fca: { successes: 0, trials: 0 },
    shadow: { successes: 0, trials: 0 },
    tca: { successes: 0, trials: 0 },
    tta: {},
    falseClaims: falseClaims.length,
    trueClaims: trueClaims.length
  }
  const proposers = new Map(falseClaims.map((claim) => [claim.id, claim.proposer]))
  for (const trace of context.traces.values()) {
    const self = trace.node.fingerprint
    const shadow = shadowAcceptances(trace.log, proposers, trace.handshaked)
    for (const claim of falseClaims) {
      result.fca.trials++
      result.shadow.trials++
      if (trace.firstRound(claim.id, 'accepted') !== undefined) result.fca.successes++
      if (shadow.has(claim.id)) result.shadow.successes++
    }
    for (const claim of trueClaims) {
      if (claim.proposer === self) continue
      result.tca.trials++
      if (trace.node.node.knowledge.statusOf(claim.id) === 'accepted') result.tca.successes++
      const first = trace.firstRound(claim.id, 'accepted')
      if (first !== undefined) {
        const key = String(first - claim.round)
        result.tta[key] = (result.tta[key] ?? 0) + 1
      }
    }
  }
  return result
}
