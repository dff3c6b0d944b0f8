/**
 * Transport limits and timings (DESIGN §6, SPEC §11). Each constant is a row of
 * docs/LIMITS.md; the `@default` of every transport `Init` field names one of these.
 */

/** Largest frame body on a channel, in bytes (1 MiB); refused from its length prefix, before allocation. */
export const MAX_FRAME_BYTES = 1024 * 1024

/** Time between heartbeat pings on an idle link, in ms. */
export const HEARTBEAT_INTERVAL_MS = 1000
/** Unanswered pings (each older than one interval) needed, with a stale read, to call a peer dead. */
export const HEARTBEAT_MAX_MISSES = 3
/** Time without any byte read from the peer needed, with the misses, to call it dead, in ms. */
export const HEARTBEAT_STALE_READ_MS = 3000
/** Most pings awaiting a pong that one link remembers; older ones count as missed. */
export const HEARTBEAT_MAX_OUTSTANDING_PINGS = 16

/** Weight of a new RTT sample in the smoothed RTT (EWMA α, unitless). */
export const RTT_EWMA_ALPHA = 1 / 8
/** RTT samples kept per link for p50 / p95, in samples. */
export const RTT_WINDOW_SAMPLES = 128

/** Reconnect delays of the first attempts, in ms; later attempts double from the last tier. */
export const RECONNECT_TIERS_MS: readonly number[] = Object.freeze([1000, 5000, 15_000])
/** Longest reconnect delay before jitter, in ms (10 min; at most 12 min with ±20 % jitter). */
export const RECONNECT_MAX_DELAY_MS = 600_000
/** Relative jitter applied to every reconnect delay (0.2 = ±20 %, unitless). */
export const RECONNECT_JITTER = 0.2

/** Most frames queued for sending on one data channel, in frames. */
export const SEND_QUEUE_MAX_FRAMES = 1024
/** Most bytes queued for sending on one channel, in bytes (4 MiB: four maximal frames). */
export const SEND_QUEUE_MAX_BYTES = 4 * 1024 * 1024
/** Most frames queued on the control channel (HELLO, LSA, heartbeats), in frames. */
export const CONTROL_QUEUE_MAX_FRAMES = 256
/** A non-empty send queue that makes no progress for this long marks a slow reader to cut off, in ms. */
export const SLOW_READER_CUTOFF_MS = 10_000
