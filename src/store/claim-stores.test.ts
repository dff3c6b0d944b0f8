import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { claimFixture, claimStoreCompliance } from '../../test/compliance/claim-store.suite.ts'
import { createMemoryClaimStore, createSqliteClaimStore, openDatabase } from './index.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-claims-'))
const opened: Array<{ close: () => void }> = []
after(async () => {
  for (const db of opened) db.close()
  await rm(root, { recursive: true, force: true })
})

let counter = 0
claimStoreCompliance('memory', createMemoryClaimStore)
claimStoreCompliance('sqlite', () => {
  const db = openDatabase(join(root, `c${counter++}.db`))
  opened.push(db)
  return createSqliteClaimStore(db)
})

describe('SqliteClaimStore', () => {
  it('keeps accepted claims and causal memory across a close and reopen', () => {
    const path = join(root, 'restart.db')
    const first = openDatabase(path)
    createSqliteClaimStore(first).recordStatus(claimFixture('d1'.repeat(32), 'accepted', 5000), 'accepted')
    first.close()
    const second = openDatabase(path)
    opened.push(second)
    const store = createSqliteClaimStore(second)
    assert.equal(store.loadClaims()[0]?.status, 'accepted')
    assert.equal(store.causalMemory()[0]?.acceptedAtMs, 5000)
  })
})
