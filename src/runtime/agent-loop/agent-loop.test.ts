import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MeshEvent } from '../../observability/events.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import type { Logger } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { IntentPayload, Presence, StateBlock } from '../../protocol/envelope/types.ts'
import { PayloadSchemaError } from '../../protocol/errors.ts'
import { ALICE, cipEnvelope, recordingEvents } from '../protocol-router/fixtures.test.ts'
import { AGENT_LOOP_EVENTS, createAgentLoop } from './index.ts'
import type { AgentLoopEventName, AgentLoopEvents, IntakeDeferredNotice } from './index.ts'

function harness () {
  const state: StateBlock = { presence: 'engaged', lri: 50, kernel_signals: ['calm'], intent: 'mesh' }
  const presences: Array<[Presence, number]> = []
  const intents: IntentPayload[] = []
  const metrics = createCountingMetrics()
  const events = recordingEvents()
  const warnings: Array<Record<string, unknown>> = []
  const logger: Logger = { ...SILENT_LOGGER, warn: (fields) => { warnings.push(fields) }, child: () => logger }
  const loop = createAgentLoop({
    logger, metrics, events,
    localState: () => state,
    setPresence: (presence, lri) => {
      presences.push([presence, lri])
      Object.assign(state, { presence, lri })
    },
    declareIntent: (intent) => { intents.push(intent) }
  })
  return { loop, state, presences, intents, metrics, events, warnings }
}

const deferred: IntakeDeferredNotice = { from: ALICE, via: 'mesh', msgId: 'm1', type: 'FACT_PROPOSE', reason: 'local_overloaded' }

/** A sample notice per event (shapes only matter to the compiler here). */
const SAMPLES: { [E in AgentLoopEventName]: AgentLoopEvents[E] } = {
  envelope: { envelope: cipEnvelope('INTENT'), from: ALICE, via: 'direct' },
  state_update: { from: ALICE, via: 'mesh', msgId: 'm', presence: 'focused', lri: 1, ltppeerstate: 'probing', kernelSignals: [], intent: 'x' },
  intent: { protocol: 'hcp', from: ALICE, via: 'mesh', msgId: 'm', goal: 'align', topic: 't', priority: 'low' },
  claim_status: { claimId: 'c', proposer: null, from: 'pending', to: 'accepted', rule: 'quorum', reason: 'r' },
  trust_change: { fingerprint: ALICE, from: 'unknown', to: 'probing', event: 'handshake_valid', reason: 'r' },
  hcp_state: { fingerprint: ALICE, msgId: 'm', type: 'HCP_HELLO', trust: 'probing', transitions: [], gate: { consent: 'anything', scope: [], pacing: { action: 'proceed' } }, session: { trust: 'probing', consentScope: [], safetyFlags: [], checkIn: 'none' } },
  lip_status: { id: 'e', from: 'pending', to: 'accepted', reason: 'source_tier', atMs: 0, item: {} as AgentLoopEvents['lip_status']['item'] },
  lip_fetch: { from: ALICE, msgId: 'm', query: 'q', constraints: [], source: { uri: 'https://x.test', trust_tier: 'low', retrieved_at: '2026-01-01T00:00:00Z' } },
  intake_deferred: deferred
}

describe('AgentLoop.on()', () => {
  test('AGENT_LOOP_EVENTS names every event of the AgentLoop', () => {
    assert.deepEqual([...AGENT_LOOP_EVENTS], ['envelope', 'state_update', 'intent', 'claim_status', 'trust_change', 'hcp_state', 'lip_status', 'lip_fetch', 'intake_deferred'])
  })

  test('AgentLoop.on() hands each event\'s notice to that event\'s listeners only', () => {
    const h = harness()
    const seen: Array<[string, unknown]> = []
    for (const name of AGENT_LOOP_EVENTS) h.loop.on(name, (notice) => { seen.push([name, notice]) })
    for (const name of AGENT_LOOP_EVENTS) h.loop.emit(name, SAMPLES[name])
    assert.deepEqual(seen, AGENT_LOOP_EVENTS.map((name) => [name, SAMPLES[name]]))
  })

  test('AgentLoop.on() returns an unsubscribe function that is safe to call twice', () => {
    const h = harness()
    const seen: string[] = []
    const unsubscribe = h.loop.on('intent', (notice) => { seen.push(notice.msgId) })
    h.loop.emit('intent', SAMPLES.intent)
    unsubscribe()
    unsubscribe()
    h.loop.emit('intent', SAMPLES.intent)
    assert.deepEqual(seen, ['m'])
  })

  test('AgentLoop.on() counts the same listener subscribed twice as two subscriptions', () => {
    const h = harness()
    let calls = 0
    const listener = (): void => { calls++ }
    const first = h.loop.on('claim_status', listener)
    h.loop.on('claim_status', listener)
    h.loop.emit('claim_status', SAMPLES.claim_status)
    first()
    h.loop.emit('claim_status', SAMPLES.claim_status)
    assert.equal(calls, 3)
  })

  test('AgentLoop.on() throws RangeError on an unknown event and TypeError on a listener that is not a function', () => {
    const h = harness()
    assert.throws(() => h.loop.on('message' as AgentLoopEventName, () => undefined), (err: unknown) => err instanceof RangeError && /no such event/.test(err.message))
    assert.throws(() => h.loop.on('__proto__' as AgentLoopEventName, () => undefined), RangeError)
    assert.throws(() => h.loop.on('intent', 'listener' as never), TypeError)
  })
})

describe('AgentLoopHub.emit()', () => {
  test('AgentLoopHub.emit() isolates listeners: one that throws is logged and counted, the others still run', () => {
    const h = harness()
    const seen: string[] = []
    h.loop.on('trust_change', () => { seen.push('first') })
    h.loop.on('trust_change', () => { throw new Error('app bug') })
    h.loop.on('trust_change', () => { throw 'not even an error' as unknown as Error })
    h.loop.on('trust_change', () => { seen.push('last') })
    assert.doesNotThrow(() => { h.loop.emit('trust_change', SAMPLES.trust_change) })
    assert.deepEqual(seen, ['first', 'last'])
    assert.equal(h.metrics.value('web4_agent_loop_listener_errors_total', { event: 'trust_change' }), 2)
    assert.deepEqual(h.warnings.map((fields) => fields.err), ['app bug', 'not even an error'])
  })

  test('AgentLoopHub.emit() runs the listeners of the moment: one added or removed by a listener takes effect next time', () => {
    const h = harness()
    const seen: string[] = []
    let removeSecond: () => void = () => undefined
    h.loop.on('envelope', () => {
      seen.push('first')
      removeSecond()
      h.loop.on('envelope', () => { seen.push('added') })
    })
    removeSecond = h.loop.on('envelope', () => { seen.push('second') })
    h.loop.emit('envelope', SAMPLES.envelope)
    assert.deepEqual(seen, ['first', 'second'])
    seen.length = 0
    removeSecond = () => undefined
    h.loop.emit('envelope', SAMPLES.envelope)
    assert.deepEqual(seen, ['first', 'added'])
  })

  test('AgentLoopHub.emit() with no listeners does nothing', () => {
    const h = harness()
    assert.doesNotThrow(() => { h.loop.emit('lip_fetch', SAMPLES.lip_fetch) })
  })

  test('AgentLoopHub.emit() lets a listener emit another event without harm', () => {
    const h = harness()
    const seen: string[] = []
    h.loop.on('state_update', () => { h.loop.emit('intent', SAMPLES.intent) })
    h.loop.on('intent', () => { seen.push('intent') })
    h.loop.emit('state_update', SAMPLES.state_update)
    assert.deepEqual(seen, ['intent'])
  })
})

describe('AgentLoopHub.deferIntake() and onMeshEvent()', () => {
  test('AgentLoopHub.deferIntake() emits intake_deferred to listeners and as an observability event, and counts it', () => {
    const h = harness()
    const seen: IntakeDeferredNotice[] = []
    h.loop.on('intake_deferred', (notice) => { seen.push(notice) })
    h.loop.deferIntake(deferred)
    assert.deepEqual(seen, [deferred])
    assert.deepEqual(h.events.emitted, [{ type: 'intake_deferred', peer: ALICE, payload: { msg_id: 'm1', type: 'FACT_PROPOSE', via: 'mesh', reason: 'local_overloaded' } }])
    assert.equal(h.metrics.value('web4_runtime_intake_deferred_total', { type: 'FACT_PROPOSE' }), 1)
  })

  test('AgentLoopHub.onMeshEvent() turns trust_transition and claim_status events into notices and ignores others', () => {
    const h = harness()
    const seen: Array<[string, unknown]> = []
    h.loop.on('trust_change', (notice) => { seen.push(['trust_change', notice]) })
    h.loop.on('claim_status', (notice) => { seen.push(['claim_status', notice]) })
    const event = (type: MeshEvent['event_type'], payload: Record<string, unknown>): MeshEvent =>
      ({ event_type: type, node: 'n', peer: ALICE, payload, occurred_at: '2026-11-26T00:00:00.000Z', seq: 1 })
    h.loop.onMeshEvent(event('trust_transition', { from: 'probing', to: 'trusted', event: 'verified_knowledge', reason: 'two accepted claims' }))
    h.loop.onMeshEvent(event('claim_status', { claim_id: 'c1', from: 'pending', to: 'accepted', rule: 'quorum', reason: 'two trusted confirmations' }))
    h.loop.onMeshEvent(event('mesh_routed', {}))
    assert.deepEqual(seen, [
      ['trust_change', { fingerprint: ALICE, from: 'probing', to: 'trusted', event: 'verified_knowledge', reason: 'two accepted claims' }],
      ['claim_status', { claimId: 'c1', proposer: ALICE, from: 'pending', to: 'accepted', rule: 'quorum', reason: 'two trusted confirmations' }]
    ])
  })
})

describe('AgentLoop state', () => {
  test('AgentLoop.setPresence() hands presence and LRI to the node, keeping the LRI when it is omitted', () => {
    const h = harness()
    h.loop.setPresence('focused', 20)
    h.loop.setPresence('overloaded')
    assert.deepEqual(h.presences, [['focused', 20], ['overloaded', 20]])
    assert.equal(h.loop.isOverloaded(), true)
    h.loop.setPresence('diffuse', 0)
    assert.equal(h.loop.isOverloaded(), false)
  })

  for (const [name, presence, lri] of [
    ['a presence outside the vocabulary', 'asleep', 10],
    ['an LRI above 100', 'focused', 101],
    ['an LRI below 0', 'focused', -1],
    ['an LRI that is not a number', 'focused', Number.NaN]
  ] as const) {
    test(`AgentLoop.setPresence() throws RangeError on ${name} and changes nothing`, () => {
      const h = harness()
      assert.throws(() => { h.loop.setPresence(presence as Presence, lri) }, RangeError)
      assert.deepEqual(h.presences, [])
    })
  }

  test('AgentLoop.declareIntent() validates the intent and hands the node a copy', () => {
    const h = harness()
    const intent: IntentPayload = { goal: 'ask', topic: 'boiling', priority: 'high', context: 'lab' }
    h.loop.declareIntent(intent)
    assert.deepEqual(h.intents, [intent])
    assert.notEqual(h.intents[0], intent)
    assert.throws(() => { h.loop.declareIntent({ ...intent, goal: 'conquer' as IntentPayload['goal'] }) }, PayloadSchemaError)
    assert.equal(h.intents.length, 1)
  })

  test('AgentLoop.state() returns a copy of the node\'s own state', () => {
    const h = harness()
    const state = h.loop.state()
    assert.deepEqual(state, h.state)
    state.kernel_signals.push('mutated')
    assert.deepEqual(h.state.kernel_signals, ['calm'])
  })
})
