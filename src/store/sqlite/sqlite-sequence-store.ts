/**
 * `SequenceStore` over SQLite (`sequences`): each `next()` commits with
 * `synchronous=FULL` before it returns, so a value handed out is never handed out again,
 * whatever crash follows.
 */
import type { StatementSync } from 'node:sqlite'
import type { SequenceStore } from '../../mesh/sequence-store.ts'
import { ACCEPTANCE_SYNCHRONOUS } from '../constants.ts'
import { StoreRowError } from '../errors.ts'
import type { MeshDatabase } from './database.ts'

/** A `SequenceStore` over `db` (migrated to at least version 2). */
export function createSqliteSequenceStore (db: MeshDatabase): SequenceStore {
  const select: StatementSync = db.prepare('SELECT value FROM sequences WHERE name = $name')
  const upsert: StatementSync = db.prepare('INSERT INTO sequences (name, value) VALUES ($name, $value) ON CONFLICT (name) DO UPDATE SET value = excluded.value')
  const current = (name: string): number => {
    const row = select.get({ name })
    if (row === undefined) return 0
    const value = row.value
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new StoreRowError(`Cannot read sequence "${name}": stored value is not a safe non-negative integer`, { reason: 'bad_row', table: 'sequences', key: name, field: 'value' })
    }
    return value
  }
  return {
    current,
    next (name, atLeast = 0) {
      return db.transaction(() => {
        const value = Math.max(current(name) + 1, atLeast)
        if (!Number.isSafeInteger(value)) throw new RangeError(`Cannot advance sequence "${name}": past 2^53 − 1`)
        upsert.run({ name, value })
        return value
      }, { synchronous: ACCEPTANCE_SYNCHRONOUS })
    }
  }
}
