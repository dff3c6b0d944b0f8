/**
 * Router limits (DESIGN §6). Every bound is listed in docs/LIMITS.md with the reason
 * for its value.
 */

/** Longest `hops` trace a carrier may have after this node appends itself (SPEC §9 rule 3). */
export const MAX_HOPS = 16

/** Bytes a relay adds to a carrier when it appends itself to `hops`: a quoted fingerprint and a comma. */
export const HOP_TRACE_BYTES = 67

/**
 * Largest carrier this node sends: the envelope cap (64 KiB on the wire, DESIGN §6) less
 * the `hops` trace the relays of a longest path add, so every relay can still take it.
 */
export const MAX_CARRIER_BYTES = 65_536 - MAX_HOPS * HOP_TRACE_BYTES

/** How long a carrier id is remembered for de-duplication: the timestamp window (±120 s) is what a replayed carrier could still pass. */
export const DEDUP_TTL_MS = 120_000

/**
 * Most carrier ids remembered for de-duplication; the oldest is evicted beyond it. Holds a
 * full TTL at ≈ 546 carriers/s (about 10 MiB); above that rate an id may be forgotten early,
 * which costs at most one duplicate forward that the destination's replay cache refuses, and
 * a flood still stops at the `hops` loop check and `MAX_HOPS`.
 */
export const DEDUP_MAX_ENTRIES = 65_536

/** Longest error message a MESH_RECEIPT carries; longer ones are cut (the schema's bound). */
export const MAX_RECEIPT_ERROR_MESSAGE_CHARS = 1024

/** How long `send()` waits for a delivery receipt before `DeliveryTimeoutError`. */
export const RECEIPT_TIMEOUT_MS = 10_000

/** How often an unanswered send whose next hop went down is retried on the new route. */
export const RETRY_INTERVAL_MS = 250

/**
 * Carriers accepted per link peer per second on the `mesh` channel, and the burst. A relay
 * forwards for many origins, so this is several origins' worth of the per-origin rate
 * (200/s, DESIGN §6); per-origin limits apply where the origin is authenticated, at the
 * destination.
 */
export const MESH_LINK_RATE_PER_SECOND = 1000
export const MESH_LINK_BURST = 2000

/** Delivery outcomes remembered (for the DEDUP_TTL_MS window) so a retried carrier gets its receipt again. */
export const DELIVERED_OUTCOMES_MAX = 65_536

/**
 * How often a send without a receipt is re-sent on the current route (same msg_id, new
 * carrier id): covers a link that died further along the path, which the origin cannot
 * see. Above the p99 of a healthy receipt, so healthy sends are not duplicated.
 */
export const RETRANSMIT_INTERVAL_MS = 2000
