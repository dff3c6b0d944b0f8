/** Defaults of the SQLite store (DESIGN §6 "SQLite" row); each bound is listed in docs/LIMITS.md. */

/** How long a connection waits for another writer's lock before failing, in ms (DESIGN §6). */
export const BUSY_TIMEOUT_MS = 5_000
/**
 * `PRAGMA synchronous` for ordinary transactions. In WAL mode `NORMAL` never corrupts the
 * database but may lose the last commits on power loss, so acceptance records (trust
 * transitions) commit with `FULL` instead (DESIGN §6).
 */
export const DEFAULT_SYNCHRONOUS = 'NORMAL'
/** `PRAGMA synchronous` of acceptance records: the commit is on disk when it returns. */
export const ACCEPTANCE_SYNCHRONOUS = 'FULL'
/** Mode of a database file this code creates: owner read/write only. */
export const DATABASE_FILE_MODE = 0o600
/** Mode of a directory this code creates for a database file. */
export const DATABASE_DIR_MODE = 0o700
/** The path that opens a private in-memory database (tests, simulations). */
export const MEMORY_DATABASE_PATH = ':memory:'
