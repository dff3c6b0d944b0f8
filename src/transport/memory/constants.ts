/**
 * Timings of the memory transport; the same values as the libp2p transport's, so both
 * pass the same compliance suite with the same timing (each is a row of docs/LIMITS.md).
 */

/** How often send queues are checked for a peer that stopped reading, in ms. */
export const MEMORY_SLOW_READER_CHECK_INTERVAL_MS = 1000
/** Longest wait for queue room when a sender asks to wait, in ms. */
export const MEMORY_SEND_WAIT_TIMEOUT_MS = 10_000
