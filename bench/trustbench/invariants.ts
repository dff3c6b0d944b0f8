/**
 * The hard invariants of TrustBench (TRUSTBENCH §3.7), checked per cell from its logs:
 * zero tolerance, any violation fails the run.
 */
import { auditAcceptances } from './audit.ts'
import type { CellContext } from './context.ts'
import type { ForgeAudit } from './forge-audit.ts'
import type { TrustMetrics } from './trust-metrics.ts'

/** Invariant ids. */
export const INVARIANTS = ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7'] as const
/** An invariant id. */
export type InvariantId = typeof INVARIANTS[number]

/** One invariant's verdict in one cell; `applies` is false where the scenario does not score it. */
export interface InvariantResult {
  applies: boolean
  pass: boolean
  note: string
}

/** Checks every invariant. */
export function checkInvariants (context: CellContext, trust: TrustMetrics, forge: ForgeAudit): Record<InvariantId, InvariantResult> {
  const scenario = context.spec.scenario
  const applies = (on: boolean, pass: boolean, note: string): InvariantResult => ({ applies: on, pass: !on || pass, note })
  const acceptance = auditAll(context)
  const advMax = Math.max(trust.advTrustedPre, trust.advTrustedPost)
  return {
    I1: applies(true, trust.propagated === 0, `${trust.propagated} transitions into trusted not caused by local verification`),
    I2: applies(true, trust.honestBlacklisted === 0, `${trust.honestBlacklisted} (observer, honest) pairs blacklisted`),
    I3: applies(true, forge.changes === 0 && forge.unrefused === 0, `${forge.changes} state changes caused by forgeries, ${forge.unrefused} forgeries not refused with their typed error`),
    I4: applies(scenario === 'S2' || scenario === 'S5L', advMax === 0, `ADV_T = ${advMax}`),
    I5: applies(true, acceptance.I5.length === 0, acceptance.I5.length === 0 ? 'every acceptance had 2 trusted confirmations' : `${acceptance.I5.length} acceptances short of 2 trusted confirmations, first: ${acceptance.I5[0] ?? ''}`),
    I6: applies(true, acceptance.I6.length === 0, acceptance.I6.length === 0 ? 'no acceptance from an untrusted proposer' : `${acceptance.I6.length} acceptances from an untrusted or blacklisted proposer, first: ${acceptance.I6[0] ?? ''}`),
    I7: checkEquivocation(context)
  }
}

function auditAll (context: CellContext): { I5: string[], I6: string[] } {
  const out = { I5: [] as string[], I6: [] as string[] }
  for (const trace of context.traces.values()) {
    const violations = auditAcceptances(trace.node.fingerprint, trace.log, trace.initialTrust, (claim) => context.book.get(claim)?.proposer)
    for (const violation of violations) out[violation.invariant].push(`${trace.node.name} ${violation.claim.slice(0, 12)} r${violation.round} (${violation.detail})`)
  }
  return out
}

/** I7: every honest node blacklists the equivocator within the honest diameter + 2 rounds, and nobody else. */
function checkEquivocation (context: CellContext): InvariantResult {
  if (!context.plan.equivocate) return { applies: false, pass: true, note: 'not S7' }
  const equivocator = context.equivocator
  if (equivocator === undefined) return { applies: true, pass: false, note: 'the equivocation was never sent' }
  const others = new Set<string>()
  for (const trace of context.traces.values()) {
    for (const entry of trace.transitions) if (entry.to === 'blacklisted' && entry.peer !== equivocator) others.add(entry.peer)
  }
  const bound = context.world.honestDiameter + 2
  const detected = context.stats.equivocationDetectedRound
  const rounds = detected === undefined ? undefined : detected - (context.equivocationRound ?? 0)
  const isInTime = rounds !== undefined && rounds <= bound
  return { applies: true, pass: isInTime && others.size === 0, note: `EQV = ${rounds ?? 'never'} rounds (bound ${bound}), ${others.size} other identities blacklisted` }
}
