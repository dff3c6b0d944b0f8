/**
 * `openDatabase()`: one `node:sqlite` connection to `mesh.db`, opened the way DESIGN §6
 * asks — WAL, busy timeout 5 s, foreign keys on, `synchronous=NORMAL` by default and
 * `FULL` per transaction for acceptance records, `quick_check` at start, versioned
 * migrations — with a `transaction()` helper that commits or rolls back as a unit.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import type { StatementSync } from 'node:sqlite'
import {
  BUSY_TIMEOUT_MS, DATABASE_DIR_MODE, DATABASE_FILE_MODE, DEFAULT_SYNCHRONOUS, MEMORY_DATABASE_PATH
} from '../constants.ts'
import { StoreError, StoreIntegrityError, StoreOpenError, StoreTransactionError } from '../errors.ts'
import { describeValue } from '../shape-checks.ts'
import { applyMigrations, validateMigrations } from './migrate.ts'
import { MIGRATIONS } from './migrations.ts'
import type { Migration } from './migrations.ts'

/** `PRAGMA synchronous` levels, weakest first. */
export const SYNCHRONOUS_MODES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const
/** One `PRAGMA synchronous` level. */
export type SynchronousMode = typeof SYNCHRONOUS_MODES[number]

/** How to open the database. */
export interface MeshDatabaseInit {
  /** `PRAGMA synchronous` of ordinary transactions. @default DEFAULT_SYNCHRONOUS ('NORMAL') */
  synchronous?: SynchronousMode
  /** How long to wait for another connection's write lock, in ms. @default BUSY_TIMEOUT_MS (5,000) */
  busyTimeoutMs?: number
  /** The schema steps to apply. @default MIGRATIONS */
  migrations?: readonly Migration[]
}

/** How to run one transaction. */
export interface TransactionOptions {
  /**
   * `PRAGMA synchronous` for this commit: `'FULL'` for acceptance records. A nested
   * transaction cannot ask for more than the outermost one has.
   * @default the database's `synchronous`
   */
  synchronous?: SynchronousMode
}

/** An open `mesh.db`. Synchronous, like `node:sqlite`; one per process and file. */
export interface MeshDatabase extends Disposable {
  /** The path it was opened with (`:memory:` for an in-memory database). */
  readonly path: string
  /** The schema version after migrations (`PRAGMA user_version`). */
  readonly schemaVersion: number
  /** False once closed. */
  readonly isOpen: boolean
  /** Compiles one statement; stores prepare theirs once and keep them. */
  prepare: (sql: string) => StatementSync
  /** Runs SQL without results (DDL, PRAGMA). */
  exec: (sql: string) => void
  /**
   * Runs `fn` inside `BEGIN IMMEDIATE … COMMIT` and returns its result; rolls back and
   * rethrows when it throws. Nested calls become savepoints of the outer transaction.
   *
   * @throws {TypeError} when `fn` returns a promise (the work is rolled back)
   * @throws {StoreTransactionError} when a nested call asks for a stronger `synchronous`
   */
  transaction: <T>(fn: () => T, options?: TransactionOptions) => T
  /** Closes the connection; later calls do nothing. */
  close: () => void
}

/**
 * Opens (creating if needed: directory 0700, file 0600) the SQLite database at `path`,
 * checks it, configures it and migrates it. `':memory:'` opens a private in-memory one.
 *
 * @throws {RangeError} when an option is invalid
 * @throws {StoreIntegrityError} when the file is not a database or fails `quick_check`
 * @throws {StoreVersionError} when its schema is newer than this code
 * @throws {StoreMigrationError} when a migration fails
 * @throws {StoreOpenError} when the file cannot be created, opened or put in WAL mode
 */
export function openDatabase (path: string, init: MeshDatabaseInit = {}): MeshDatabase {
  const config = resolveInit(init)
  const isMemory = path === MEMORY_DATABASE_PATH
  if (!isMemory) createFileIfMissing(path)
  let db: DatabaseSync
  try {
    db = new DatabaseSync(path, { timeout: config.busyTimeoutMs, enableForeignKeyConstraints: true, readBigInts: false, defensive: true })
  } catch (err) {
    throw toStoreError(err, path)
  }
  try {
    checkIntegrity(db, path)
    configure(db, path, config, isMemory)
    const schemaVersion = applyMigrations(db, path, config.migrations)
    return new SqliteMeshDatabase(db, path, config.synchronous, schemaVersion)
  } catch (err) {
    db.close()
    throw toStoreError(err, path)
  }
}

function resolveInit (init: MeshDatabaseInit): Required<MeshDatabaseInit> {
  const config: Required<MeshDatabaseInit> = {
    synchronous: init.synchronous ?? DEFAULT_SYNCHRONOUS,
    busyTimeoutMs: init.busyTimeoutMs ?? BUSY_TIMEOUT_MS,
    migrations: init.migrations ?? MIGRATIONS
  }
  if (!SYNCHRONOUS_MODES.includes(config.synchronous)) {
    throw new RangeError(`Cannot open database: "synchronous" must be one of ${SYNCHRONOUS_MODES.join(', ')}, got "${describeValue(config.synchronous)}"`)
  }
  if (!Number.isSafeInteger(config.busyTimeoutMs) || config.busyTimeoutMs < 0) {
    throw new RangeError(`Cannot open database: "busyTimeoutMs" must be a non-negative integer, got ${config.busyTimeoutMs}`)
  }
  validateMigrations(config.migrations)
  return config
}

// SQLite creates files with the process umask (often 0644); create it first, owner-only.
// Its -wal and -shm files inherit the database file's mode.
function createFileIfMissing (path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: DATABASE_DIR_MODE })
    closeSync(openSync(path, 'wx', DATABASE_FILE_MODE))
    chmodSync(path, DATABASE_FILE_MODE)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return
    throw new StoreOpenError(`Cannot create database "${path}": ${(err as Error).message}`, { path, reason: 'create_failed', cause: err })
  }
}

function checkIntegrity (db: DatabaseSync, path: string): void {
  const findings = db.prepare('PRAGMA quick_check').all().map((row) => String(row.quick_check))
  if (findings.length !== 1 || findings[0] !== 'ok') {
    throw new StoreIntegrityError(`Cannot open database "${path}": quick_check found damage: ${findings.slice(0, 3).join('; ')}`, { path, reason: 'quick_check' })
  }
}

function configure (db: DatabaseSync, path: string, config: Required<MeshDatabaseInit>, isMemory: boolean): void {
  // An in-memory database has no WAL; its journal stays "memory".
  if (!isMemory) {
    const mode = db.prepare('PRAGMA journal_mode = WAL').get()?.journal_mode
    if (mode !== 'wal') throw new StoreOpenError(`Cannot open database "${path}": journal mode is "${String(mode)}", expected "wal"`, { path, reason: 'not_wal' })
  }
  db.exec(`PRAGMA synchronous = ${config.synchronous}`)
  db.exec('PRAGMA foreign_keys = ON')
  db.exec(`PRAGMA busy_timeout = ${config.busyTimeoutMs}`)
}

const SQLITE_CORRUPT = 11
const SQLITE_NOTADB = 26

function toStoreError (err: unknown, path: string): StoreError {
  if (err instanceof StoreError) return err
  const errcode = (err as { errcode?: unknown }).errcode
  // Extended result codes keep the primary code in their low byte.
  const primary = typeof errcode === 'number' ? errcode & 0xff : undefined
  const detail = err instanceof Error ? err.message : String(err)
  if (primary === SQLITE_CORRUPT || primary === SQLITE_NOTADB) {
    const reason = primary === SQLITE_NOTADB ? 'not_a_database' : 'corrupt'
    return new StoreIntegrityError(`Cannot open database "${path}": ${detail}`, { path, reason, cause: err })
  }
  return new StoreOpenError(`Cannot open database "${path}": ${detail}`, { path, reason: 'open_failed', cause: err })
}

class SqliteMeshDatabase implements MeshDatabase {
  readonly path: string
  readonly schemaVersion: number
  readonly #db: DatabaseSync
  readonly #synchronous: SynchronousMode
  /** 0 outside a transaction, 1 in one, n + 1 in its n-th nested savepoint. */
  #depth = 0
  /** The `synchronous` of the open outermost transaction. */
  #activeSynchronous: SynchronousMode

  constructor (db: DatabaseSync, path: string, synchronous: SynchronousMode, schemaVersion: number) {
    this.#db = db
    this.path = path
    this.#synchronous = synchronous
    this.#activeSynchronous = synchronous
    this.schemaVersion = schemaVersion
  }

  get isOpen (): boolean {
    return this.#db.isOpen
  }

  prepare (sql: string): StatementSync {
    return this.#db.prepare(sql)
  }

  exec (sql: string): void {
    this.#db.exec(sql)
  }

  transaction<T> (fn: () => T, options: TransactionOptions = {}): T {
    const synchronous = options.synchronous ?? this.#synchronous
    if (!SYNCHRONOUS_MODES.includes(synchronous)) throw new RangeError(`Cannot begin transaction: "synchronous" must be one of ${SYNCHRONOUS_MODES.join(', ')}, got "${describeValue(synchronous)}"`)
    return this.#depth === 0 ? this.#runOutermost(fn, synchronous) : this.#runNested(fn, synchronous)
  }

  close (): void {
    if (this.#db.isOpen) this.#db.close()
  }

  [Symbol.dispose] (): void {
    this.close()
  }

  #runOutermost<T> (fn: () => T, synchronous: SynchronousMode): T {
    // SQLite refuses to change the safety level inside a transaction: set it around one.
    const isSwitched = synchronous !== this.#synchronous
    if (isSwitched) this.#db.exec(`PRAGMA synchronous = ${synchronous}`)
    try {
      this.#db.exec('BEGIN IMMEDIATE')
      this.#depth = 1
      this.#activeSynchronous = synchronous
      const result = this.#runOrUndo(fn, 'ROLLBACK')
      this.#db.exec('COMMIT')
      return result
    } catch (err) {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec('ROLLBACK')
      throw err
    } finally {
      this.#depth = 0
      if (isSwitched && this.#db.isOpen) this.#db.exec(`PRAGMA synchronous = ${this.#synchronous}`)
    }
  }

  #runNested<T> (fn: () => T, synchronous: SynchronousMode): T {
    if (SYNCHRONOUS_MODES.indexOf(synchronous) > SYNCHRONOUS_MODES.indexOf(this.#activeSynchronous)) {
      throw new StoreTransactionError(`Cannot nest a synchronous=${synchronous} transaction in a synchronous=${this.#activeSynchronous} one: begin the outer one with synchronous ${synchronous}`, { path: this.path, reason: 'nested_synchronous' })
    }
    const savepoint = `nested_${this.#depth}`
    this.#db.exec(`SAVEPOINT ${savepoint}`)
    this.#depth += 1
    try {
      const result = this.#runOrUndo(fn, `ROLLBACK TO ${savepoint}`)
      this.#db.exec(`RELEASE ${savepoint}`)
      return result
    } catch (err) {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec(`RELEASE ${savepoint}`)
      throw err
    } finally {
      this.#depth -= 1
    }
  }

  #runOrUndo<T> (fn: () => T, undo: string): T {
    let result: T
    try {
      result = fn()
    } catch (err) {
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec(undo)
      throw err
    }
    if (result instanceof Promise) {
      this.#db.exec(undo)
      throw new TypeError('Cannot run an async function in a transaction: the work was rolled back')
    }
    return result
  }
}
