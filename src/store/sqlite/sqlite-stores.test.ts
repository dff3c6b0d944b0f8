import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fullPeerRow, peerStoreCompliance, sparsePeerRow, transition } from '../../../test/compliance/peer-store.suite.ts'
import { replayStoreCompliance } from '../../../test/compliance/replay-store.suite.ts'
import { StoreRowError } from '../errors.ts'
import { openDatabase } from './database.ts'
import type { MeshDatabase, SynchronousMode } from './database.ts'
import { createSqlitePeerStore } from './sqlite-peer-store.ts'
import { createSqliteReplayStore } from './sqlite-replay-store.ts'

const root = await mkdtemp(join(tmpdir(), 'web4mesh-store-'))
const opened: MeshDatabase[] = []
let fileCount = 0

function track (db: MeshDatabase): MeshDatabase {
  opened.push(db)
  return db
}

function freshFileDatabase (): MeshDatabase {
  fileCount += 1
  return track(openDatabase(join(root, `db-${fileCount}`, 'mesh.db')))
}

after(async () => {
  for (const db of opened) db.close()
  await rm(root, { recursive: true, force: true })
})

peerStoreCompliance('sqlite file', () => createSqlitePeerStore(freshFileDatabase()))
replayStoreCompliance('sqlite file', () => createSqliteReplayStore(freshFileDatabase()))
peerStoreCompliance('sqlite :memory:', () => createSqlitePeerStore(track(openDatabase(':memory:'))))
replayStoreCompliance('sqlite :memory:', () => createSqliteReplayStore(track(openDatabase(':memory:'))))

function synchronousOf (db: MeshDatabase): number {
  return Number(db.prepare('PRAGMA synchronous').get()?.synchronous)
}

describe('SQLite stores', () => {
  it('keeps peers, transitions and replay entries across close and reopen of the same file', () => {
    const path = join(root, 'reopen', 'mesh.db')
    const first = openDatabase(path)
    createSqlitePeerStore(first).savePeer(sparsePeerRow())
    createSqlitePeerStore(first).recordTransition(transition(), fullPeerRow())
    createSqliteReplayStore(first).record({ sender: 'a'.repeat(64), msgId: 'm1', expiresAt: 5_000 })
    first.close()
    const second = track(openDatabase(path))
    const peers = createSqlitePeerStore(second)
    assert.deepEqual(peers.loadPeers(), [fullPeerRow(), sparsePeerRow()])
    assert.deepEqual(peers.listTransitions(), [transition()])
    assert.deepEqual(createSqliteReplayStore(second).load(0), [{ sender: 'a'.repeat(64), msgId: 'm1', expiresAt: 5_000 }])
  })

  it('PeerStore.recordTransition() commits with synchronous=FULL and restores NORMAL after', () => {
    const db = freshFileDatabase()
    const seen: Array<SynchronousMode | undefined> = []
    const inside: number[] = []
    const spy: MeshDatabase = {
      path: db.path,
      schemaVersion: db.schemaVersion,
      isOpen: true,
      prepare: (sql) => db.prepare(sql),
      exec: (sql) => { db.exec(sql) },
      transaction: (fn, options) => {
        seen.push(options?.synchronous)
        return db.transaction(() => {
          inside.push(synchronousOf(db))
          return fn()
        }, options)
      },
      close: () => { db.close() },
      [Symbol.dispose]: () => { db.close() }
    }
    createSqlitePeerStore(spy).recordTransition(transition(), fullPeerRow())
    assert.deepEqual(seen, ['FULL'])
    assert.deepEqual(inside, [2])
    assert.equal(synchronousOf(db), 1)
  })

  it('PeerStore.recordTransition() rolls the transition back when saving the row fails', () => {
    const db = freshFileDatabase()
    const store = createSqlitePeerStore(db)
    store.savePeer(fullPeerRow({ trust: 'probing' }))
    db.exec('CREATE TEMP TRIGGER refuse_peer BEFORE UPDATE ON main.peers BEGIN SELECT RAISE(ABORT, \'refused\'); END')
    assert.throws(() => { store.recordTransition(transition(), fullPeerRow()) }, /refused/)
    db.exec('DROP TRIGGER refuse_peer')
    assert.deepEqual(store.listTransitions(), [])
    assert.deepEqual(store.loadPeers(), [fullPeerRow({ trust: 'probing' })])
  })

  it('MeshDatabase.transaction() that throws rolls back a recordTransition() inside it', () => {
    const db = freshFileDatabase()
    const store = createSqlitePeerStore(db)
    assert.throws(() => db.transaction(() => {
      store.recordTransition(transition(), fullPeerRow())
      throw new Error('boom')
    }, { synchronous: 'FULL' }), /boom/)
    assert.deepEqual(store.listTransitions(), [])
    assert.deepEqual(store.loadPeers(), [])
  })

  describe('damaged rows raise StoreRowError', () => {
    const peerColumns = 'fingerprint, agent_id, pubkey, addresses, trust, is_pinned, capabilities, first_seen_ms'
    const cases: Array<[string, string, string]> = [
      ['presence', `INSERT INTO peers (${peerColumns}, presence) VALUES ('p', 'x', 'k', '[]', 'trusted', 0, '[]', 1, 'asleep')`, 'peers'],
      ['addresses', `INSERT INTO peers (${peerColumns}) VALUES ('p', 'x', 'k', '["ok", 1]', 'trusted', 0, '[]', 1)`, 'peers'],
      ['rtt', `INSERT INTO peers (${peerColumns}, rtt) VALUES ('p', 'x', 'k', '[]', 'trusted', 0, '[]', 1, '{"smoothedMs": 1}')`, 'peers'],
      ['capabilities', `PRAGMA ignore_check_constraints = ON; INSERT INTO peers (${peerColumns}) VALUES ('p', 'x', 'k', '[]', 'trusted', 0, 'not json', 1)`, 'peers'],
      ['trust', `PRAGMA ignore_check_constraints = ON; INSERT INTO peers (${peerColumns}) VALUES ('p', 'x', 'k', '[]', 'friendly', 0, '[]', 1)`, 'peers'],
      ['causeMsgIds', 'INSERT INTO trust_transitions (peer, from_state, to_state, event, reason, cause_msg_ids, at_ms) VALUES (\'p\', \'unknown\', \'probing\', \'e\', \'r\', \'[{}]\', 1)', 'trust_transitions'],
      ['sender', 'INSERT INTO replay_seen (sender, msg_id, expires_at_ms) VALUES (\'\', \'m\', 10)', 'replay_seen']
    ]
    for (const [field, sql, table] of cases) {
      it(`reading ${table} raises StoreRowError naming "${field}"`, () => {
        const db = track(openDatabase(':memory:'))
        db.exec(sql)
        const read = table === 'peers'
          ? () => createSqlitePeerStore(db).loadPeers()
          : table === 'trust_transitions' ? () => createSqlitePeerStore(db).listTransitions() : () => createSqliteReplayStore(db).load(0)
        assert.throws(read, (err: unknown) => err instanceof StoreRowError && err.table === table && err.field === field)
      })
    }
  })
})
