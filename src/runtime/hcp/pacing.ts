/**
 * Pacing (SPEC §8): pressure ≥ 80 or clarity ≤ 30 → slow down and defer; affect anxious
 * or tense → an explicit check-in before acting.
 */
import type { HumanState } from '../../protocol/envelope/types.ts'
import { CLARITY_DEFER_AT, PRESSURE_DEFER_AT } from './constants.ts'

/** Why the agent defers. */
export type DeferReason = 'high_pressure' | 'low_clarity'
/** Why the agent checks in first. */
export type CheckInReason = 'affect_anxious' | 'affect_tense'

/** What the agent does next about an action it wants to take for the human. */
export type PacingDecision =
  | { readonly action: 'proceed' }
  | { readonly action: 'defer', readonly reason: DeferReason }
  | { readonly action: 'check_in', readonly reason: CheckInReason }

/**
 * Decides how fast the agent may act for the human. The rules apply in this order, the
 * strongest brake first: pressure ≥ {@link PRESSURE_DEFER_AT}, clarity ≤
 * {@link CLARITY_DEFER_AT}, affect `anxious`, affect `tense`. A reading that is not a
 * finite number fails safe: it counts as high pressure or low clarity.
 */
export function paceDecision (human: Pick<HumanState, 'affect' | 'clarity' | 'pressure'>): PacingDecision {
  if (!(human.pressure < PRESSURE_DEFER_AT)) return { action: 'defer', reason: 'high_pressure' }
  if (!(human.clarity > CLARITY_DEFER_AT)) return { action: 'defer', reason: 'low_clarity' }
  if (human.affect === 'anxious') return { action: 'check_in', reason: 'affect_anxious' }
  if (human.affect === 'tense') return { action: 'check_in', reason: 'affect_tense' }
  return { action: 'proceed' }
}
