import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { LSA_SEQUENCE_NAME } from '../../src/mesh/link-state/link-state-service.ts'
import { createSqliteSequenceStore, openDatabase } from '../../src/store/index.ts'
import { DATABASE_FILE, snapshotDatabase } from './crash-snapshot.ts'

let root: string
before(async () => { root = await mkdtemp(join(tmpdir(), 'web4mesh-snapshot-test-')) })
after(async () => { await rm(root, { recursive: true, force: true }) })

describe('snapshotDatabase()', () => {
  it('snapshotDatabase() reads quick_check and the LSA sequence from a copy, including what is still only in the WAL, and leaves the files alone', async () => {
    const dataDir = join(root, 'open')
    const db = openDatabase(join(dataDir, DATABASE_FILE))
    const sequences = createSqliteSequenceStore(db)
    for (let i = 0; i < 7; i++) sequences.next(LSA_SEQUENCE_NAME)
    // Still open, as a killed node leaves it: the commits sit in mesh.db-wal.
    const walBefore = await readFile(join(dataDir, `${DATABASE_FILE}-wal`))
    assert.ok(walBefore.length > 0, 'the commits are in the WAL, not yet in mesh.db')
    const snapshot = await snapshotDatabase(dataDir)
    assert.deepEqual(snapshot.quickCheck, ['ok'])
    assert.equal(snapshot.lsaSequence, 7)
    assert.deepEqual(snapshot.rows, { peers: 0, trustTransitions: 0, claims: 0 })
    assert.deepEqual(await readFile(join(dataDir, `${DATABASE_FILE}-wal`)), walBefore, 'the original WAL is untouched')
    db.close()
  })

  it('snapshotDatabase() reports a damaged file instead of an ok', async () => {
    const dataDir = join(root, 'damaged')
    const db = openDatabase(join(dataDir, DATABASE_FILE))
    createSqliteSequenceStore(db).next(LSA_SEQUENCE_NAME)
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
    db.close()
    const path = join(dataDir, DATABASE_FILE)
    const bytes = await readFile(path)
    // Overwrite every page after the header page: the schema points at pages of garbage.
    bytes.fill(0xa5, 4096, (await stat(path)).size)
    await writeFile(path, bytes)
    const outcome = await snapshotDatabase(dataDir).then((snapshot) => snapshot.quickCheck, (err: unknown) => [(err as Error).message])
    assert.notDeepEqual(outcome, ['ok'])
  })
})
