/**
 * The store layer (DESIGN §3 layer 5, §6 "SQLite"): the storage ports that `mesh/` and
 * `runtime/` declare, over SQLite and in memory.
 *
 * - `mesh.db` (node:sqlite, one connection per node) holds `peers` and the append-only
 *   `trust_transitions` log (PeerStore) and `replay_seen` (ReplayStore); the schema is
 *   versioned migrations tracked with `PRAGMA user_version`.
 * - WAL journal, `synchronous=NORMAL` for ordinary writes; acceptance records (a trust
 *   transition and its peer row, in one transaction) commit with `synchronous=FULL`.
 * - Busy timeout 5 s; `PRAGMA quick_check` at open refuses a damaged file
 *   (`StoreIntegrityError`); rows read back are shape-checked (`StoreRowError`).
 * - The memory stores pass the same compliance suites (test/compliance/).
 *
 * @example
 * ```ts
 * const db = openDatabase(join(dataDir, 'mesh.db'))
 * const peers = createSqlitePeerStore(db)
 * peers.recordTransition(record, row) // durable when it returns
 * db.close()
 * ```
 */
export { ACCEPTANCE_SYNCHRONOUS, BUSY_TIMEOUT_MS, DEFAULT_SYNCHRONOUS, MEMORY_DATABASE_PATH } from './constants.ts'
export {
  StoreError, StoreIntegrityError, StoreMigrationError, StoreOpenError, StoreRowError, StoreTransactionError,
  StoreVersionError
} from './errors.ts'
export type { StoreErrorDetails, StoreErrorName } from './errors.ts'
export { createMemoryPeerStore } from './memory/memory-peer-store.ts'
export { createMemoryReplayStore } from './memory/memory-replay-store.ts'
export { createMemoryClaimStore } from './memory/memory-claim-store.ts'
export { createMemorySequenceStore } from './memory/memory-sequence-store.ts'
export { openDatabase, SYNCHRONOUS_MODES } from './sqlite/database.ts'
export type { MeshDatabase, MeshDatabaseInit, SynchronousMode, TransactionOptions } from './sqlite/database.ts'
export { MIGRATIONS } from './sqlite/migrations.ts'
export type { Migration } from './sqlite/migrations.ts'
export { createSqlitePeerStore } from './sqlite/sqlite-peer-store.ts'
export { createSqliteReplayStore } from './sqlite/sqlite-replay-store.ts'
export { createSqliteClaimStore } from './sqlite/sqlite-claim-store.ts'
export { createSqliteSequenceStore } from './sqlite/sqlite-sequence-store.ts'
export type { PeerRow, PeerStore, TrustTransitionRecord } from '../mesh/peers/peer-store.ts'
export type { ReplayStore } from '../runtime/replay-store.ts'
export type { SequenceStore } from '../mesh/sequence-store.ts'
export type { CausalMemoryEntry, ClaimStore, DecisionRecord } from '../runtime/knowledge/claim-store.ts'
export type { ReplayEntry } from '../protocol/replay-cache.ts'
