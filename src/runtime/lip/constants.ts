/**
 * LIP acceptance tunables (SPEC §7, §15.13, §15.14), each with the reason for its value.
 */
import { TIMESTAMP_SKEW_MS } from '../../protocol/constants.ts'
import type { LipTrustTier } from '../../protocol/envelope/types.ts'

/** The tier of a host the receiver's table does not name (SPEC §15.13). */
export const DEFAULT_SOURCE_TIER: LipTrustTier = 'unknown'

/** The lowest source tier whose evidence needs no corroboration (SPEC §7 "tier ≥ medium"). */
export const MIN_ACCEPT_TIER: LipTrustTier = 'medium'

/** Distinct trusted peers that must have verified evidence from a lower tier (SPEC §7 "≥ 2 trusted peers"). */
export const MIN_TRUSTED_CORROBORATORS = 2

/**
 * How far ahead of local time a `source.retrieved_at` may lie before the evidence is
 * rejected: the envelope timestamp skew of SPEC §3, since both come from the same clock.
 */
export const RETRIEVED_AT_SKEW_MS = TIMESTAMP_SKEW_MS

/**
 * Most evidence items the liminal queue holds. Settled items (rejected, then accepted)
 * are evicted oldest first to make room; when every item is unsettled the queue refuses
 * new evidence (fail closed). 10,000 items of ≤ 64 KiB envelopes bound the queue at a
 * few hundred MB in the worst case and far above what a 50-node mesh produces per window.
 */
export const LIMINAL_QUEUE_MAX_ITEMS = 10_000

/**
 * Most distinct peers one evidence item remembers as corroborators and as conflicting
 * parties (each). A mesh has at most 50 nodes (SPEC §14); 256 leaves room and stops one
 * LIP_ACCEPT listing 1,024 made-up fingerprints from growing an item without bound.
 */
export const LIMINAL_MAX_PEERS_PER_ITEM = 256
