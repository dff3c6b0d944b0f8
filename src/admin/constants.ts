/** Admin HTTP limits (DESIGN §6 "admin HTTP"); each is a row of docs/LIMITS.md. */

/** Time allowed for a client to send its headers. */
export const ADMIN_HEADERS_TIMEOUT_MS = 10_000
/** Time allowed for a whole request. */
export const ADMIN_REQUEST_TIMEOUT_MS = 30_000
/** Idle time before a keep-alive socket is closed. */
export const ADMIN_KEEP_ALIVE_TIMEOUT_MS = 5000
/** Largest request body. */
export const ADMIN_MAX_BODY_BYTES = 1024 * 1024
/** Most open sockets; past it a new socket evicts the oldest one not being answered (slowloris, `socket-cap.ts`). */
export const ADMIN_MAX_SOCKETS = 32
/** How often the headers and request timeouts are enforced (Node's default, 30 s, would stretch a 10 s headers timeout to 40 s). */
export const ADMIN_TIMEOUT_CHECK_INTERVAL_MS = 1000
/** Bytes of randomness in the admin token (256 bits). */
export const ADMIN_TOKEN_BYTES = 32
