// The link-state database: each outcome row by row, withdrawal and resurrection,
// conflicts, the origin cap (fail closed) and ageing, plus a model-based property.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { LSA_MAX_AGE_MS, LSDB_MAX_ORIGINS } from './constants.ts'
import type { Lsa } from './lsa.ts'
import { LinkStateDatabase } from './lsdb.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 200 }
const ALICE = 'a1'.repeat(32)
const BOB = 'b2'.repeat(32)

/** An LSA-shaped value: the database trusts its input, so nothing here is signed. */
function lsaOf (origin: string, seq: number, options: { withdrawn?: boolean, rttMs?: number } = {}): Lsa {
  return {
    lsa: '1.0',
    origin,
    agent_id: `agent-${origin.slice(0, 4)}`,
    pubkey: `${'A'.repeat(43)}=`,
    seq,
    created_at: '2026-11-26T04:00:00.000Z',
    addresses: [],
    neighbours: [{ fingerprint: BOB, rtt_ms: options.rttMs ?? 5, trust: 'trusted' }],
    withdrawn: options.withdrawn ?? false,
    sign: { algo: 'ed25519', signature: `${'A'.repeat(86)}==` }
  }
}

describe('LinkStateDatabase.accept()', () => {
  it('LinkStateDatabase.accept() stores a new origin, replaces it on a higher seq, ignores a lower one', () => {
    const db = new LinkStateDatabase()
    const first = lsaOf(ALICE, 5)
    assert.deepEqual(db.accept(first, 0), { outcome: 'new' })
    assert.equal(db.get(ALICE), first)
    assert.equal(db.size, 1)
    const second = lsaOf(ALICE, 6, { rttMs: 9 })
    assert.deepEqual(db.accept(second, 10), { outcome: 'updated', previous: first })
    assert.equal(db.get(ALICE), second)
    assert.deepEqual(db.accept(first, 20), { outcome: 'stale', previous: second })
    assert.equal(db.get(ALICE), second)
    assert.deepEqual(db.entries(), [{ lsa: second, receivedAtMs: 10 }])
  })

  it('LinkStateDatabase.accept() calls the same seq and content a duplicate, and does not refresh its age', () => {
    const db = new LinkStateDatabase({ maxAgeMs: 100 })
    db.accept(lsaOf(ALICE, 5), 0)
    const copy = lsaOf(ALICE, 5)
    assert.deepEqual(db.accept(copy, 90), { outcome: 'duplicate', previous: lsaOf(ALICE, 5) })
    assert.deepEqual(db.entries()[0]?.receivedAtMs, 0)
    assert.deepEqual(db.prune(101), [ALICE])
  })

  it('LinkStateDatabase.accept() reports the same seq with other content as a conflict and keeps the first', () => {
    const db = new LinkStateDatabase()
    const first = lsaOf(ALICE, 5)
    db.accept(first, 0)
    const other = lsaOf(ALICE, 5, { rttMs: 1 })
    assert.deepEqual(db.accept(other, 1), { outcome: 'conflict', previous: first })
    assert.equal(db.get(ALICE), first)
    // The signature alone does not make a conflict: only the signed content counts.
    const resigned = { ...first, sign: { algo: 'ed25519', signature: `${'B'.repeat(86)}==` } } as const
    assert.equal(db.accept(resigned, 2).outcome, 'duplicate')
  })

  it('LinkStateDatabase.accept() removes a withdrawn origin and remembers its seq until it ages out', () => {
    const db = new LinkStateDatabase({ maxAgeMs: 1000 })
    const live = lsaOf(ALICE, 5)
    db.accept(live, 0)
    const withdrawal = lsaOf(ALICE, 6, { withdrawn: true })
    assert.deepEqual(db.accept(withdrawal, 100), { outcome: 'withdrawn', previous: live })
    assert.equal(db.get(ALICE), undefined)
    assert.equal(db.size, 0)
    assert.deepEqual(db.entries(), [])
    // An older LSA still being flooded cannot bring it back.
    assert.deepEqual(db.accept(live, 200), { outcome: 'stale', previous: withdrawal })
    assert.equal(db.get(ALICE), undefined)
    // A newer one can: the origin came back.
    const back = lsaOf(ALICE, 7)
    assert.deepEqual(db.accept(back, 300), { outcome: 'new', previous: withdrawal })
    assert.equal(db.get(ALICE), back)
  })

  it('LinkStateDatabase.accept() lets an old LSA in again once the withdrawal aged out', () => {
    const db = new LinkStateDatabase({ maxAgeMs: 1000 })
    db.accept(lsaOf(ALICE, 6, { withdrawn: true }), 0)
    assert.equal(db.accept(lsaOf(ALICE, 5), 500).outcome, 'stale')
    assert.deepEqual(db.prune(1001), [], 'a withdrawal ageing out changes no route')
    assert.equal(db.accept(lsaOf(ALICE, 5), 1002).outcome, 'new')
  })

  it('LinkStateDatabase.accept() records a withdrawal of an origin it never held', () => {
    const db = new LinkStateDatabase()
    assert.deepEqual(db.accept(lsaOf(ALICE, 3, { withdrawn: true }), 0), { outcome: 'withdrawn' })
    assert.equal(db.size, 0)
    assert.equal(db.accept(lsaOf(ALICE, 2), 1).outcome, 'stale')
    assert.equal(db.accept(lsaOf(ALICE, 4, { withdrawn: true }), 2).outcome, 'withdrawn')
  })

  it('LinkStateDatabase.accept() refuses a new origin when full, counting withdrawals, and evicts nothing', () => {
    const db = new LinkStateDatabase({ maxOrigins: 3, maxAgeMs: 1000 })
    const origins = ['01', '02', '03', '04'].map((prefix) => prefix.repeat(32))
    db.accept(lsaOf(origins[0]!, 1), 0)
    db.accept(lsaOf(origins[1]!, 1), 0)
    db.accept(lsaOf(origins[2]!, 1, { withdrawn: true }), 500)
    assert.deepEqual(db.accept(lsaOf(origins[3]!, 1), 600), { outcome: 'full' })
    assert.equal(db.get(origins[3]!), undefined)
    assert.equal(db.size, 2)
    // Held origins still update when full.
    assert.equal(db.accept(lsaOf(origins[0]!, 2), 600).outcome, 'updated')
    assert.deepEqual(db.prune(1001), [origins[1]])
    assert.equal(db.accept(lsaOf(origins[3]!, 1), 1001).outcome, 'new')
    assert.equal(db.accept(lsaOf('05'.repeat(32), 1), 1001).outcome, 'full')
  })
})

describe('LinkStateDatabase.prune()', () => {
  it('LinkStateDatabase.prune() drops LSAs received more than maxAgeMs ago and returns their origins', () => {
    const db = new LinkStateDatabase()
    db.accept(lsaOf(ALICE, 1), 1000)
    db.accept(lsaOf(BOB, 1), 2000)
    assert.deepEqual(db.prune(1000 + LSA_MAX_AGE_MS), [])
    assert.deepEqual(db.prune(1001 + LSA_MAX_AGE_MS), [ALICE])
    assert.equal(db.get(ALICE), undefined)
    assert.equal(db.size, 1)
    assert.deepEqual(db.prune(1_000_000), [BOB])
    assert.equal(db.size, 0)
  })
})

describe('new LinkStateDatabase()', () => {
  it('new LinkStateDatabase() defaults to DESIGN §6 and refuses bad options with RangeError', () => {
    const db = new LinkStateDatabase()
    for (let i = 0; i < LSDB_MAX_ORIGINS; i++) assert.equal(db.accept(lsaOf(i.toString(16).padStart(64, '0'), 1), 0).outcome, 'new')
    assert.equal(db.accept(lsaOf(ALICE, 1), 0).outcome, 'full')
    for (const init of [{ maxOrigins: 0 }, { maxOrigins: 1.5 }, { maxAgeMs: 0 }, { maxAgeMs: Number.NaN }]) {
      assert.throws(() => new LinkStateDatabase(init), RangeError)
    }
  })
})

describe('LinkStateDatabase (model)', () => {
  it('LinkStateDatabase holds, per origin, the highest seq it accepted, live unless withdrawn (property)', () => {
    const origins = ['01', '02', '03'].map((prefix) => prefix.repeat(32))
    const step = fc.record({
      origin: fc.constantFrom(...origins),
      seq: fc.integer({ min: 1, max: 6 }),
      withdrawn: fc.boolean(),
      rttMs: fc.constantFrom(1, 2)
    })
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const db = new LinkStateDatabase()
      const model = new Map<string, Lsa>()
      for (const { origin, seq, withdrawn, rttMs } of steps) {
        const lsa = lsaOf(origin, seq, { withdrawn, rttMs })
        const held = model.get(origin)
        const { outcome } = db.accept(lsa, 0)
        if (held === undefined || seq > held.seq) {
          model.set(origin, lsa)
          assert.ok(['new', 'updated', 'withdrawn'].includes(outcome))
          assert.equal(outcome === 'withdrawn', withdrawn)
        } else if (seq < held.seq) {
          assert.equal(outcome, 'stale')
        } else {
          assert.equal(outcome, held.neighbours[0]?.rtt_ms === rttMs && held.withdrawn === withdrawn ? 'duplicate' : 'conflict')
        }
      }
      const live = [...model.values()].filter((lsa) => !lsa.withdrawn)
      assert.equal(db.size, live.length)
      assert.deepEqual(db.entries().map((entry) => entry.lsa).sort((a, b) => a.origin.localeCompare(b.origin)), live.sort((a, b) => a.origin.localeCompare(b.origin)))
      for (const origin of origins) assert.equal(db.get(origin), model.get(origin)?.withdrawn === false ? model.get(origin) : undefined)
    }), PROPERTY_OPTIONS)
  })
})
