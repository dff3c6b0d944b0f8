import assert from 'node:assert/strict'
import { closeSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { TRUST_STATES } from '../../protocol/trust/index.ts'
import { openDatabase } from './database.ts'
import type { MeshDatabase } from './database.ts'
import { MIGRATIONS } from './migrations.ts'
import type { Migration } from './migrations.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-db-'))
const opened: MeshDatabase[] = []
let fileCount = 0
after(async () => {
  for (const db of opened) db.close()
  await rm(root, { recursive: true, force: true })
})

function newPath (): string {
  fileCount += 1
  return join(root, `case-${fileCount}`, 'nested', 'mesh.db')
}

function open (path: string, migrations?: readonly Migration[]): MeshDatabase {
  const db = openDatabase(path, migrations === undefined ? {} : { migrations })
  opened.push(db)
  return db
}

function pragma (db: MeshDatabase, name: string): unknown {
  return db.prepare(`PRAGMA ${name}`).get()?.[name]
}

function userVersionOf (path: string): number {
  const raw = new DatabaseSync(path)
  try {
    return Number(raw.prepare('PRAGMA user_version').get()?.user_version)
  } finally {
    raw.close()
  }
}

function hasName (name: string): (err: unknown) => boolean {
  return (err) => err instanceof Error && err.name === name
}

function hasReason (name: string, reason: string): (err: unknown) => boolean {
  return (err) => hasName(name)(err) && (err as { reason?: string }).reason === reason
}

const V2: Migration = { version: MIGRATIONS.length + 1, name: 'test table', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT;' }

describe('openDatabase()', () => {
  it('opens in WAL mode with foreign keys, a 5 s busy timeout and synchronous=NORMAL', () => {
    const db = open(newPath())
    assert.equal(pragma(db, 'journal_mode'), 'wal')
    assert.equal(pragma(db, 'foreign_keys'), 1)
    // PRAGMA busy_timeout answers in a column named "timeout".
    assert.equal(db.prepare('PRAGMA busy_timeout').get()?.timeout, 5_000)
    assert.equal(pragma(db, 'synchronous'), 1)
  })

  it('creates its directories (0700) and a 0600 file whose WAL files are 0600 too', () => {
    const path = newPath()
    const db = open(path)
    db.exec('CREATE TABLE t (x) ; INSERT INTO t VALUES (1)')
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.equal(statSync(join(path, '..')).mode & 0o777, 0o700)
    for (const name of readdirSync(join(path, '..'))) assert.equal(statSync(join(path, '..', name)).mode & 0o777, 0o600, name)
  })

  it('applies every migration, sets user_version, and does nothing more on reopen', () => {
    const path = newPath()
    const first = open(path)
    assert.equal(first.schemaVersion, MIGRATIONS.length)
    assert.equal(pragma(first, 'user_version'), MIGRATIONS.length)
    first.exec('INSERT INTO replay_seen VALUES (\'s\', \'m\', 1)')
    first.close()
    const second = open(path)
    assert.equal(second.schemaVersion, MIGRATIONS.length)
    assert.equal(second.prepare('SELECT count(*) AS n FROM replay_seen').get()?.n, 1)
  })

  it('applies a new migration to an existing database on reopen', () => {
    const path = newPath()
    open(path).close()
    const db = open(path, [...MIGRATIONS, V2])
    assert.equal(db.schemaVersion, MIGRATIONS.length + 1)
    db.exec('INSERT INTO extra VALUES (1)')
  })

  it('refuses a database whose user_version is newer than the code with StoreVersionError and leaves it as it was', () => {
    const path = newPath()
    open(path, [...MIGRATIONS, V2]).close()
    assert.throws(() => open(path), (err: unknown) => hasName('StoreVersionError')(err) && (err as { version?: number }).version === MIGRATIONS.length + 1)
    const raw = new DatabaseSync(path)
    raw.exec('PRAGMA user_version = 99')
    raw.close()
    assert.throws(() => open(path), hasName('StoreVersionError'))
    assert.equal(userVersionOf(path), 99)
  })

  it('rolls a failing migration back and throws StoreMigrationError', () => {
    const path = newPath()
    const broken: Migration = { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);' }
    assert.throws(() => open(path, [...MIGRATIONS, broken]), (err: unknown) => hasName('StoreMigrationError')(err) && (err as { version?: number }).version === MIGRATIONS.length + 1)
    assert.equal(userVersionOf(path), MIGRATIONS.length)
    const db = open(path)
    assert.equal(db.prepare('SELECT count(*) AS n FROM sqlite_schema WHERE name = \'half\'').get()?.n, 0)
  })

  it('refuses a file whose header was overwritten with StoreIntegrityError', () => {
    const path = newPath()
    const db = open(path)
    db.exec('INSERT INTO replay_seen VALUES (\'s\', \'m\', 1)')
    db.close()
    const fd = openSync(path, 'r+')
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0)
    closeSync(fd)
    assert.throws(() => open(path), hasReason('StoreIntegrityError', 'not_a_database'))
  })

  it('refuses a file that is not a database with StoreIntegrityError', () => {
    const path = join(root, 'garbage.db')
    writeFileSync(path, Buffer.alloc(16_384, 0x42))
    assert.throws(() => open(path), hasReason('StoreIntegrityError', 'not_a_database'))
  })

  it('refuses a database with a damaged page with StoreIntegrityError', () => {
    const path = newPath()
    const db = open(path)
    db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX filler_body ON filler (body)')
    db.transaction(() => {
      const insert = db.prepare('INSERT INTO filler (body) VALUES (?)')
      for (let i = 0; i < 2_000; i++) insert.run(`row ${i} ${'x'.repeat(100)}`)
    })
    db.close()
    const pageSize = 4_096
    const fd = openSync(path, 'r+')
    for (const page of [8, 20, 40]) writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, page * pageSize)
    closeSync(fd)
    assert.throws(() => open(path), hasName('StoreIntegrityError'))
  })

  it('refuses a database whose quick_check reports a broken CHECK constraint with StoreIntegrityError', () => {
    const path = newPath()
    const db = open(path)
    db.exec('PRAGMA ignore_check_constraints = ON')
    db.exec('INSERT INTO trust_transitions (peer, from_state, to_state, event, reason, cause_msg_ids, at_ms) VALUES (\'p\', \'friendly\', \'trusted\', \'e\', \'r\', \'[]\', 1)')
    db.close()
    assert.throws(() => open(path), hasReason('StoreIntegrityError', 'quick_check'))
  })

  it('refuses a path it cannot create with StoreOpenError', () => {
    const blocker = join(root, 'a-file')
    writeFileSync(blocker, 'not a directory')
    assert.throws(() => open(join(blocker, 'mesh.db')), hasName('StoreOpenError'))
  })

  it('refuses invalid options and migration lists with RangeError', () => {
    assert.throws(() => openDatabase(':memory:', { busyTimeoutMs: -1 }), RangeError)
    assert.throws(() => openDatabase(':memory:', { synchronous: 'SOMETIMES' as never }), RangeError)
    assert.throws(() => openDatabase(':memory:', { migrations: [V2] }), RangeError)
    assert.throws(() => openDatabase(':memory:', { migrations: [{ ...MIGRATIONS[0]!, name: '' }] }), RangeError)
  })

  it('opens ":memory:" migrated, without WAL', () => {
    const db = open(':memory:')
    assert.equal(db.schemaVersion, MIGRATIONS.length)
    assert.equal(pragma(db, 'journal_mode'), 'memory')
  })

  it('MeshDatabase.close() is idempotent', () => {
    const db = openDatabase(':memory:')
    assert.equal(db.isOpen, true)
    db.close()
    db.close()
    assert.equal(db.isOpen, false)
  })

  it('migration 1 accepts exactly the TrustFSM states in its CHECK constraints', () => {
    const db = open(':memory:')
    const insert = db.prepare('INSERT INTO trust_transitions (peer, from_state, to_state, event, reason, cause_msg_ids, at_ms) VALUES (\'p\', ?, ?, \'e\', \'r\', \'[]\', 1)')
    for (const state of TRUST_STATES) insert.run(state, state)
    assert.throws(() => insert.run('friendly', 'trusted'), /CHECK constraint failed/)
    assert.throws(() => insert.run('trusted', 'friendly'), /CHECK constraint failed/)
  })
})

describe('MeshDatabase.transaction()', () => {
  function countRows (db: MeshDatabase): number {
    return Number(db.prepare('SELECT count(*) AS n FROM replay_seen').get()?.n)
  }
  const insertSql = (id: string): string => `INSERT INTO replay_seen VALUES ('s', '${id}', 1)`

  it('MeshDatabase.transaction() commits and returns what fn returns', () => {
    const db = open(':memory:')
    const result = db.transaction(() => {
      db.exec(insertSql('a'))
      return 42
    })
    assert.equal(result, 42)
    assert.equal(countRows(db), 1)
  })

  it('MeshDatabase.transaction() rolls everything back when fn throws', () => {
    const db = open(newPath())
    assert.throws(() => db.transaction(() => {
      db.exec(insertSql('a'))
      db.exec(insertSql('b'))
      throw new Error('boom')
    }), /boom/)
    assert.equal(countRows(db), 0)
    db.transaction(() => { db.exec(insertSql('c')) })
    assert.equal(countRows(db), 1)
  })

  it('MeshDatabase.transaction() nested rolls back only its own work when it throws', () => {
    const db = open(':memory:')
    db.transaction(() => {
      db.exec(insertSql('outer'))
      assert.throws(() => db.transaction(() => {
        db.exec(insertSql('inner'))
        throw new Error('inner')
      }), /inner/)
      db.transaction(() => { db.exec(insertSql('second-inner')) })
    })
    assert.deepEqual(db.prepare('SELECT msg_id FROM replay_seen ORDER BY msg_id').all().map((row) => row.msg_id), ['outer', 'second-inner'])
  })

  it('MeshDatabase.transaction() with synchronous FULL runs at FULL and restores the default after', () => {
    const db = open(newPath())
    const inside = db.transaction(() => pragma(db, 'synchronous'), { synchronous: 'FULL' })
    assert.equal(inside, 2)
    assert.equal(pragma(db, 'synchronous'), 1)
    assert.throws(() => db.transaction(() => { throw new Error('boom') }, { synchronous: 'FULL' }), /boom/)
    assert.equal(pragma(db, 'synchronous'), 1)
  })

  it('MeshDatabase.transaction() refuses a FULL transaction nested in a NORMAL one with StoreTransactionError', () => {
    const db = open(':memory:')
    assert.throws(() => {
      db.transaction(() => {
        db.exec(insertSql('a'))
        db.transaction(() => { db.exec(insertSql('b')) }, { synchronous: 'FULL' })
      })
    }, hasName('StoreTransactionError'))
    assert.equal(countRows(db), 0)
    db.transaction(() => {
      db.transaction(() => { db.exec(insertSql('c')) }, { synchronous: 'FULL' })
    }, { synchronous: 'FULL' })
    assert.equal(countRows(db), 1)
  })

  it('MeshDatabase.transaction() rolls back and throws TypeError when fn is async', () => {
    const db = open(':memory:')
    assert.throws(() => db.transaction(async () => {
      db.exec(insertSql('a'))
      await Promise.resolve()
    }), TypeError)
    assert.equal(countRows(db), 0)
  })
})
