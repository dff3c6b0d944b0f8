import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { LipEvidencePayload, LipType, PayloadMap, SourceBlock } from '../../protocol/envelope/types.ts'
import { BackpressureError, InvalidEnvelopeError } from '../../protocol/errors.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { ALICE, lipEnvelope, NOW, PAYLOADS, recordingEvents, SELF, sourceOf } from '../protocol-router/fixtures.test.ts'
import { evidenceIdOf } from './evidence-id.ts'
import { LipService } from './lip-service.ts'
import type { LipFetchNotice, LipServiceInit, LipStatusNotice } from './lip-service.ts'

const HIGH_URI = 'https://who.int/boiling'
const LOW_URI = 'https://blog.example.org/boiling'
const BLOCKED_URI = 'https://spam.test/boiling'
const UNLISTED_URI = 'https://unlisted.example.com/boiling'
const T1 = '1'.repeat(64)
const T2 = '2'.repeat(64)
const P = '3'.repeat(64)
const U = '4'.repeat(64)
const STRANGER = '5'.repeat(64)

function harness (init: LipServiceInit = {}) {
  const trust = new Map<string, TrustState>([[ALICE, 'probing'], [T1, 'trusted'], [T2, 'trusted'], [P, 'probing'], [U, 'untrusted']])
  let isOverloaded = false
  const events = recordingEvents()
  const metrics = createCountingMetrics()
  const statuses: LipStatusNotice[] = []
  const fetches: LipFetchNotice[] = []
  const service = new LipService({
    self: SELF,
    trustOf: (fingerprint) => trust.get(fingerprint) ?? 'unknown',
    isOverloaded: () => isOverloaded,
    clock: { now: () => NOW },
    events, logger: SILENT_LOGGER, metrics,
    onStatus: (notice) => { statuses.push(notice) },
    onFetch: (notice) => { fetches.push(notice) }
  }, { sourceTiers: { 'who.int': 'high', '*.example.org': 'low', 'spam.test': 'blocked' }, ...init })
  const send = <T extends LipType>(type: T, options: { payload?: PayloadMap[T], from?: string, source?: SourceBlock } = {}) =>
    service.onEnvelope(lipEnvelope(type, options.payload ?? PAYLOADS[type], { from: options.from ?? ALICE, source: options.source ?? sourceOf(HIGH_URI) }))
  const evidence = (uri: string, options: { from?: string, claim?: string, payload?: Partial<LipEvidencePayload>, source?: Partial<SourceBlock> } = {}) => {
    const payload = { ...PAYLOADS.LIP_EVIDENCE, ...(options.claim === undefined ? {} : { claims: [options.claim] }), ...options.payload }
    send('LIP_EVIDENCE', { payload, from: options.from ?? ALICE, source: sourceOf(uri, options.source) })
    return evidenceIdOf(payload, uri)
  }
  const accept = (uri: string, from: string, corroborators: string[] = []) =>
    send('LIP_ACCEPT', { payload: { decision: 'accept', reason: 'verified', corroborators }, from, source: sourceOf(uri) })
  const conflict = (uri: string, from: string, localRefs: string[] = []) =>
    send('LIP_CONFLICT', { payload: { conflicts: ['99 °C'], local_refs: localRefs, severity: 'high' }, from, source: sourceOf(uri) })
  return { service, trust, events, metrics, statuses, fetches, send, evidence, accept, conflict, setOverloaded: (value: boolean) => { isOverloaded = value } }
}

describe('new LipService()', () => {
  test('new LipService() throws RangeError on a bad tier pattern or queue bound', () => {
    assert.throws(() => harness({ sourceTiers: { 'http://who.int/x': 'high' } }), RangeError)
    assert.throws(() => harness({ maxItems: 0 }), /maxItems "0"/)
  })
})

describe('LipService.onEnvelope()', () => {
  test('LipService.onEnvelope() accepts LIP_EVIDENCE from a source of tier ≥ medium at once, and reports lip_status', () => {
    const h = harness()
    const id = h.evidence(HIGH_URI)
    assert.equal(h.service.get(id)?.status, 'accepted')
    assert.equal(h.service.get(id)?.statusReason, 'source_tier')
    const [event] = h.events.emitted.filter((e) => e.type === 'lip_status')
    assert.equal(event?.peer, ALICE)
    assert.deepEqual(event.payload, {
      evidence_id: id, from: 'pending', to: 'accepted', reason: 'source_tier', uri: HIGH_URI, effective_tier: 'high',
      trusted_corroborators: 0, conflict_state: 'none', claims: ['Water boils at 100 °C']
    })
    assert.equal(h.metrics.value('web4_lip_status_changes_total', { to: 'accepted' }), 1)
    assert.deepEqual(h.statuses.map((notice) => [notice.id, notice.from, notice.to, notice.reason, notice.item.status]), [[id, 'pending', 'accepted', 'source_tier', 'accepted']])
  })

  test('LipService.onEnvelope() accepts a medium tier too, but only after the checks (provenance, retrieval time)', () => {
    const h = harness({ sourceTiers: { 'who.int': 'medium' } })
    assert.equal(h.service.get(h.evidence(HIGH_URI))?.status, 'accepted')
    assert.equal(h.service.get(h.evidence(HIGH_URI, { claim: 'no extract', payload: { evidence: [' '] } }))?.statusReason, 'missing_provenance')
    assert.equal(h.service.get(h.evidence(HIGH_URI, { claim: 'undated', source: { retrieved_at: 'yesterday' } }))?.statusReason, 'missing_retrieved_at')
    assert.equal(h.service.get(h.evidence(HIGH_URI, { claim: 'from the future', source: { retrieved_at: '2027-01-01T00:00:00Z' } }))?.statusReason, 'retrieved_in_future')
    assert.deepEqual(h.service.list({ status: 'rejected' }).length, 3)
  })

  test('LipService.onEnvelope() keeps a tier below medium pending until 2 trusted peers corroborate it (SPEC §7)', () => {
    const h = harness()
    const id = h.evidence(LOW_URI)
    assert.equal(h.service.get(id)?.statusReason, 'insufficient_corroboration')
    h.accept(LOW_URI, P)
    h.accept(LOW_URI, T1)
    assert.equal(h.service.get(id)?.status, 'pending', 'one trusted corroborator and one probing are not enough')
    h.accept(LOW_URI, T2)
    assert.equal(h.service.get(id)?.status, 'accepted')
    assert.equal(h.service.get(id)?.statusReason, 'trusted_corroboration')
    assert.deepEqual(h.service.get(id)?.trustedCorroborators, [T1, T2])
  })

  test('LipService.onEnvelope() counts the trusted peers a trusted LIP_ACCEPT lists as corroborators', () => {
    const h = harness()
    const id = h.evidence(LOW_URI)
    h.accept(LOW_URI, T1, [T2])
    assert.equal(h.service.get(id)?.status, 'accepted')
  })

  test('LipService.onEnvelope() makes evidence disputed on a trusted peer\'s LIP_CONFLICT or LIP_REJECT, not a probing one\'s', () => {
    const h = harness()
    const id = h.evidence(HIGH_URI)
    h.conflict(HIGH_URI, P)
    assert.equal(h.service.get(id)?.status, 'accepted')
    h.conflict(HIGH_URI, T1)
    assert.equal(h.service.get(id)?.status, 'disputed')
    assert.equal(h.service.get(id)?.statusReason, 'unresolved_conflict')

    const other = harness()
    const rejected = other.evidence(HIGH_URI)
    other.send('LIP_REJECT', { payload: { decision: 'reject', reason: 'refuted', corroborators: [] }, from: T2, source: sourceOf(HIGH_URI) })
    assert.equal(other.service.get(rejected)?.status, 'disputed')
  })

  test('LipService.onEnvelope() lets a LIP_CONFLICT name its items by evidence ids in local_refs, else by source uri', () => {
    const h = harness()
    const first = h.evidence(HIGH_URI, { claim: 'first' })
    const second = h.evidence(HIGH_URI, { claim: 'second' })
    const update = h.conflict(HIGH_URI, T1, ['note-7', first])
    assert.deepEqual(update.ids, [first])
    assert.equal(h.service.get(first)?.status, 'disputed')
    assert.equal(h.service.get(second)?.status, 'accepted')
    assert.deepEqual(h.conflict(HIGH_URI, T2, ['note-7']).ids, [first, second], 'no evidence id: every item from the same uri')
    assert.equal(h.service.get(second)?.status, 'disputed')
  })

  test('LipService.onEnvelope() answers LIP_ACCEPT by source uri only', () => {
    const h = harness()
    const low = h.evidence(LOW_URI)
    const other = h.evidence('https://news.example.org/boiling')
    assert.deepEqual(h.accept(LOW_URI, T1).ids, [low])
    assert.deepEqual(h.service.get(other)?.corroborators, [])
  })

  test('LipService.onEnvelope() rejects evidence from a blocked source, whatever corroborates it', () => {
    const h = harness()
    const id = h.evidence(BLOCKED_URI)
    h.accept(BLOCKED_URI, T1)
    h.accept(BLOCKED_URI, T2)
    assert.equal(h.service.get(id)?.status, 'rejected')
    assert.equal(h.service.get(id)?.statusReason, 'source_blocked')
  })

  test('LipService.onEnvelope() lets a declared tier lower this node\'s tier but never raise it (SPEC §15.13)', () => {
    const h = harness()
    assert.equal(h.service.get(h.evidence(UNLISTED_URI, { source: { trust_tier: 'high' } }))?.status, 'pending')
    assert.equal(h.service.get(h.evidence(HIGH_URI, { source: { trust_tier: 'blocked' } }))?.statusReason, 'source_blocked')
  })

  test('LipService.onEnvelope() rejects evidence whose every submitter is untrusted, and holds an unknown submitter\'s', () => {
    const h = harness()
    assert.equal(h.service.get(h.evidence(HIGH_URI, { from: U }))?.statusReason, 'untrusted_submitter')
    assert.equal(h.service.get(h.evidence(HIGH_URI, { from: STRANGER, claim: 'other' }))?.statusReason, 'unknown_submitter')
  })

  test('LipService.onEnvelope() counts this node\'s own evidence as from a trusted submitter', () => {
    const h = harness()
    assert.equal(h.service.get(h.evidence(HIGH_URI, { from: SELF }))?.status, 'accepted')
  })

  test('LipService.onEnvelope() defers acceptance while this node is overloaded (SPEC §7 rule 5)', () => {
    const h = harness()
    h.setOverloaded(true)
    const id = h.evidence(HIGH_URI)
    assert.equal(h.service.get(id)?.statusReason, 'locally_overloaded')
    h.setOverloaded(false)
    h.service.reevaluate()
    assert.equal(h.service.get(id)?.status, 'accepted')
  })

  test('LipService.onEnvelope() hands a LIP_FETCH to the application and reports lip_fetch, queueing nothing', () => {
    const h = harness()
    const update = h.send('LIP_FETCH')
    assert.deepEqual(update, { ids: [], changes: [] })
    assert.equal(h.service.list().length, 0)
    assert.deepEqual(h.fetches, [{ from: ALICE, msgId: `msg-LIP_FETCH-${ALICE.slice(0, 4)}`, query: 'boiling point of water', constraints: ['peer-reviewed'], source: sourceOf(HIGH_URI) }])
    assert.deepEqual(h.events.of('lip_fetch'), [{ msg_id: `msg-LIP_FETCH-${ALICE.slice(0, 4)}`, query: 'boiling point of water', constraints: ['peer-reviewed'], uri: HIGH_URI }])
  })

  test('LipService.onEnvelope() survives onStatus and onFetch listeners that throw', () => {
    const service = new LipService({
      self: SELF, trustOf: () => 'probing', isOverloaded: () => false, clock: { now: () => NOW }, events: recordingEvents(), logger: SILENT_LOGGER,
      onStatus: () => { throw new Error('app bug') }, onFetch: () => { throw new Error('app bug') }
    }, { sourceTiers: { 'who.int': 'high' } })
    assert.equal(service.onEnvelope(lipEnvelope('LIP_EVIDENCE', PAYLOADS.LIP_EVIDENCE, { source: sourceOf(HIGH_URI) })).changes[0]?.to, 'accepted')
    assert.doesNotThrow(() => service.onEnvelope(lipEnvelope('LIP_FETCH')))
  })

  test('LipService.onEnvelope() refuses a type that is not LIP with InvalidEnvelopeError unrouted_type', () => {
    const h = harness()
    assert.throws(() => h.service.onEnvelope({ ...lipEnvelope('LIP_FETCH'), type: 'FACT_PROPOSE' } as never), (err: unknown) => err instanceof InvalidEnvelopeError && err.reason === 'unrouted_type')
  })

  test('LipService.onEnvelope() refuses new evidence with BackpressureError when the queue holds only unsettled items', () => {
    const h = harness({ maxItems: 1 })
    h.evidence(LOW_URI)
    assert.throws(() => h.evidence(LOW_URI, { claim: 'another' }), (err: unknown) => err instanceof BackpressureError && err.reason === 'liminal_queue_full')
  })
})

describe('LipService.reevaluate()', () => {
  test('LipService.reevaluate() accepts evidence once its corroborators become trusted (trust change)', () => {
    const h = harness()
    const id = h.evidence(LOW_URI)
    const q = '6'.repeat(64)
    h.trust.set(q, 'probing')
    h.accept(LOW_URI, P)
    h.accept(LOW_URI, q)
    assert.equal(h.service.get(id)?.status, 'pending')
    h.trust.set(P, 'trusted')
    h.trust.set(q, 'trusted')
    const update = h.service.reevaluate()
    assert.deepEqual(update.changes.map((change) => [change.id, change.to]), [[id, 'accepted']])
    assert.equal(h.statuses.at(-1)?.to, 'accepted')
  })

  test('LipService.reevaluate() disputes evidence once a conflicting peer becomes trusted, and releases an unknown submitter\'s', () => {
    const h = harness()
    const disputed = h.evidence(HIGH_URI)
    h.conflict(HIGH_URI, P)
    const held = h.evidence(HIGH_URI, { from: STRANGER, claim: 'other' })
    h.trust.set(P, 'trusted')
    h.trust.set(STRANGER, 'probing')
    h.service.reevaluate()
    assert.equal(h.service.get(disputed)?.status, 'disputed')
    assert.equal(h.service.get(held)?.status, 'accepted', 'a conflict answers only the items queued before it')
  })

  test('LipService.reevaluate() rejects pending evidence once its only submitter becomes untrusted', () => {
    const h = harness()
    const id = h.evidence(LOW_URI)
    h.trust.set(ALICE, 'untrusted')
    h.service.reevaluate()
    assert.equal(h.service.get(id)?.statusReason, 'untrusted_submitter')
  })
})

describe('LipService tiers, resolution and listing', () => {
  test('LipService.setSourceTier() and deleteSourceTier() change this node\'s tiers and decide every item again', () => {
    const h = harness()
    const id = h.evidence(UNLISTED_URI)
    assert.equal(h.service.get(id)?.status, 'pending')
    assert.deepEqual(h.service.setSourceTier('unlisted.example.com', 'high').changes.map((change) => change.to), ['accepted'])
    assert.ok(h.service.sourceTiers().some(([pattern, tier]) => pattern === 'unlisted.example.com' && tier === 'high'))
    h.service.deleteSourceTier('unlisted.example.com')
    assert.equal(h.service.get(id)?.status, 'accepted', 'an accepted item does not fall back to pending')
    assert.ok(!h.service.sourceTiers().some(([pattern]) => pattern === 'unlisted.example.com'))
    assert.throws(() => h.service.setSourceTier('who.int', 'excellent' as never), RangeError)
  })

  test('LipService.markResolved() clears standing conflicts and decides the item again', () => {
    const h = harness()
    const id = h.evidence(HIGH_URI)
    h.conflict(HIGH_URI, T1)
    assert.equal(h.service.get(id)?.status, 'disputed')
    h.service.markResolved(id)
    assert.equal(h.service.get(id)?.status, 'accepted')
    assert.deepEqual(h.service.markResolved('0'.repeat(64)), { ids: [], changes: [] })
  })

  test('LipService.list() filters by status, oldest first', () => {
    const h = harness()
    const accepted = h.evidence(HIGH_URI)
    const pending = h.evidence(LOW_URI)
    const rejected = h.evidence(BLOCKED_URI)
    assert.deepEqual(h.service.list().map((item) => item.id), [accepted, pending, rejected])
    assert.deepEqual(h.service.list({ status: 'pending' }).map((item) => item.id), [pending])
    assert.deepEqual(h.service.list({ status: 'rejected' }).map((item) => item.id), [rejected])
    assert.equal(h.service.get('nothing'), undefined)
  })
})
