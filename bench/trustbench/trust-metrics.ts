/**
 * The trust metrics of a cell (TRUSTBENCH §3.5), from the per-round snapshots and the
 * observers' transition logs: ADV_T before and after the flip, exposure, REC, HB, HD,
 * COV, PROP and COST (what each promotion of an adversary identity cost it).
 */
import { isManualEvent } from '../../src/protocol/trust/index.ts'
import type { CellContext } from './context.ts'
import { FLIP_ROUND } from './scenarios.ts'

/** The trust metrics of one cell. */
export interface TrustMetrics {
  advTrustedPre: number
  advTrustedPost: number
  exposure: number
  /** Rounds from the flip until no adversary identity is trusted anywhere for good; undefined when that never happens. */
  recovery: number | undefined
  honestBlacklisted: number
  honestDemotionsPer100: number
  coverage: number | undefined
  propagated: number
  cost: CostMetrics
}

/** COST: what the adversary paid for trust (TRUSTBENCH §3.5, §3.7). */
export interface CostMetrics {
  /** Promotions of adversary identities to `trusted` (observer, identity, round). */
  promotions: number
  /** Distinct adversary identities promoted anywhere. */
  promotedIdentities: number
  /** Adversary true contributions: accepted novel claims + confirmations of true claims. */
  contributions: number
  perPromoted: number
  perFalseAccepted: number
  /** Fewest novel claims of the identity accepted at the promoting observer before a promotion. */
  minNovelAtPromotion: number | undefined
  /** Shortest time in `probing` before a promotion, in rounds. */
  minTenureRounds: number | undefined
}

/** Computes the trust metrics. `falseAccepted` counts adversary false claims accepted anywhere. */
export function computeTrustMetrics (context: CellContext, falseAccepted: number): TrustMetrics {
  const { world, stats, spec } = context
  const honest = new Set(world.honest.map((node) => node.fingerprint))
  const adversaries = new Set(world.adversaries.map((node) => node.fingerprint))
  const perRound = stats.adversariesTrusted
  const maxOver = (from: number, to: number): number => Math.max(0, ...perRound.slice(from, to).map((counts) => Math.max(0, ...counts)))
  const totals = perRound.map((counts) => counts.reduce((sum, count) => sum + count, 0))
  const pairs = world.honest.length * adversaries.size
  let honestBlacklisted = 0
  let demotions = 0
  let propagated = 0
  for (const trace of context.traces.values()) {
    const blacklisted = new Set<string>()
    for (const entry of trace.transitions) {
      if (entry.to === 'blacklisted' && honest.has(entry.peer)) blacklisted.add(entry.peer)
      if (entry.from === 'trusted' && (entry.to === 'probing' || entry.to === 'untrusted') && honest.has(entry.peer)) demotions++
      // SPEC §6: only local verification (or a human) makes a peer trusted (I1).
      if (entry.to === 'trusted' && entry.event !== 'verified_knowledge' && !isManualEvent(entry.event)) propagated++
    }
    honestBlacklisted += blacklisted.size
  }
  return {
    advTrustedPre: maxOver(0, FLIP_ROUND),
    advTrustedPost: maxOver(FLIP_ROUND, perRound.length),
    exposure: pairs === 0 || totals.length === 0 ? 0 : totals.reduce((sum, total) => sum + total / pairs, 0) / totals.length,
    recovery: recoveryOf(totals),
    honestBlacklisted,
    honestDemotionsPer100: world.honest.length === 0 ? 0 : demotions / world.honest.length / spec.rounds * 100,
    coverage: stats.coverage === undefined || stats.coverage.pairs === 0 ? undefined : stats.coverage.trusted / stats.coverage.pairs,
    propagated,
    cost: computeCost(context, adversaries, falseAccepted)
  }
}

/** Rounds from the flip to the first round from which no adversary identity is ever trusted again. */
function recoveryOf (totals: readonly number[]): number | undefined {
  let last = -1
  for (let round = 0; round < totals.length; round++) if ((totals[round] ?? 0) > 0) last = round
  if (last === totals.length - 1) return undefined
  return Math.max(0, last + 1 - FLIP_ROUND)
}

function computeCost (context: CellContext, adversaries: ReadonlySet<string>, falseAccepted: number): CostMetrics {
  const claims = context.book.all()
  const promoted = new Set<string>()
  let promotions = 0
  let minNovel: number | undefined
  let minTenure: number | undefined
  for (const trace of context.traces.values()) {
    const probingSince = new Map<string, number>()
    for (const entry of trace.transitions) {
      if (!adversaries.has(entry.peer)) continue
      if (entry.to === 'probing') probingSince.set(entry.peer, entry.round)
      if (entry.to !== 'trusted') continue
      promotions++
      promoted.add(entry.peer)
      const novel = claims.filter((claim) => claim.proposer === entry.peer && (trace.firstRound(claim.id, 'accepted') ?? Infinity) <= entry.round).length
      const tenure = entry.round - (probingSince.get(entry.peer) ?? 0)
      minNovel = Math.min(minNovel ?? Infinity, novel)
      minTenure = Math.min(minTenure ?? Infinity, tenure)
    }
  }
  const acceptedNovel = claims.filter((claim) => claim.isAdversarial && claim.isTrue && [...context.traces.values()].some((trace) => trace.firstRound(claim.id, 'accepted') !== undefined)).length
  const contributions = acceptedNovel + context.stats.adversaryTrueConfirms
  return {
    promotions,
    promotedIdentities: promoted.size,
    contributions,
    perPromoted: promoted.size === 0 ? Infinity : contributions / promoted.size,
    perFalseAccepted: falseAccepted === 0 ? Infinity : contributions / falseAccepted,
    minNovelAtPromotion: minNovel,
    minTenureRounds: minTenure
  }
}
