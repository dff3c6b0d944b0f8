/**
 * libp2p limits (DESIGN §6 "connections", "handshake"); each is a row of docs/LIMITS.md.
 */

/** Most open connections. */
export const MAX_CONNECTIONS = 64
/** Most inbound connections still upgrading (Noise + Yamux) at once. */
export const MAX_PENDING_INBOUND_CONNECTIONS = 10
/** Inbound connections accepted per remote address per second. */
export const INBOUND_CONNECTIONS_PER_ADDRESS_PER_SECOND = 5
/** Transport upgrade (Noise + Yamux) deadline. */
export const CONNECTION_UPGRADE_TIMEOUT_MS = 10_000
/** Outbound dial deadline, upgrade included. */
export const DIAL_TIMEOUT_MS = 10_000
/** Inbound streams per protocol per connection (one per channel is used; the rest is slack). */
export const MAX_INBOUND_STREAMS_PER_PROTOCOL = 32
/** Outbound streams per protocol per connection. */
export const MAX_OUTBOUND_STREAMS_PER_PROTOCOL = 64
/** Longest wait for queue room when a sender asks to wait. */
export const SEND_WAIT_TIMEOUT_MS = 10_000
/** How often send queues are checked for a peer that stopped reading. */
export const SLOW_READER_CHECK_INTERVAL_MS = 1000
/** How long a duplicate connection stays open after the other one is chosen, so frames in flight on it arrive. */
export const DUPLICATE_CLOSE_GRACE_MS = 2000
