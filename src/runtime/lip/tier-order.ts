/**
 * The order of LIP source tiers (SPEC §4, §15.13): `blocked < unknown < low < medium <
 * high`. An unknown source ranks below a known low one: nothing vouches for it at all.
 */
import { LIP_TRUST_TIERS } from '../../protocol/envelope/types.ts'
import type { LipTrustTier } from '../../protocol/envelope/types.ts'

/** Every tier, lowest first. */
export const LIP_TIER_ORDER: readonly LipTrustTier[] = Object.freeze(['blocked', 'unknown', 'low', 'medium', 'high'])

const RANK = new Map<string, number>(LIP_TIER_ORDER.map((tier, index) => [tier, index]))

/** True when `text` is a LIP trust tier. */
export function isLipTrustTier (text: unknown): text is LipTrustTier {
  return typeof text === 'string' && (LIP_TRUST_TIERS as readonly string[]).includes(text)
}

/** The rank of a tier (0 = blocked); a value outside the vocabulary ranks as `unknown`, so it never raises anything. */
export function tierRank (tier: LipTrustTier): number {
  return RANK.get(tier) ?? 1
}

/** The lower of two tiers. */
export function lowerTier (a: LipTrustTier, b: LipTrustTier): LipTrustTier {
  const lower = tierRank(a) <= tierRank(b) ? a : b
  return isLipTrustTier(lower) ? lower : 'unknown'
}

/** True when `tier` ranks at or above `floor`. */
export function isTierAtLeast (tier: LipTrustTier, floor: LipTrustTier): boolean {
  return isLipTrustTier(tier) && tierRank(tier) >= tierRank(floor)
}
