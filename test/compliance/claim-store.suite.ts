/**
 * Compliance of the `ClaimStore` port (src/runtime/knowledge/claim-store.ts): every
 * implementation round-trips claims with their verdicts, enters accepted claims in
 * causal memory once, marks retractions without deleting, and keeps decisions.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ClaimStore } from '../../src/runtime/knowledge/claim-store.ts'
import type { ClaimRecord } from '../../src/runtime/knowledge/types.ts'

/** A claim record with the given id and status. */
export function claimFixture (id: string, status: ClaimRecord['status'] = 'pending', sinceMs = 1000): ClaimRecord {
  return {
    id,
    statement: `statement ${id}`,
    domain: 'test',
    proposer: 'a'.repeat(64),
    proposeMsgId: '11111111-1111-4111-8111-111111111111',
    fact: { statement: `statement ${id}`, domain: 'test', confidence: 0.5, sources: ['https://example.org'], context: 'ctx' },
    dmpTrace: { decision_id: 'd', steps: ['s'], counterfactuals: [], evidence: [] },
    causalLinks: [],
    firstSeenAtMs: 500,
    verdicts: [{ from: 'b'.repeat(64), kind: 'confirm', msgId: '22222222-2222-4222-8222-222222222222', atMs: 600 }],
    status,
    statusReason: 'test',
    statusSinceMs: sinceMs,
    wasEverAccepted: status === 'accepted'
  }
}

/** Runs the suite against stores made by `makeStore`. */
export function claimStoreCompliance (name: string, makeStore: () => ClaimStore): void {
  describe(`ClaimStore compliance: ${name}`, () => {
    it('round-trips a claim with its verdicts and replaces it on save', () => {
      const store = makeStore()
      const claim = claimFixture('c1'.repeat(32))
      store.saveClaim(claim)
      assert.deepEqual(store.loadClaims(), [claim])
      store.saveClaim({ ...claim, verdicts: [] })
      assert.deepEqual(store.loadClaims()[0]?.verdicts, [])
    })

    it('enters an accepted claim in causal memory once, and marks a retraction without deleting', () => {
      const store = makeStore()
      const id = 'c2'.repeat(32)
      store.recordStatus(claimFixture(id, 'accepted', 2000), 'accepted')
      store.recordStatus(claimFixture(id, 'accepted', 2500), 'accepted')
      assert.deepEqual(store.causalMemory().map((entry) => [entry.claimId, entry.acceptedAtMs, entry.retractedAtMs]), [[id, 2000, null]])
      store.recordStatus(claimFixture(id, 'disputed', 3000), 'retracted')
      assert.deepEqual(store.causalMemory().map((entry) => [entry.claimId, entry.retractedAtMs]), [[id, 3000]])
      assert.equal(store.loadClaims()[0]?.status, 'disputed')
    })

    it('keeps decisions once per msg_id, newest last, and honours the limit', () => {
      const store = makeStore()
      for (let i = 1; i <= 3; i++) store.saveDecision({ msgId: `m${i}`, from: 'a'.repeat(64), decision: { choice: `c${i}` }, dmpTrace: { steps: [] }, retrospective: '', atMs: i })
      store.saveDecision({ msgId: 'm1', from: 'a'.repeat(64), decision: { choice: 'other' }, dmpTrace: {}, retrospective: '', atMs: 9 })
      assert.deepEqual(store.listDecisions().map((decision) => decision.msgId), ['m1', 'm2', 'm3'])
      assert.deepEqual(store.listDecisions(2).map((decision) => decision.msgId), ['m2', 'm3'])
      assert.deepEqual(store.listDecisions(0), [])
      assert.deepEqual(store.listDecisions(1)[0]?.decision, { choice: 'c3' })
    })

    it('returns copies, never its own state', () => {
      const store = makeStore()
      store.saveClaim(claimFixture('c3'.repeat(32)))
      const [loaded] = store.loadClaims()
      if (loaded !== undefined) loaded.status = 'rejected'
      assert.equal(store.loadClaims()[0]?.status, 'pending')
    })
  })
}
