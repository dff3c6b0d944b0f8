/** Admin HTTP limits (DESIGN §6 "admin HTTP"); each is a row of docs/LIMITS.md. */

/** Time allowed for a client to send its headers. */
export const ADMIN_HEADERS_TIMEOUT_MS = 10_000
/** Time allowed for a whole request. */
export const ADMIN_REQUEST_TIMEOUT_MS = 30_000
/** Idle time before a keep-alive socket is closed. */
export const ADMIN_KEEP_ALIVE_TIMEOUT_MS = 5000
/** Largest request body. */
export const ADMIN_MAX_BODY_BYTES = 1024 * 1024
/** Most open sockets once each has had its first-request grace; then the oldest ones not being answered are closed (slowloris, `socket-cap.ts`). Twice as many may be open during the grace. */
export const ADMIN_MAX_SOCKETS = 32
/** Time a new socket has to send its request before it can be closed to keep the socket cap. */
export const ADMIN_FIRST_REQUEST_GRACE_MS = 100
/** How often the headers and request timeouts are enforced (Node's default, 30 s, would stretch a 10 s headers timeout to 40 s). */
export const ADMIN_TIMEOUT_CHECK_INTERVAL_MS = 1000
/** Bytes of randomness in the admin token (256 bits). */
export const ADMIN_TOKEN_BYTES = 32
