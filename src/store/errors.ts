/**
 * The typed errors of the store layer (STYLE §8). They are failures of the node's own
 * disk, not of peers' input, so they extend `Error` directly rather than the wire
 * vocabulary of `protocol/errors.ts`; code branches on `err.name`, never on the message.
 */

/** Every store error name. */
export type StoreErrorName =
  | 'StoreOpenError' | 'StoreIntegrityError' | 'StoreVersionError' | 'StoreMigrationError'
  | 'StoreRowError' | 'StoreTransactionError'

/** Structured details a store error carries besides its message. */
export interface StoreErrorDetails {
  /** What failed, as a snake_case code (`quick_check`, `not_a_database`, `newer_schema`, `bad_row`, …). */
  reason?: string
  /** The database file (or `:memory:`). */
  path?: string
  /** The table a bad row was read from. */
  table?: string
  /** The key of the bad row. */
  key?: string
  /** The field of the bad row that has the wrong shape. */
  field?: string
  /** The schema version involved. */
  version?: number
  /** The underlying error. */
  cause?: unknown
}

/** Base class of the store errors. */
export abstract class StoreError extends Error {
  abstract override readonly name: StoreErrorName
  /** What failed, as a snake_case code. */
  readonly reason: string
  readonly path?: string
  readonly table?: string
  readonly key?: string
  readonly field?: string
  readonly version?: number

  constructor (message: string, details: StoreErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.reason = details.reason ?? 'unspecified'
    if (details.path !== undefined) this.path = details.path
    if (details.table !== undefined) this.table = details.table
    if (details.key !== undefined) this.key = details.key
    if (details.field !== undefined) this.field = details.field
    if (details.version !== undefined) this.version = details.version
  }
}

/** The database file or its directory cannot be created, opened or configured. */
export class StoreOpenError extends StoreError {
  override readonly name = 'StoreOpenError'
}

/** The file is not a SQLite database, or `PRAGMA quick_check` found damage. */
export class StoreIntegrityError extends StoreError {
  override readonly name = 'StoreIntegrityError'
}

/** The database was written by a newer version of this code (its `user_version` is unknown). */
export class StoreVersionError extends StoreError {
  override readonly name = 'StoreVersionError'
}

/** A schema migration failed; its transaction was rolled back. */
export class StoreMigrationError extends StoreError {
  override readonly name = 'StoreMigrationError'
}

/** A row read back does not have the shape this code wrote. */
export class StoreRowError extends StoreError {
  override readonly name = 'StoreRowError'
}

/** A transaction was misused: a stricter `synchronous` nested in a weaker one. */
export class StoreTransactionError extends StoreError {
  override readonly name = 'StoreTransactionError'
}
