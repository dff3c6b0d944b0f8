import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import type { BodyEnvelope, CipEnvelope, FactConfirmPayload, FactProposePayload } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { cipEnvelope, NOW, recordingEvents, SELF } from '../protocol-router/fixtures.test.ts'
import { claimIdOf } from './claim-id.ts'
import type { CausalMemoryEntry, ClaimStore } from './claim-store.ts'
import { CHALLENGE_WINDOW_MS, REANNOUNCE_MAX, REANNOUNCE_WINDOW_MS } from './constants.ts'
import { DMP_TRACE, factOf } from './fixtures.test.ts'
import { KnowledgeService } from './knowledge-service.ts'
import type { KnowledgeOutcome, KnowledgeServiceInit } from './knowledge-service.ts'
import type { ClaimRecord } from './types.ts'

const PROPOSER = 'c'.repeat(64)
const ROOT_B = 'b'.repeat(64)
const ROOT_D = 'd'.repeat(64)

/** A claim store in memory that, like SQLite's, returns claims in id order and counts its writes. */
function fakeStore (): ClaimStore & { saves: number, memory: CausalMemoryEntry[] } {
  const claims = new Map<string, ClaimRecord>()
  const store = {
    saves: 0,
    memory: [] as CausalMemoryEntry[],
    loadClaims: () => [...claims.values()].sort((x, y) => x.id.localeCompare(y.id)).map((claim) => structuredClone(claim)),
    saveClaim: (claim: ClaimRecord) => {
      store.saves++
      claims.set(claim.id, structuredClone(claim))
    },
    recordStatus: (claim: ClaimRecord, memory: 'accepted' | 'retracted' | undefined) => {
      store.saveClaim(claim)
      if (memory === 'accepted') store.memory.push({ claimId: claim.id, statement: claim.statement, domain: claim.domain, proposer: claim.proposer, acceptedAtMs: claim.statusSinceMs, retractedAtMs: null })
    },
    causalMemory: () => store.memory.map((entry) => ({ ...entry })),
    saveDecision: () => {},
    listDecisions: () => []
  }
  return store
}

/** A node's knowledge service over `store`: B and D are its pinned roots, the proposer is probing. */
function harness (store: ClaimStore, init: KnowledgeServiceInit = { isManual: true }, onOutcome: (outcome: KnowledgeOutcome) => void = () => {}) {
  let nowMs = NOW
  const trust = new Map<string, TrustState>([[ROOT_B, 'trusted'], [ROOT_D, 'trusted'], [PROPOSER, 'probing']])
  const events = recordingEvents()
  let sent = 0
  const service = new KnowledgeService({
    self: SELF,
    store,
    broadcast: async (type, payload) => await Promise.resolve({ ...cipEnvelope(type, payload as never, SELF), msg_id: `own-${++sent}` } as BodyEnvelope),
    trustOf: (fingerprint) => trust.get(fingerprint) ?? 'unknown',
    isPinned: (fingerprint) => fingerprint === ROOT_B || fingerprint === ROOT_D,
    isOverloaded: () => false,
    onOutcome,
    clock: { now: () => nowMs, monotonic: () => nowMs },
    events,
    logger: SILENT_LOGGER
  }, init)
  return { service, trust, events, advance: (ms: number) => { nowMs += ms } }
}

let msgCounter = 0

/** The proposal of `statement` by the proposer; returns the envelope and the claim id. */
function proposal (statement: string): { envelope: CipEnvelope<'FACT_PROPOSE'>, id: string } {
  const payload: FactProposePayload = { fact: factOf(statement), dmp_trace: DMP_TRACE, causal_links: [] }
  return { envelope: { ...cipEnvelope('FACT_PROPOSE', payload, PROPOSER), msg_id: `propose-${++msgCounter}` }, id: claimIdOf(statement, 'test') }
}

/** A confirmation of `claimId` by `from`. */
function confirmation (claimId: string, from: string): CipEnvelope<'FACT_CONFIRM'> {
  const payload: FactConfirmPayload = { fact_ref: claimId, decision: 'confirm', confidence: 1, notes: '' }
  return { ...cipEnvelope('FACT_CONFIRM', payload, from), msg_id: `confirm-${++msgCounter}` }
}

/** A claim proposed and confirmed by both roots at the node on `store`, still inside its window. */
function confirmedInsideWindow (store: ClaimStore, statement = 'the sky is blue'): string {
  const { service } = harness(store)
  const { envelope, id } = proposal(statement)
  service.accept(envelope)
  service.accept(confirmation(id, ROOT_B))
  service.accept(confirmation(id, ROOT_D))
  service.flush()
  assert.equal(service.statusOf(id), 'pending', 'inside its challenge window')
  return id
}

describe('KnowledgeService across a restart', () => {
  test('verdicts that changed no status are saved with their batch: a restarted node still counts them', () => {
    const store = fakeStore()
    const id = confirmedInsideWindow(store)
    const restarted = harness(store)
    assert.deepEqual(restarted.service.claim(id)?.verdicts.map((verdict) => verdict.from), [ROOT_B, ROOT_D])
    restarted.advance(CHALLENGE_WINDOW_MS)
    restarted.service.tick()
    assert.equal(restarted.service.statusOf(id), 'accepted')
    assert.deepEqual(store.causalMemory().map((entry) => entry.claimId), [id])
  })

  test('a verdict that changes nothing is not written again', () => {
    const store = fakeStore()
    const id = confirmedInsideWindow(store)
    const { service } = harness(store)
    const saves = store.saves
    service.accept(confirmation(id, ROOT_B))
    service.flush()
    assert.equal(store.saves, saves, 'a duplicate verdict is not saved')
  })

  test('start() decides the restored claims whose window closed while the node was down, with no new input', () => {
    const store = fakeStore()
    const id = confirmedInsideWindow(store)
    const restarted = harness(store, {})
    restarted.advance(CHALLENGE_WINDOW_MS)
    restarted.service.start()
    try {
      assert.equal(restarted.service.statusOf(id), 'accepted')
      assert.deepEqual(restarted.events.of('claim_status').map((event) => [event.claim_id, event.from, event.to]), [[id, 'pending', 'accepted']])
    } finally {
      restarted.service.stop()
    }
  })

  test('start() does nothing in manual mode', () => {
    const store = fakeStore()
    const id = confirmedInsideWindow(store)
    const restarted = harness(store)
    restarted.advance(CHALLENGE_WINDOW_MS)
    restarted.service.start()
    assert.equal(restarted.service.statusOf(id), 'pending')
  })

  test('an accepted claim stays accepted after a restart that does not trust its confirmers yet', () => {
    const store = fakeStore()
    const id = confirmedInsideWindow(store)
    const first = harness(store)
    first.advance(CHALLENGE_WINDOW_MS)
    first.service.tick()
    assert.equal(first.service.statusOf(id), 'accepted')
    const restarted = harness(store, {})
    restarted.trust.set(ROOT_B, 'probing')
    restarted.trust.set(ROOT_D, 'probing')
    restarted.advance(CHALLENGE_WINDOW_MS)
    restarted.service.start()
    try {
      assert.equal(restarted.service.statusOf(id), 'accepted')
      assert.equal(restarted.service.claim(id)?.wasEverAccepted, true)
      assert.deepEqual(restarted.events.of('claim_status'), [])
    } finally {
      restarted.service.stop()
    }
  })

  test('this node\'s own verdict is saved before it is sent: a restarted node refuses the other one', async () => {
    const store = fakeStore()
    const { service } = harness(store)
    const { envelope, id } = proposal('water is wet')
    service.accept(envelope)
    service.flush()
    await service.confirm(id)
    const restarted = harness(store)
    assert.equal(restarted.service.claim(id)?.ownVerdict, 'confirm')
    await assert.rejects(restarted.service.challenge(id), { name: 'InvalidEnvelopeError', reason: 'verdict_conflict' })
  })

  test('restored claims keep the order they were first seen in, whatever order the store returns them in', () => {
    const store = fakeStore()
    const { service, advance } = harness(store)
    const statements = ['first seen', 'second seen', 'third seen', 'fourth seen']
    for (const statement of statements) {
      service.accept(proposal(statement).envelope)
      advance(1)
    }
    service.flush()
    const order = statements.map((statement) => claimIdOf(statement, 'test'))
    assert.notDeepEqual(store.loadClaims().map((claim) => claim.id), order, 'the store returns them in another order')
    assert.deepEqual(harness(store).service.claims().map((claim) => claim.id), order)
  })

  test('the trust mesh hears a pass\'s outcomes only once every change of the pass is recorded', () => {
    const store = fakeStore()
    const seenAtOutcome: Array<Array<string | undefined>> = []
    const ids: string[] = []
    const { service, advance } = harness(store, { isManual: true }, (outcome) => {
      if (outcome.kind === 'accepted') seenAtOutcome.push(ids.map((id) => store.loadClaims().find((claim) => claim.id === id)?.status))
    })
    for (const statement of ['ice floats', 'salt dissolves']) {
      const { envelope, id } = proposal(statement)
      ids.push(id)
      service.accept(envelope)
      service.accept(confirmation(id, ROOT_B))
      service.accept(confirmation(id, ROOT_D))
    }
    service.flush()
    advance(CHALLENGE_WINDOW_MS)
    service.tick()
    assert.deepEqual(seenAtOutcome, [['accepted', 'accepted'], ['accepted', 'accepted']], 'an outcome that demotes a proposer cannot land between two changes decided on one trust view')
  })
})

describe('KnowledgeService window timer', () => {
  /** Window of the timer tests: short, so the real timer fires within the test. */
  const WINDOW_MS = 40

  /** Resolves once `predicate` holds, or rejects after `ms` of real time. */
  async function eventually (predicate: () => boolean, ms = 1000): Promise<void> {
    const deadline = Date.now() + ms
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('condition not met in time')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }

  test('a claim whose window ends while the pass that closed another window is being recorded is decided too', async () => {
    let onAccepted = (): void => {}
    const { service, advance } = harness(fakeStore(), { windowMs: WINDOW_MS }, (outcome) => { if (outcome.kind === 'accepted') onAccepted() })
    const first = proposal('the first claim of the pair')
    const second = proposal('the second claim of the pair')
    service.accept(first.envelope)
    advance(10)
    service.accept(second.envelope)
    for (const id of [first.id, second.id]) for (const root of [ROOT_B, ROOT_D]) service.accept(confirmation(id, root))
    service.flush()
    try {
      // The pass that accepts the first claim takes long enough (a loaded machine) for the second window to end meanwhile.
      onAccepted = () => {
        onAccepted = () => {}
        advance(20)
      }
      advance(WINDOW_MS - 10)
      service.tick()
      assert.equal(service.statusOf(first.id), 'accepted')
      assert.equal(service.statusOf(second.id), 'pending', 'decided inside its window')
      await eventually(() => service.statusOf(second.id) === 'accepted')
    } finally {
      service.stop()
    }
  })

  test('a pass over new input after a window ended, before its timer fired, does not drop that window', async () => {
    const { service, advance } = harness(fakeStore(), { windowMs: WINDOW_MS })
    const { envelope, id } = proposal('a claim whose timer a flush replaces')
    service.start()
    try {
      service.accept(envelope)
      service.accept(confirmation(id, ROOT_B))
      service.accept(confirmation(id, ROOT_D))
      service.flush()
      assert.equal(service.statusOf(id), 'pending')
      // The window ends on the clock, and new input is evaluated before the window timer runs.
      advance(WINDOW_MS + 5)
      // (A verdict on a claim not proposed yet: it opens no window of its own.)
      service.accept(confirmation(proposal('a claim not proposed yet').id, ROOT_B))
      service.flush()
      await eventually(() => service.statusOf(id) === 'accepted')
    } finally {
      service.stop()
    }
  })
})

describe('KnowledgeService.reannounce()', () => {
  /** A service whose broadcasts are recorded (type and payload), at a clock the test moves. */
  function recording (store: ClaimStore = fakeStore()) {
    let nowMs = NOW
    const sent: Array<{ type: string, payload: Record<string, unknown> }> = []
    const control = { failures: 0 }
    const service = new KnowledgeService({
      self: SELF,
      store,
      broadcast: async (type, payload) => {
        if (control.failures > 0) {
          control.failures--
          throw new Error('queue full')
        }
        sent.push({ type, payload: payload as unknown as Record<string, unknown> })
        return await Promise.resolve({ ...cipEnvelope(type, payload as never, SELF), msg_id: `own-${sent.length}` } as BodyEnvelope)
      },
      trustOf: (fingerprint) => (fingerprint === ROOT_B || fingerprint === ROOT_D ? 'trusted' : 'probing'),
      isPinned: (fingerprint) => fingerprint === ROOT_B || fingerprint === ROOT_D,
      isOverloaded: () => false,
      onOutcome: () => {},
      clock: { now: () => nowMs, monotonic: () => nowMs },
      events: recordingEvents(),
      logger: SILENT_LOGGER
    }, { isManual: true })
    return { service, sent, control, advance: (ms: number) => { nowMs += ms } }
  }

  test('sends again, as fresh envelopes, this node\'s own recent proposals and verdicts, and nothing of others', async () => {
    const { service, sent, advance } = recording()
    const own = await service.propose(factOf('said here'), DMP_TRACE)
    const confirmed = proposal('confirmed here')
    service.accept(confirmed.envelope)
    await service.confirm(confirmed.id)
    const challenged = proposal('challenged here')
    service.accept(challenged.envelope)
    await service.challenge(challenged.id)
    const silent = proposal('only heard here')
    service.accept(silent.envelope)
    service.accept(confirmation(silent.id, ROOT_B))
    service.flush()
    sent.length = 0
    advance(1000)
    assert.equal(await service.reannounce(), 3)
    assert.deepEqual(sent.map(({ type, payload }) => [type, payload.fact_ref ?? (payload.fact as { statement: string }).statement]).sort(), [
      ['FACT_CHALLENGE', challenged.id], ['FACT_CONFIRM', confirmed.id], ['FACT_PROPOSE', 'said here']
    ].sort())
    assert.equal(claimIdOf('said here', 'test'), own)
    assert.equal(service.claims().length, 4, 'and learns nothing new from itself')
  })

  test('leaves out claims first seen longer ago than REANNOUNCE_WINDOW_MS and sends at most REANNOUNCE_MAX, newest first', async () => {
    const { service, sent, advance } = recording()
    await service.propose(factOf('old news'), DMP_TRACE)
    advance(REANNOUNCE_WINDOW_MS + 1)
    for (let i = 0; i < REANNOUNCE_MAX + 3; i++) {
      await service.propose(factOf(`fresh ${i}`), DMP_TRACE)
      advance(1)
    }
    sent.length = 0
    assert.equal(await service.reannounce(), REANNOUNCE_MAX)
    const statements = sent.map(({ payload }) => (payload.fact as { statement: string }).statement)
    assert.ok(!statements.includes('old news'))
    assert.equal(statements[0], `fresh ${REANNOUNCE_MAX + 2}`)
    assert.ok(!statements.includes('fresh 0'), 'the oldest of the recent ones are the ones left out')
  })

  test('skips what cannot be sent and goes on with the rest', async () => {
    const { service, sent, control, advance } = recording()
    await service.propose(factOf('first'), DMP_TRACE)
    advance(1)
    await service.propose(factOf('second'), DMP_TRACE)
    sent.length = 0
    control.failures = 1
    assert.equal(await service.reannounce(), 1)
    assert.deepEqual(sent.map(({ payload }) => (payload.fact as { statement: string }).statement), ['first'], 'the newest failed; the other still went')
  })
})
