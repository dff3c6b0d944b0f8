import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { sequenceStoreCompliance } from '../../test/compliance/sequence-store.suite.ts'
import { createMemorySequenceStore, createSqliteSequenceStore, openDatabase } from './index.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-sequences-'))
const opened: Array<{ close: () => void }> = []
after(async () => {
  for (const db of opened) db.close()
  await rm(root, { recursive: true, force: true })
})

let counter = 0
sequenceStoreCompliance('memory', createMemorySequenceStore)
sequenceStoreCompliance('sqlite', () => {
  const db = openDatabase(join(root, `s${counter++}.db`))
  opened.push(db)
  return createSqliteSequenceStore(db)
})

describe('SqliteSequenceStore', () => {
  it('keeps increasing across a close and reopen of the same file', () => {
    const path = join(root, 'restart.db')
    const first = openDatabase(path)
    createSqliteSequenceStore(first).next('lsa')
    createSqliteSequenceStore(first).next('lsa')
    first.close()
    const second = openDatabase(path)
    opened.push(second)
    assert.equal(createSqliteSequenceStore(second).next('lsa'), 3)
  })
})
