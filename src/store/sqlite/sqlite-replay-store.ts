/**
 * `ReplayStore` over SQLite (`replay_seen`). Statements are prepared once; a duplicate
 * `(sender, msg_id)` keeps the later expiry; rows read back are shape-checked.
 */
import type { SQLOutputValue, StatementSync } from 'node:sqlite'
import type { ReplayEntry } from '../../protocol/replay-cache.ts'
import type { ReplayStore } from '../../runtime/replay-store.ts'
import { StoreRowError } from '../errors.ts'
import { assertNowMs, assertReplayEntry, findBadReplayEntryField } from '../replay-entries.ts'
import type { MeshDatabase } from './database.ts'

const UPSERT_ENTRY = `
  INSERT INTO replay_seen (sender, msg_id, expires_at_ms) VALUES ($sender, $msgId, $expiresAt)
  ON CONFLICT (sender, msg_id) DO UPDATE SET expires_at_ms = max(expires_at_ms, excluded.expires_at_ms)`

/** A `ReplayStore` over `db` (migrated to at least version 1). */
export function createSqliteReplayStore (db: MeshDatabase): ReplayStore {
  return new SqliteReplayStore(db)
}

class SqliteReplayStore implements ReplayStore {
  readonly #selectLive: StatementSync
  readonly #upsert: StatementSync
  readonly #deleteExpired: StatementSync
  readonly #db: MeshDatabase

  constructor (db: MeshDatabase) {
    this.#db = db
    this.#selectLive = db.prepare('SELECT sender, msg_id, expires_at_ms FROM replay_seen WHERE expires_at_ms > $nowMs ORDER BY expires_at_ms, sender, msg_id')
    this.#upsert = db.prepare(UPSERT_ENTRY)
    this.#deleteExpired = db.prepare('DELETE FROM replay_seen WHERE expires_at_ms <= $nowMs')
  }

  load (nowMs: number): ReplayEntry[] {
    assertNowMs(nowMs)
    return this.#selectLive.all({ nowMs }).map(entryOf)
  }

  record (entry: ReplayEntry): void {
    assertReplayEntry(entry)
    this.#upsert.run({ sender: entry.sender, msgId: entry.msgId, expiresAt: entry.expiresAt })
  }

  recordBatch (entries: readonly ReplayEntry[]): void {
    for (const entry of entries) assertReplayEntry(entry)
    this.#db.transaction(() => {
      for (const entry of entries) this.#upsert.run({ sender: entry.sender, msgId: entry.msgId, expiresAt: entry.expiresAt })
    })
  }

  prune (nowMs: number): void {
    assertNowMs(nowMs)
    this.#deleteExpired.run({ nowMs })
  }
}

function entryOf (sql: Record<string, SQLOutputValue>): ReplayEntry {
  const candidate = { sender: sql.sender, msgId: sql.msg_id, expiresAt: sql.expires_at_ms }
  const field = findBadReplayEntryField(candidate)
  if (field !== undefined) {
    const key = `${String(sql.sender)} ${String(sql.msg_id)}`
    throw new StoreRowError(`Cannot read replay_seen row "${key}": field "${field}" has the wrong shape`, { table: 'replay_seen', key, field, reason: 'bad_row' })
  }
  return candidate as ReplayEntry
}
