/**
 * The `PeerStore` contract (src/mesh/peers/peer-store.ts), run against every
 * implementation: `peerStoreCompliance('sqlite', () => createSqlitePeerStore(db))`.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PeerRow, PeerStore, TrustTransitionRecord } from '../../src/mesh/peers/peer-store.ts'
import { TRUST_STATES } from '../../src/protocol/trust/index.ts'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)

/** A peer with every field set; `overrides` replace fields. */
export function fullPeerRow (overrides: Partial<PeerRow> = {}): PeerRow {
  return {
    fingerprint: A,
    agentId: 'alice',
    pubkey: 'MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=',
    peerId: '12D3KooWGzh8f8pDCXnh7vBkUvEtZRaH2BmbsUSVX4ra3AaM8fh4',
    addresses: ['/ip4/127.0.0.1/tcp/4701', '/ip6/::1/tcp/4701'],
    trust: 'trusted',
    isPinned: true,
    untrustedSinceMs: 1_700_000_000_000,
    capabilities: ['cip/1', 'hcp/1', 'lip/1'],
    firstSeenMs: 1_700_000_000_123,
    lastSeenMs: 1_700_000_999_999,
    rtt: { smoothedMs: 12.375, minMs: 3.25, p50Ms: 11, p95Ms: 40.5, lastMs: 9.125, samples: 42 },
    presence: 'focused',
    lri: 0.73,
    ...overrides
  }
}

/** A peer with every nullable field null and empty lists. */
export function sparsePeerRow (overrides: Partial<PeerRow> = {}): PeerRow {
  return {
    fingerprint: B,
    agentId: 'bob',
    pubkey: 'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=',
    peerId: null,
    addresses: [],
    trust: 'unknown',
    isPinned: false,
    untrustedSinceMs: null,
    capabilities: [],
    firstSeenMs: 0,
    lastSeenMs: null,
    rtt: null,
    presence: null,
    lri: null,
    ...overrides
  }
}

/** A transition of peer A; `overrides` replace fields. */
export function transition (overrides: Partial<TrustTransitionRecord> = {}): TrustTransitionRecord {
  return {
    peer: A,
    from: 'probing',
    to: 'trusted',
    event: 'knowledge_verified',
    reason: 'verified knowledge (SPEC §6) — «ok»',
    causeMsgIds: ['4d5c1f0e-8a9b-4c3d-9e2f-1a2b3c4d5e6f', '9f8e7d6c-5b4a-4321-8fed-cba987654321'],
    at: 1_700_000_500_000,
    ...overrides
  }
}

function byFingerprint (rows: PeerRow[]): PeerRow[] {
  return [...rows].sort((x, y) => x.fingerprint < y.fingerprint ? -1 : 1)
}

/** Registers the `PeerStore` compliance tests; `makeStore` returns a new, empty store each call. */
export function peerStoreCompliance (name: string, makeStore: () => PeerStore): void {
  describe(`PeerStore compliance: ${name}`, () => {
    describe('savePeer() and loadPeers()', () => {
      it('PeerStore.loadPeers() returns nothing when the store is new', () => {
        const store = makeStore()
        assert.deepEqual(store.loadPeers(), [])
        assert.deepEqual(store.listTransitions(), [])
      })

      it('PeerStore.savePeer() round-trips every field when all are set', () => {
        const store = makeStore()
        store.savePeer(fullPeerRow())
        assert.deepEqual(store.loadPeers(), [fullPeerRow()])
      })

      it('PeerStore.savePeer() round-trips nulls, empty lists and false', () => {
        const store = makeStore()
        store.savePeer(sparsePeerRow())
        assert.deepEqual(store.loadPeers(), [sparsePeerRow()])
      })

      it('PeerStore.savePeer() round-trips every trust state and non-ASCII text', () => {
        const store = makeStore()
        const rows = TRUST_STATES.map((trust, i) => sparsePeerRow({ fingerprint: String(i).repeat(64), trust, agentId: `agent-${trust}-ünï 🛰` }))
        for (const row of rows) store.savePeer(row)
        assert.deepEqual(byFingerprint(store.loadPeers()), byFingerprint(rows))
      })

      it('PeerStore.savePeer() replaces the row of the same fingerprint, nulls included', () => {
        const store = makeStore()
        store.savePeer(fullPeerRow())
        store.savePeer(sparsePeerRow())
        const replacement = sparsePeerRow({ fingerprint: A, agentId: 'alice-2', addresses: ['/dns4/x/tcp/1'] })
        store.savePeer(replacement)
        assert.deepEqual(byFingerprint(store.loadPeers()), [replacement, sparsePeerRow()])
      })

      it('PeerStore.savePeer() keeps only the PeerRow fields of what it is given', () => {
        const store = makeStore()
        store.savePeer({ ...fullPeerRow(), extra: 'not a column' } as PeerRow)
        assert.deepEqual(store.loadPeers(), [fullPeerRow()])
      })

      it('PeerStore.savePeer() refuses a row of the wrong shape with a TypeError and stores nothing', () => {
        const store = makeStore()
        const bad: Array<Record<string, unknown>> = [
          { trust: 'friendly' }, { addresses: '/ip4/1.2.3.4' }, { capabilities: [1] }, { firstSeenMs: 1.5 },
          { lastSeenMs: Number.NaN }, { presence: 'asleep' }, { rtt: { smoothedMs: 1 } }, { isPinned: 1 },
          { fingerprint: '' }, { lri: Number.POSITIVE_INFINITY }, { peerId: undefined }
        ]
        for (const overrides of bad) {
          assert.throws(() => { store.savePeer(fullPeerRow(overrides)) }, TypeError, JSON.stringify(overrides))
        }
        assert.deepEqual(store.loadPeers(), [])
      })
    })

    describe('copies', () => {
      it('PeerStore.loadPeers() returns copies: changing them changes nothing stored', () => {
        const store = makeStore()
        store.savePeer(fullPeerRow())
        const [loaded] = store.loadPeers()
        loaded!.addresses.push('/ip4/6.6.6.6/tcp/1')
        loaded!.capabilities.length = 0
        loaded!.rtt!.smoothedMs = 999
        loaded!.trust = 'blacklisted'
        assert.deepEqual(store.loadPeers(), [fullPeerRow()])
      })

      it('PeerStore.savePeer() copies its input: changing it afterwards changes nothing stored', () => {
        const store = makeStore()
        const row = fullPeerRow()
        store.savePeer(row)
        row.addresses.push('/ip4/6.6.6.6/tcp/1')
        row.rtt!.samples = 0
        row.agentId = 'mallory'
        assert.deepEqual(store.loadPeers(), [fullPeerRow()])
      })

      it('PeerStore.listTransitions() and recordTransition() hand out and keep copies', () => {
        const store = makeStore()
        const record = transition()
        const row = fullPeerRow()
        store.recordTransition(record, row)
        record.causeMsgIds.push('forged')
        row.capabilities.push('forged')
        const [listed] = store.listTransitions()
        listed!.causeMsgIds.length = 0
        listed!.reason = 'changed'
        assert.deepEqual(store.listTransitions(), [transition()])
        assert.deepEqual(store.loadPeers(), [fullPeerRow()])
      })
    })

    describe('recordTransition()', () => {
      it('PeerStore.recordTransition() appends the transition and saves the row together', () => {
        const store = makeStore()
        store.savePeer(fullPeerRow({ trust: 'probing' }))
        store.recordTransition(transition(), fullPeerRow())
        assert.deepEqual(store.listTransitions(), [transition()])
        assert.deepEqual(store.loadPeers(), [fullPeerRow()])
      })

      it('PeerStore.recordTransition() saves a peer that was not stored before', () => {
        const store = makeStore()
        const record = transition({ peer: B, from: 'unknown', to: 'probing', causeMsgIds: [] })
        store.recordTransition(record, sparsePeerRow({ trust: 'probing' }))
        assert.deepEqual(store.listTransitions(), [record])
        assert.deepEqual(store.loadPeers(), [sparsePeerRow({ trust: 'probing' })])
      })

      it('PeerStore.recordTransition() writes neither part when either is invalid', () => {
        const store = makeStore()
        store.savePeer(fullPeerRow({ trust: 'probing' }))
        assert.throws(() => { store.recordTransition(transition(), fullPeerRow({ trust: 'bogus' as never })) }, TypeError)
        assert.throws(() => { store.recordTransition(transition({ to: 'bogus' as never }), fullPeerRow()) }, TypeError)
        assert.throws(() => { store.recordTransition(transition({ at: Number.NaN }), fullPeerRow()) }, TypeError)
        assert.deepEqual(store.listTransitions(), [])
        assert.deepEqual(store.loadPeers(), [fullPeerRow({ trust: 'probing' })])
      })

      it('PeerStore.recordTransition() refuses a row of another peer with a RangeError and writes nothing', () => {
        const store = makeStore()
        assert.throws(() => { store.recordTransition(transition({ peer: A }), sparsePeerRow()) }, RangeError)
        assert.deepEqual(store.listTransitions(), [])
        assert.deepEqual(store.loadPeers(), [])
      })
    })

    describe('listTransitions()', () => {
      function storeWithHistory (): { store: PeerStore, records: TrustTransitionRecord[] } {
        const store = makeStore()
        const peers = [A, B, A, C, A, B, A]
        // `at` deliberately not increasing: the order is the order of recording.
        const records = peers.map((peer, i) => transition({ peer, at: 1_000 + ((i * 7) % 5), event: `event-${i}` }))
        for (const record of records) store.recordTransition(record, sparsePeerRow({ fingerprint: record.peer, trust: record.to }))
        return { store, records }
      }

      it('PeerStore.listTransitions() returns every transition oldest first, in the order recorded', () => {
        const { store, records } = storeWithHistory()
        assert.deepEqual(store.listTransitions(), records)
        assert.deepEqual(store.listTransitions({}), records)
      })

      it('PeerStore.listTransitions() returns only the given peer\'s when peer is set', () => {
        const { store, records } = storeWithHistory()
        assert.deepEqual(store.listTransitions({ peer: A }), records.filter((record) => record.peer === A))
        assert.deepEqual(store.listTransitions({ peer: C }), records.filter((record) => record.peer === C))
        assert.deepEqual(store.listTransitions({ peer: 'f'.repeat(64) }), [])
      })

      it('PeerStore.listTransitions() returns the newest limit, oldest first, when limit is set', () => {
        const { store, records } = storeWithHistory()
        assert.deepEqual(store.listTransitions({ limit: 3 }), records.slice(-3))
        assert.deepEqual(store.listTransitions({ limit: 1 }), records.slice(-1))
        assert.deepEqual(store.listTransitions({ limit: 100 }), records)
        assert.deepEqual(store.listTransitions({ limit: 0 }), [])
      })

      it('PeerStore.listTransitions() applies limit after the peer filter', () => {
        const { store, records } = storeWithHistory()
        assert.deepEqual(store.listTransitions({ peer: A, limit: 2 }), records.filter((record) => record.peer === A).slice(-2))
        assert.deepEqual(store.listTransitions({ peer: B, limit: 5 }), records.filter((record) => record.peer === B))
      })

      it('PeerStore.listTransitions() keeps a long history in order', () => {
        const store = makeStore()
        const records = Array.from({ length: 300 }, (_, i) => transition({ at: i, event: `e${i}`, causeMsgIds: [`m${i}`] }))
        for (const record of records) store.recordTransition(record, fullPeerRow({ lastSeenMs: record.at }))
        assert.deepEqual(store.listTransitions(), records)
        assert.deepEqual(store.listTransitions({ limit: 10 }), records.slice(-10))
        assert.deepEqual(store.loadPeers(), [fullPeerRow({ lastSeenMs: 299 })])
      })

      it('PeerStore.listTransitions() refuses a limit that is not a non-negative integer with a RangeError', () => {
        const store = makeStore()
        for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          assert.throws(() => store.listTransitions({ limit }), RangeError, String(limit))
        }
      })
    })
  })
}
