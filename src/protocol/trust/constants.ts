/**
 * Trust tunables (SPEC §15.14), each with its unit in the name and the reason for its
 * value. The state machines never read the clock: callers turn these into facts.
 */

/**
 * How long a peer stays `untrusted` before a valid handshake may take it back to
 * `probing`, in milliseconds (SPEC §6 "untrusted (cooldown)").
 *
 * One minute spans thirty 2 s challenge windows (SPEC §15.3), so every claim the peer
 * had in flight settles before it is probed again, and a peer that reconnects in a
 * tight loop cannot wash out a conflict by re-handshaking; an honest peer that tripped
 * on a transient fault is back to `probing` within a minute.
 */
export const UNTRUSTED_COOLDOWN_MS = 60_000
