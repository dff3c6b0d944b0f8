/**
 * The tier of the fault suite (issue #7, DESIGN §5): `npm test` runs the CI tier, short
 * enough for every push; `FAULT_TIER=full` runs the full one (every restart cycle, every
 * partition cycle) as its own npm script. Each test picks its repetitions with `byTier`.
 */

/** The tiers `FAULT_TIER` may name. */
export type FaultTier = 'ci' | 'full'

/**
 * The tier `FAULT_TIER` names: `ci` when unset or empty.
 *
 * @throws {RangeError} when it names another tier
 */
export function faultTierOf (value: string | undefined): FaultTier {
  if (value === undefined || value === '' || value === 'ci') return 'ci'
  if (value === 'full') return 'full'
  throw new RangeError(`Cannot run the fault suite: FAULT_TIER must be "ci" or "full", not "${value}"`)
}

/** The tier of this run. */
export const FAULT_TIER: FaultTier = faultTierOf(process.env.FAULT_TIER)

/** `ci` in the CI tier, `full` in the full one. */
export function byTier<T> (ci: T, full: T): T {
  return FAULT_TIER === 'full' ? full : ci
}
