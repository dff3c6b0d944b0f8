import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { LIP_TRUST_TIERS } from '../../protocol/envelope/types.ts'
import type { LipEvidencePayload, LipTrustTier, SourceBlock } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { evidenceIdOf } from './evidence-id.ts'
import { LiminalQueue } from './lip-queue.ts'
import type { EvaluationContext, LiminalQueueInit, LipMessage } from './lip-queue.ts'
import { SourceTierTable } from './source-tiers.ts'
import { isTierAtLeast } from './tier-order.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 300 }
const NOW = Date.UTC(2026, 10, 26, 12)
const RETRIEVED_AT = '2026-11-26T11:00:00Z'
const AT: EvaluationContext = { nowMs: NOW, isLocallyOverloaded: false }
const OVERLOADED: EvaluationContext = { nowMs: NOW, isLocallyOverloaded: true }

const HIGH_URI = 'https://who.int/boiling'
const LOW_URI = 'https://blog.example.org/boiling'
const BLOCKED_URI = 'https://spam.test/boiling'

interface Harness {
  queue: LiminalQueue
  trust: Map<string, TrustState>
  tiers: SourceTierTable
}

function harness (init?: LiminalQueueInit): Harness {
  const trust = new Map<string, TrustState>([['p', 'probing'], ['t1', 'trusted'], ['t2', 'trusted'], ['t3', 'trusted'], ['q', 'probing'], ['u', 'untrusted'], ['x', 'blacklisted']])
  const tiers = new SourceTierTable({ 'who.int': 'high', '*.example.org': 'low', 'spam.test': 'blocked' })
  const queue = new LiminalQueue({ sourceTiers: tiers, trustOf: (fingerprint) => trust.get(fingerprint) ?? 'unknown' }, init)
  return { queue, trust, tiers }
}

const payloadOf = (claim = 'Water boils at 100 °C', overrides: Partial<LipEvidencePayload> = {}): LipEvidencePayload =>
  ({ claims: [claim], evidence: ['table 3'], confidence: 0.8, extraction_notes: 'manual', ...overrides })
const sourceOf = (uri: string, overrides: Partial<SourceBlock> = {}): SourceBlock => ({ uri, trust_tier: 'high', retrieved_at: RETRIEVED_AT, ...overrides })
const evidence = (from: string, uri: string, claim?: string, source: Partial<SourceBlock> = {}): LipMessage<LipEvidencePayload> =>
  ({ from, payload: payloadOf(claim), source: sourceOf(uri, source) })
const accept = (from: string, uri: string, corroborators: string[] = [], refs?: string[]) =>
  ({ from, payload: { decision: 'accept', reason: 'verified', corroborators }, source: sourceOf(uri), ...(refs === undefined ? {} : { refs }) })
const reject = (from: string, uri: string) => ({ from, payload: { decision: 'reject', reason: 'refuted', corroborators: [] }, source: sourceOf(uri) })
const conflict = (from: string, uri: string, refs?: string[]) =>
  ({ from, payload: { conflicts: ['99 °C'], local_refs: [], severity: 'high' as const }, source: sourceOf(uri), ...(refs === undefined ? {} : { refs }) })

describe('LiminalQueue construction', () => {
  const invalid: [string, LiminalQueueInit][] = [['maxItems 0', { maxItems: 0 }], ['maxItems 1.5', { maxItems: 1.5 }], ['maxPeersPerItem -1', { maxPeersPerItem: -1 }], ['maxItems NaN', { maxItems: Number.NaN }]]
  for (const [name, init] of invalid) {
    test(`new LiminalQueue() throws RangeError on ${name}`, () => {
      assert.throws(() => harness(init), (err: unknown) => err instanceof RangeError && /Cannot create liminal queue: max/.test(err.message))
    })
  }
})

describe('LiminalQueue.addEvidence()', () => {
  test('LiminalQueue.addEvidence() keys an item by content id and accepts a high-tier source at once', () => {
    const { queue } = harness()
    const result = queue.addEvidence(evidence('p', HIGH_URI), AT)
    assert.equal(result.id, evidenceIdOf(payloadOf(), HIGH_URI))
    assert.equal(result.isNew, true)
    assert.deepEqual(result.ids, [result.id])
    assert.deepEqual(result.changes, [{ id: result.id, from: 'pending', to: 'accepted', reason: 'source_tier', atMs: NOW }])
    assert.equal(result.item.status, 'accepted')
    assert.equal(result.item.effectiveTier, 'high')
    assert.deepEqual(result.item.submitters, ['p'])
    assert.equal(result.item.firstSeenAtMs, NOW)
    assert.ok(Object.isFrozen(result.item))
    assert.equal(queue.size, 1)
  })

  test('LiminalQueue.addEvidence() keeps a low-tier source pending until corroborated', () => {
    const { queue } = harness()
    const result = queue.addEvidence(evidence('p', LOW_URI), AT)
    assert.deepEqual(result.changes, [])
    assert.equal(result.item.status, 'pending')
    assert.equal(result.item.statusReason, 'insufficient_corroboration')
  })

  test('LiminalQueue.addEvidence() lowers the tier to a lower declared one, and a later lower declaration lowers it too', () => {
    const { queue } = harness()
    assert.equal(queue.addEvidence(evidence('p', HIGH_URI, 'c', { trust_tier: 'medium' }), AT).item.status, 'accepted')
    const first = queue.addEvidence(evidence('p', HIGH_URI, 'd', { trust_tier: 'low' }), AT)
    assert.equal(first.item.effectiveTier, 'low')
    assert.equal(first.item.status, 'pending')
    const again = queue.addEvidence(evidence('q', HIGH_URI, 'c', { trust_tier: 'unknown' }), AT)
    assert.equal(again.isNew, false)
    assert.deepEqual(again.item.submitters, ['p', 'q'])
    assert.equal(again.item.declaredTier, 'unknown')
    assert.equal(again.item.effectiveTier, 'unknown')
    assert.equal(again.item.status, 'accepted', 'an accepted item does not fall back to pending')
  })

  test('LiminalQueue.addEvidence() rejects a blocked source whatever it declares', () => {
    const result = harness().queue.addEvidence(evidence('t1', BLOCKED_URI, undefined, { trust_tier: 'high' }), AT)
    assert.deepEqual([result.item.status, result.item.statusReason], ['rejected', 'source_blocked'])
  })

  test('LiminalQueue.addEvidence() rejects evidence without provenance or retrieval time', () => {
    const { queue } = harness()
    const blank = queue.addEvidence({ from: 'p', payload: payloadOf('c', { evidence: ['  '] }), source: sourceOf(HIGH_URI) }, AT)
    assert.deepEqual([blank.item.status, blank.item.statusReason], ['rejected', 'missing_provenance'])
    const badUri = queue.addEvidence(evidence('p', 'not a uri'), AT)
    assert.deepEqual([badUri.item.status, badUri.item.statusReason], ['rejected', 'missing_provenance'])
    const badTime = queue.addEvidence(evidence('p', HIGH_URI, 'd', { retrieved_at: 'yesterday' }), AT)
    assert.deepEqual([badTime.item.status, badTime.item.statusReason], ['rejected', 'missing_retrieved_at'])
    const future = queue.addEvidence(evidence('p', HIGH_URI, 'e', { retrieved_at: '2026-11-26T12:02:00.001Z' }), AT)
    assert.deepEqual([future.item.status, future.item.statusReason], ['rejected', 'retrieved_in_future'])
  })

  test('LiminalQueue.addEvidence() rejects evidence only untrusted or blacklisted peers sent, and revives it when an honest peer sends it', () => {
    const { queue } = harness()
    assert.equal(queue.addEvidence(evidence('u', HIGH_URI), AT).item.statusReason, 'untrusted_submitter')
    assert.equal(queue.addEvidence(evidence('x', HIGH_URI), AT).item.status, 'rejected')
    const revived = queue.addEvidence(evidence('p', HIGH_URI), AT)
    assert.deepEqual(revived.changes.map((change) => [change.from, change.to]), [['rejected', 'accepted']])
  })

  test('LiminalQueue.addEvidence() keeps evidence from a peer not yet met pending, until its handshake settles (SPEC §15.2)', () => {
    const { queue, trust } = harness()
    const { id, item } = queue.addEvidence(evidence('newcomer', HIGH_URI), AT)
    assert.equal(item.statusReason, 'unknown_submitter')
    trust.set('newcomer', 'probing')
    assert.deepEqual(queue.reevaluate(AT).changes, [{ id, from: 'pending', to: 'accepted', reason: 'source_tier', atMs: NOW }])
  })

  test('LiminalQueue.addEvidence() defers acceptance while overloaded', () => {
    const { queue } = harness()
    const { id, item } = queue.addEvidence(evidence('p', HIGH_URI), OVERLOADED)
    assert.deepEqual([item.status, item.statusReason], ['pending', 'locally_overloaded'])
    assert.equal(queue.reevaluate(AT).changes[0]?.id, id)
    assert.equal(queue.get(id)?.status, 'accepted')
  })
})

describe('LiminalQueue corroboration', () => {
  test('LiminalQueue.applyAccept() accepts low-tier evidence once 2 trusted peers accepted it', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', LOW_URI), AT)
    const first = queue.applyAccept(accept('t1', LOW_URI), AT)
    assert.deepEqual(first, { ids: [id], changes: [] })
    const second = queue.applyAccept(accept('t2', LOW_URI), AT)
    assert.deepEqual(second.changes, [{ id, from: 'pending', to: 'accepted', reason: 'trusted_corroboration', atMs: NOW }])
    assert.deepEqual(queue.get(id)?.trustedCorroborators, ['t1', 't2'])
  })

  test('LiminalQueue.applyAccept() does not count probing peers, nor the first submitter', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('t3', LOW_URI), AT)
    queue.applyAccept(accept('t3', LOW_URI), AT)
    queue.applyAccept(accept('q', LOW_URI), AT)
    queue.applyAccept(accept('t1', LOW_URI), AT)
    assert.equal(queue.get(id)?.status, 'pending')
    assert.deepEqual(queue.get(id)?.corroborators, ['q', 't1'])
    assert.deepEqual(queue.get(id)?.trustedCorroborators, ['t1'])
  })

  test('LiminalQueue.applyAccept() counts a trusted peer that a trusted sender lists in corroborators[]', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', LOW_URI), AT)
    assert.equal(queue.applyAccept(accept('t1', LOW_URI, ['t2']), AT).changes[0]?.to, 'accepted')
    assert.deepEqual(queue.get(id)?.trustedCorroborators, ['t1', 't2'])
  })

  test('LiminalQueue.applyAccept() does not count peers a probing sender lists', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', LOW_URI), AT)
    queue.applyAccept(accept('q', LOW_URI, ['t1', 't2']), AT)
    assert.equal(queue.get(id)?.status, 'pending')
    assert.deepEqual(queue.get(id)?.trustedCorroborators, [])
  })

  test('LiminalQueue.applyAccept() answers only the refs it is given, else every item from the same source uri', () => {
    const { queue } = harness()
    const a = queue.addEvidence(evidence('p', LOW_URI, 'a'), AT).id
    const b = queue.addEvidence(evidence('p', LOW_URI, 'b'), AT).id
    queue.addEvidence(evidence('p', 'https://other.example.org/x', 'c'), AT)
    assert.deepEqual(queue.applyAccept(accept('t1', LOW_URI), AT).ids, [a, b])
    assert.deepEqual(queue.applyAccept(accept('t2', LOW_URI, [], [b, 'f'.repeat(64), b]), AT).ids, [b])
    assert.equal(queue.get(a)?.status, 'pending')
    assert.equal(queue.get(b)?.status, 'accepted')
    assert.deepEqual(queue.applyAccept(accept('t3', 'https://nowhere.net/'), AT), { ids: [], changes: [] })
  })

  test('LiminalQueue keeps an accepted item accepted when its corroborators lose trust or the node is overloaded', () => {
    const { queue, trust } = harness()
    const { id } = queue.addEvidence(evidence('p', LOW_URI), AT)
    queue.applyAccept(accept('t1', LOW_URI, ['t2']), AT)
    trust.set('t1', 'probing')
    assert.deepEqual(queue.reevaluate(OVERLOADED).changes, [])
    assert.equal(queue.get(id)?.status, 'accepted')
    assert.deepEqual(queue.get(id)?.trustedCorroborators, [])
  })
})

describe('LiminalQueue conflicts', () => {
  test('LiminalQueue.applyConflict() from a trusted peer disputes the item, even an accepted one', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    const update = queue.applyConflict(conflict('t1', HIGH_URI), AT)
    assert.deepEqual(update.changes, [{ id, from: 'accepted', to: 'disputed', reason: 'unresolved_conflict', atMs: NOW }])
    const item = queue.get(id)
    assert.equal(item?.conflictState, 'unresolved')
    assert.deepEqual(item.conflicts, [{ from: 't1', kind: 'conflict', severity: 'high', details: ['99 °C'], atMs: NOW }])
  })

  test('LiminalQueue.applyConflict() from a probing peer is recorded but does not dispute', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    assert.deepEqual(queue.applyConflict(conflict('q', HIGH_URI), AT).changes, [])
    assert.equal(queue.get(id)?.conflictState, 'resolved')
    assert.equal(queue.get(id)?.conflicts.length, 1)
  })

  test('LiminalQueue.applyReject() counts as a conflict', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    queue.applyReject(reject('t1', HIGH_URI), AT)
    assert.equal(queue.get(id)?.status, 'disputed')
    assert.deepEqual(queue.get(id)?.conflicts.map((entry) => [entry.kind, entry.details]), [['reject', ['refuted']]])
  })

  test('LiminalQueue settles a dispute when the objector accepts after all', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    queue.applyConflict(conflict('t1', HIGH_URI), AT)
    assert.deepEqual(queue.applyAccept(accept('t1', HIGH_URI), AT).changes, [{ id, from: 'disputed', to: 'accepted', reason: 'source_tier', atMs: NOW }])
    assert.equal(queue.get(id)?.conflictState, 'resolved')
  })

  test('LiminalQueue withdraws an objector\'s corroboration', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', LOW_URI), AT)
    queue.applyAccept(accept('t1', LOW_URI), AT)
    queue.applyConflict(conflict('t1', LOW_URI), AT)
    queue.applyAccept(accept('t2', LOW_URI), AT)
    assert.deepEqual(queue.get(id)?.trustedCorroborators, ['t2'])
    assert.equal(queue.get(id)?.status, 'disputed')
  })

  test('LiminalQueue.markResolved() settles standing conflicts until a new one arrives', () => {
    const { queue } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    queue.applyConflict(conflict('t1', HIGH_URI, [id]), AT)
    assert.equal(queue.markResolved(id, AT).changes[0]?.to, 'accepted')
    assert.equal(queue.get(id)?.conflictState, 'resolved')
    assert.equal(queue.applyConflict(conflict('t2', HIGH_URI), AT).changes[0]?.to, 'disputed')
    assert.deepEqual(queue.markResolved('f'.repeat(64), AT), { ids: [], changes: [] })
  })

  test('LiminalQueue disputes an item once its objector becomes trusted', () => {
    const { queue, trust } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    queue.applyConflict(conflict('q', HIGH_URI), AT)
    trust.set('q', 'trusted')
    assert.deepEqual(queue.reevaluate(AT).changes.map((change) => [change.id, change.to]), [[id, 'disputed']])
  })

  test('LiminalQueue rejects an accepted item whose host becomes blocked', () => {
    const { queue, tiers } = harness()
    const { id } = queue.addEvidence(evidence('p', HIGH_URI), AT)
    tiers.set('*.int', 'blocked')
    assert.deepEqual(queue.reevaluate(AT).changes, [{ id, from: 'accepted', to: 'rejected', reason: 'source_blocked', atMs: NOW }])
  })
})

describe('LiminalQueue listing and bounds', () => {
  test('LiminalQueue.list() filters by status and keeps first-seen order; get() of an unknown id is undefined', () => {
    const { queue } = harness()
    const a = queue.addEvidence(evidence('p', LOW_URI, 'a'), { ...AT, nowMs: NOW + 2 }).id
    const b = queue.addEvidence(evidence('p', HIGH_URI, 'b'), { ...AT, nowMs: NOW + 1 }).id
    const c = queue.addEvidence(evidence('p', BLOCKED_URI, 'c'), { ...AT, nowMs: NOW + 3 }).id
    assert.deepEqual(queue.list().map((item) => item.id), [b, a, c])
    assert.deepEqual(queue.list({ status: 'pending' }).map((item) => item.id), [a])
    assert.deepEqual(queue.list({ status: 'accepted' }).map((item) => item.id), [b])
    assert.deepEqual(queue.list({ status: 'rejected' }).map((item) => item.id), [c])
    assert.deepEqual(queue.list({ status: 'disputed' }), [])
    assert.equal(queue.get('f'.repeat(64)), undefined)
  })

  test('LiminalQueue evicts the oldest rejected item, then the oldest accepted one, when full', () => {
    const { queue } = harness({ maxItems: 3 })
    const accepted = queue.addEvidence(evidence('p', HIGH_URI, 'a'), AT).id
    const rejected = queue.addEvidence(evidence('p', BLOCKED_URI, 'b'), AT).id
    const pending = queue.addEvidence(evidence('p', LOW_URI, 'c'), AT).id
    queue.addEvidence(evidence('p', LOW_URI, 'd'), AT)
    assert.equal(queue.get(rejected), undefined)
    queue.addEvidence(evidence('p', LOW_URI, 'e'), AT)
    assert.equal(queue.get(accepted), undefined)
    assert.ok(queue.get(pending) !== undefined)
    assert.equal(queue.size, 3)
  })

  test('LiminalQueue.addEvidence() throws BackpressureError when every item is unsettled, and still takes known content', () => {
    const { queue } = harness({ maxItems: 1 })
    queue.addEvidence(evidence('p', LOW_URI, 'a'), AT)
    assert.throws(() => queue.addEvidence(evidence('p', LOW_URI, 'b'), AT), (err: unknown) =>
      err instanceof Error && err.name === 'BackpressureError' && (err as { reason?: string }).reason === 'liminal_queue_full' && (err as { limit?: number }).limit === 1)
    assert.equal(queue.addEvidence(evidence('q', LOW_URI, 'a'), AT).isNew, false)
  })

  test('LiminalQueue remembers at most maxPeersPerItem submitters and corroborators per item', () => {
    const { queue } = harness({ maxPeersPerItem: 2 })
    const { id } = queue.addEvidence(evidence('p', LOW_URI), AT)
    for (const from of ['q', 't1', 't2']) queue.addEvidence(evidence(from, LOW_URI), AT)
    queue.applyAccept(accept('t1', LOW_URI, ['t2', 't3', 'q']), AT)
    assert.deepEqual(queue.get(id)?.submitters, ['p', 'q'])
    assert.deepEqual(queue.get(id)?.corroborators, ['t1', 't2'])
  })
})

describe('LiminalQueue properties', () => {
  const peers = ['p', 'q', 't1', 't2', 't3', 'u', 'newcomer']
  const peerArb = fc.constantFrom(...peers)
  const uriArb = fc.constantFrom(HIGH_URI, LOW_URI, BLOCKED_URI, 'https://other.example.org/x', 'https://who.int/other')
  const tierArb = fc.constantFrom(...LIP_TRUST_TIERS)
  const stateArb = fc.constantFrom<TrustState>('unknown', 'untrusted', 'probing', 'trusted', 'blacklisted')
  type Op =
    | { kind: 'evidence', from: string, uri: string, claim: string, declared: LipTrustTier }
    | { kind: 'accept', from: string, uri: string, listed: string[] }
    | { kind: 'conflict' | 'reject', from: string, uri: string }
    | { kind: 'trust', peer: string, state: TrustState }
    | { kind: 'tier', pattern: string, tier: LipTrustTier }
    | { kind: 'resolve', index: number }
    | { kind: 'reevaluate' }
  // Weighted towards evidence and acceptances, so that runs reach acceptance often.
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('evidence' as const), from: peerArb, uri: uriArb, claim: fc.constantFrom('a', 'b'), declared: tierArb }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('accept' as const), from: peerArb, uri: uriArb, listed: fc.array(peerArb, { maxLength: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('conflict' as const, 'reject' as const), from: peerArb, uri: uriArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('trust' as const), peer: peerArb, state: stateArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('tier' as const), pattern: fc.constantFrom('who.int', '*.example.org', 'spam.test', '*.int'), tier: tierArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('resolve' as const), index: fc.nat(20) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reevaluate' as const }) }
  )
  const opsArb = fc.array(opArb, { minLength: 5, maxLength: 40, size: 'max' })
  const loadArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 3 })

  type Changes = readonly { id: string, to: string }[]

  function apply ({ queue, trust, tiers }: Harness, op: Op, context: EvaluationContext): Changes {
    switch (op.kind) {
      case 'evidence':
        return queue.addEvidence(evidence(op.from, op.uri, op.claim, { trust_tier: op.declared }), context).changes
      case 'accept':
        return queue.applyAccept(accept(op.from, op.uri, op.listed), context).changes
      case 'conflict':
        return queue.applyConflict(conflict(op.from, op.uri), context).changes
      case 'reject':
        return queue.applyReject(reject(op.from, op.uri), context).changes
      case 'trust':
        trust.set(op.peer, op.state)
        return queue.reevaluate(context).changes
      case 'tier':
        tiers.set(op.pattern, op.tier)
        return queue.reevaluate(context).changes
      case 'resolve': {
        const item = queue.list()[op.index]
        return item === undefined ? [] : queue.markResolved(item.id, context).changes
      }
      case 'reevaluate':
        return queue.reevaluate(context).changes
    }
  }

  function run (ops: Op[], overloaded: boolean[], check: (harnessed: Harness, changes: Changes) => void): void {
    const harnessed = harness({ maxItems: 6 })
    ops.forEach((op, index) => {
      const context = { nowMs: NOW + index, isLocallyOverloaded: overloaded[index % overloaded.length] ?? false }
      let changes: Changes = []
      try {
        changes = apply(harnessed, op, context)
      } catch (err) {
        assert.equal((err as Error).name, 'BackpressureError')
      }
      check(harnessed, changes)
    })
  }

  test('LiminalQueue never holds an accepted item from a blocked source (property)', () => {
    fc.assert(fc.property(opsArb, loadArb, (ops, overloaded) => {
      run(ops, overloaded, ({ queue, tiers }) => {
        for (const item of queue.list()) {
          // Every tier change re-evaluates the whole queue, so each item's tier is current.
          const tier = tiers.effectiveTier(item.source.uri, item.declaredTier)
          assert.equal(item.effectiveTier, tier)
          if (tier === 'blocked') assert.equal(item.status, 'rejected')
        }
      })
    }), PROPERTY_OPTIONS)
  })

  test('LiminalQueue never accepts below medium with fewer than 2 trusted corroborators (property)', () => {
    fc.assert(fc.property(opsArb, loadArb, (ops, overloaded) => {
      run(ops, overloaded, ({ queue, trust }, changes) => {
        for (const change of changes) {
          if (change.to !== 'accepted') continue
          const item = queue.get(change.id)
          assert.ok(item !== undefined)
          const trusted = item.trustedCorroborators.filter((fingerprint) => trust.get(fingerprint) === 'trusted')
          assert.ok(isTierAtLeast(item.effectiveTier, 'medium') || trusted.length >= 2, `${item.effectiveTier} with ${trusted.length} trusted corroborators`)
          assert.ok(!item.trustedCorroborators.includes(item.submitters[0] ?? ''), 'the first submitter never corroborates itself')
          assert.notEqual(item.conflictState, 'unresolved')
        }
      })
    }), PROPERTY_OPTIONS)
  })
})
