/** Applies `MIGRATIONS` to an open connection, one transaction per step (`PRAGMA user_version`). */
import type { DatabaseSync } from 'node:sqlite'
import { StoreMigrationError, StoreVersionError } from '../errors.ts'
import type { Migration } from './migrations.ts'

/**
 * Refuses a migration list that is not numbered 1, 2, 3, … with names.
 *
 * @throws {RangeError} naming the first bad step
 */
export function validateMigrations (migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new RangeError(`Cannot use migrations: step ${index + 1} has version ${migration.version}, expected ${index + 1}`)
    }
    if (migration.name.length === 0) throw new RangeError(`Cannot use migrations: version ${migration.version} has no name`)
  })
}

/** The database's `PRAGMA user_version`. */
export function readUserVersion (db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get()
  return Number(row?.user_version ?? 0)
}

/**
 * Brings the schema of `db` to the last of `migrations` and returns its version.
 * Each step runs in its own `BEGIN IMMEDIATE` transaction and re-reads the version
 * inside it, so two processes opening the same file never apply a step twice.
 *
 * @throws {StoreVersionError} when the database is newer than `migrations`
 * @throws {StoreMigrationError} when a step fails (that step is rolled back)
 */
export function applyMigrations (db: DatabaseSync, path: string, migrations: readonly Migration[]): number {
  const latest = migrations.length
  const found = readUserVersion(db)
  if (found > latest) {
    throw new StoreVersionError(`Cannot open database "${path}": schema version ${found} is newer than this code knows (${latest})`, { path, version: found, reason: 'newer_schema' })
  }
  for (const migration of migrations.slice(found)) {
    db.exec('BEGIN IMMEDIATE')
    try {
      if (readUserVersion(db) < migration.version) {
        db.exec(migration.sql)
        // Not a bound parameter: PRAGMA takes none; version is a validated integer.
        db.exec(`PRAGMA user_version = ${migration.version}`)
      }
      db.exec('COMMIT')
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK')
      throw new StoreMigrationError(`Cannot migrate database "${path}" to version ${migration.version} (${migration.name})`, { path, version: migration.version, reason: 'migration_failed', cause: err })
    }
  }
  return readUserVersion(db)
}
