import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { HcpType, HumanState, PayloadMap } from '../../protocol/envelope/types.ts'
import { BackpressureError, PayloadSchemaError, TrustViolationError } from '../../protocol/errors.ts'
import { ALICE, BOB, hcpEnvelope, NOW, PAYLOADS, recordingEvents } from '../protocol-router/fixtures.test.ts'
import { HCP_MAX_SESSIONS, HcpService } from './hcp-service.ts'
import type { HcpServiceInit, HcpStateNotice } from './hcp-service.ts'

function harness (init?: HcpServiceInit) {
  const events = recordingEvents()
  const metrics = createCountingMetrics()
  const notices: HcpStateNotice[] = []
  let nowMs = NOW
  const service = new HcpService({ clock: { now: () => nowMs++ }, events, logger: SILENT_LOGGER, metrics, onState: (notice) => { notices.push(notice) } }, init)
  /** Sends one HCP envelope from a human (Alice unless `from` says otherwise). */
  const send = <T extends HcpType>(type: T, options: { payload?: PayloadMap[T], human?: Partial<HumanState>, from?: string } = {}) =>
    service.onEnvelope(hcpEnvelope(type, options.payload ?? PAYLOADS[type], { from: options.from ?? ALICE, ...(options.human === undefined ? {} : { human: options.human }) }))
  return { service, events, metrics, notices, send }
}

const hello = (scope: string[]): PayloadMap['HCP_HELLO'] => ({ identity: { name: 'Ada', role: 'operator' }, consent_scope: scope, safety_flags: [] })
const feedback = (satisfaction: number, corrections: string[] = []): PayloadMap['HCP_FEEDBACK'] => ({ feedback: 'noted', corrections, satisfaction })
const decision = (overrides: Partial<PayloadMap['HCP_DECISION']>): PayloadMap['HCP_DECISION'] =>
  ({ decision: 'book', rationale: 'fits the week', alternatives: ['skip'], follow_up: 'remind', ...overrides })

describe('new HcpService()', () => {
  test('HCP_MAX_SESSIONS is 1,024', () => {
    assert.equal(HCP_MAX_SESSIONS, 1024)
  })

  for (const [name, init, pattern] of [
    ['maxSessions 0', { maxSessions: 0 }, /Cannot create HCP service: maxSessions "0" is not a positive integer/],
    ['maxSessions 1.5', { maxSessions: 1.5 }, /maxSessions "1.5"/],
    ['a session option out of range', { validationStreak: 0 }, /Cannot create human session: validationStreak "0"/]
  ] as const) {
    test(`new HcpService() throws RangeError on ${name}`, () => {
      assert.throws(() => harness(init), (err: unknown) => err instanceof RangeError && pattern.test(err.message))
    })
  }
})

describe('HcpService.onEnvelope()', () => {
  test('HcpService.onEnvelope() opens a session keyed by the sender, reports hcp_state and tells onState', () => {
    const h = harness()
    const outcome = h.send('HCP_HELLO', { payload: hello(['calendar']) })
    assert.equal(outcome.trust, 'probing')
    assert.deepEqual(h.service.session(ALICE)?.consentScope, ['calendar'])
    assert.equal(h.service.session(BOB), undefined)
    const [state] = h.events.emitted.filter((event) => event.type === 'hcp_state')
    assert.deepEqual(state, {
      type: 'hcp_state', peer: ALICE, payload: {
        msg_id: `msg-HCP_HELLO-${ALICE.slice(0, 4)}`, type: 'HCP_HELLO', trust: 'probing', presence: 'engaged', affect: 'calm', clarity: 80,
        pressure: 10, consent: 'granted', gate: 'anything', pacing: 'proceed', pacing_reason: null
      }
    })
    assert.equal(h.notices.length, 1)
    const notice = h.notices[0]
    assert.ok(notice !== undefined && Object.isFrozen(notice))
    assert.equal(notice.fingerprint, ALICE)
    assert.equal(notice.type, 'HCP_HELLO')
    assert.equal(notice.session.trust, 'probing')
    assert.deepEqual(notice.transitions.map((step) => [step.from, step.to]), [['untrusted', 'probing']])
  })

  test('HcpService.onEnvelope() walks the HCP social trust machine and reports each transition (SPEC §6)', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]) })
    h.send('HCP_FEEDBACK', { payload: feedback(90) })
    h.send('HCP_FEEDBACK', { payload: feedback(95) })
    assert.equal(h.service.session(ALICE)?.trust, 'trusted')
    h.send('HCP_FEEDBACK', { payload: feedback(40, ['no, the other one']) })
    h.send('HCP_FEEDBACK', { payload: feedback(40, ['still wrong']) })
    assert.equal(h.service.session(ALICE)?.trust, 'probing')
    h.send('HCP_STATE_UPDATE', { payload: { ...PAYLOADS.HCP_STATE_UPDATE, consent: 'revoked' } })
    assert.equal(h.service.session(ALICE)?.trust, 'restricted')
    h.send('HCP_STATE_UPDATE', { payload: { ...PAYLOADS.HCP_STATE_UPDATE, consent: 'granted' } })
    const steps = h.events.of('hcp_trust_transition').map((payload) => `${String(payload.from)}→${String(payload.to)} (${String(payload.event)})`)
    assert.deepEqual(steps, [
      'untrusted→probing (hello)', 'probing→trusted (mutual_validation)', 'trusted→probing (repeated_misunderstanding)',
      'probing→restricted (consent_revoked)', 'restricted→probing (consent_restored)'
    ])
    assert.equal(h.metrics.value('web4_hcp_trust_transitions_total', { to: 'probing' }), 3)
    assert.equal(h.metrics.value('web4_hcp_trust_transitions_total', { to: 'restricted' }), 1)
    assert.equal(h.metrics.value('web4_hcp_trust_transitions_total', { to: 'trusted' }), 1)
  })

  const broken: Array<[string, Partial<PayloadMap['HCP_DECISION']>, string]> = [
    ['no rationale', { rationale: '  ' }, 'missing_rationale'],
    ['no alternatives', { alternatives: [] }, 'missing_alternatives'],
    ['an alternative that restates the decision', { alternatives: ['Book'] }, 'missing_alternatives']
  ]
  for (const [name, overrides, reason] of broken) {
    test(`HcpService.onEnvelope() refuses a decision with ${name} with PayloadSchemaError ${reason} (SPEC §8)`, () => {
      const h = harness()
      h.send('HCP_HELLO', { payload: hello([]) })
      assert.throws(() => h.send('HCP_DECISION', { payload: decision(overrides) }), (err: unknown) =>
        err instanceof PayloadSchemaError && err.reason === reason)
      assert.deepEqual(h.events.of('hcp_refused'), [{ kind: 'decision', msg_id: `msg-HCP_DECISION-${ALICE.slice(0, 4)}`, error: 'PayloadSchemaError', reason, field: reason === 'missing_rationale' ? 'payload.rationale' : 'payload.alternatives' }])
      assert.equal(h.metrics.value('web4_hcp_decisions_refused_total', { reason }), 1)
      assert.equal(h.notices.at(-1)?.decisionError?.reason, reason)
    })
  }

  test('HcpService.onEnvelope() accepts a decision with a rationale and an alternative', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]) })
    assert.equal(h.send('HCP_DECISION', { payload: decision({}) }).decisionError, undefined)
    assert.deepEqual(h.events.of('hcp_refused'), [])
  })

  test('HcpService.onEnvelope() applies the state a refused decision carried (consent still overrides)', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]) })
    assert.throws(() => h.send('HCP_DECISION', { payload: decision({ rationale: '' }), human: { consent: 'revoked' } }), PayloadSchemaError)
    assert.equal(h.service.session(ALICE)?.trust, 'restricted')
    assert.equal(h.service.mayActFor(ALICE, { topic: 'calendar' }).action, 'refuse')
  })

  test('HcpService.onEnvelope() survives an onState listener that throws', () => {
    const service = new HcpService({ clock: { now: () => NOW }, events: recordingEvents(), logger: SILENT_LOGGER, onState: () => { throw new Error('app bug') } })
    assert.equal(service.onEnvelope(hcpEnvelope('HCP_HELLO')).trust, 'probing')
  })

  test('HcpService.onEnvelope() forgets the least recently seen human beyond maxSessions', () => {
    const h = harness({ maxSessions: 2 })
    const carol = 'c'.repeat(64)
    h.send('HCP_HELLO', { from: ALICE })
    h.send('HCP_HELLO', { from: BOB })
    h.send('HCP_CONTEXT', { from: ALICE })
    h.send('HCP_HELLO', { from: carol })
    assert.deepEqual(h.service.sessions().map((entry) => entry.fingerprint), [ALICE, carol])
    assert.equal(h.service.session(BOB), undefined)
  })
})

describe('HcpService.mayActFor()', () => {
  test('HcpService.mayActFor() refuses everything for a human never heard from (consent unknown)', () => {
    const h = harness()
    const verdict = h.service.mayActFor(ALICE, { topic: 'calendar' })
    assert.ok(verdict.action === 'refuse' && verdict.error instanceof TrustViolationError && verdict.reason === 'consent_unknown')
    assert.equal(h.service.session(ALICE), undefined, 'asking creates no session')
    assert.deepEqual(h.events.of('hcp_refused'), [{ kind: 'act', action: 'refuse', reason: 'consent_unknown', subject: 'calendar' }])
    assert.equal(h.metrics.value('web4_hcp_gate_total', { action: 'refuse', reason: 'consent_unknown' }), 1)
  })

  test('HcpService.mayActFor() proceeds with granted consent and a calm, clear, unpressured human', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]) })
    assert.deepEqual(h.service.mayActFor(ALICE, { topic: 'anything' }), { allowed: true, action: 'proceed' })
    assert.equal(h.metrics.value('web4_hcp_gate_total', { action: 'proceed', reason: 'none' }), 1)
    assert.deepEqual(h.events.of('hcp_refused'), [])
    assert.deepEqual(h.events.of('hcp_deferred'), [])
  })

  test('HcpService.mayActFor() lets nothing be sent on the human\'s behalf once consent is revoked (SPEC §8)', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello(['calendar', 'mail']) })
    h.send('HCP_STATE_UPDATE', { payload: { ...PAYLOADS.HCP_STATE_UPDATE, consent: 'revoked' } })
    for (const action of [{ topic: 'calendar' }, { scopeItem: 'mail' }, { topic: 'anything' }]) {
      const verdict = h.service.mayActFor(ALICE, action)
      assert.ok(verdict.action === 'refuse' && verdict.reason === 'consent_revoked' && verdict.error instanceof TrustViolationError)
    }
    assert.equal(h.metrics.value('web4_hcp_gate_total', { action: 'refuse', reason: 'consent_revoked' }), 3)
  })

  test('HcpService.mayActFor() with limited consent allows only what is inside the consent scope', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello(['calendar']), human: { consent: 'limited' } })
    assert.equal(h.service.mayActFor(ALICE, { scopeItem: 'calendar' }).action, 'proceed')
    assert.equal(h.service.mayActFor(ALICE, { topic: 'Calendar' }).action, 'proceed')
    const outside = h.service.mayActFor(ALICE, { topic: 'mail' })
    assert.ok(!outside.allowed && outside.action === 'refuse' && outside.reason === 'outside_consent_scope')
  })

  const pacing: Array<[string, Partial<HumanState>, 'defer' | 'check_in', string]> = [
    ['pressure 80', { pressure: 80 }, 'defer', 'high_pressure'],
    ['pressure 95', { pressure: 95 }, 'defer', 'high_pressure'],
    ['clarity 30', { clarity: 30 }, 'defer', 'low_clarity'],
    ['clarity 5', { clarity: 5 }, 'defer', 'low_clarity'],
    ['an anxious human', { affect: 'anxious' }, 'check_in', 'affect_anxious'],
    ['a tense human', { affect: 'tense' }, 'check_in', 'affect_tense']
  ]
  for (const [name, human, action, reason] of pacing) {
    test(`HcpService.mayActFor() answers ${action} with ${reason} for ${name} (SPEC §8)`, () => {
      const h = harness()
      h.send('HCP_HELLO', { payload: hello([]), human })
      const verdict = h.service.mayActFor(ALICE, { topic: 'calendar' })
      assert.deepEqual(verdict, { allowed: false, action, reason })
      assert.deepEqual(h.events.of('hcp_deferred'), [{ kind: 'act', action, reason, subject: 'calendar' }])
      assert.equal(h.metrics.value('web4_hcp_gate_total', { action, reason }), 1)
    })
  }

  test('HcpService.mayActFor() proceeds just inside the pacing limits (pressure 79, clarity 31)', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]), human: { pressure: 79, clarity: 31 } })
    assert.equal(h.service.mayActFor(ALICE, { topic: 'calendar' }).action, 'proceed')
  })

  test('HcpService.mayActFor() proceeds for an anxious human once a check-in was asked and answered', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]), human: { affect: 'anxious' } })
    assert.equal(h.service.recordCheckIn(ALICE), true)
    assert.equal(h.service.mayActFor(ALICE, { topic: 'calendar' }).action, 'check_in', 'asking is not an answer')
    h.send('HCP_INTENT', { human: { affect: 'anxious' } })
    assert.equal(h.service.mayActFor(ALICE, { topic: 'calendar' }).action, 'proceed')
    assert.equal(h.service.recordCheckIn(BOB), false)
  })

  test('HcpService.mayActFor() keeps each human\'s gate apart', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]), from: ALICE, human: { consent: 'revoked' } })
    h.send('HCP_HELLO', { payload: hello([]), from: BOB })
    assert.equal(h.service.mayActFor(ALICE, { topic: 'x' }).action, 'refuse')
    assert.equal(h.service.mayActFor(BOB, { topic: 'x' }).action, 'proceed')
  })
})

describe('HcpService.assertMayActFor()', () => {
  test('HcpService.assertMayActFor() returns when the node may proceed', () => {
    const h = harness()
    h.send('HCP_HELLO', { payload: hello([]) })
    assert.doesNotThrow(() => { h.service.assertMayActFor(ALICE, { topic: 'calendar' }) })
  })

  const cases: Array<[string, Partial<HumanState>, (err: unknown) => boolean]> = [
    ['TrustViolationError consent_revoked when consent is revoked', { consent: 'revoked' }, (err) => err instanceof TrustViolationError && err.reason === 'consent_revoked'],
    ['BackpressureError high_pressure when pressure is high', { pressure: 90 }, (err) => err instanceof BackpressureError && err.reason === 'high_pressure' && err.fingerprint === ALICE],
    ['BackpressureError low_clarity when clarity is low', { clarity: 10 }, (err) => err instanceof BackpressureError && err.reason === 'low_clarity'],
    ['TrustViolationError affect_tense before a check-in', { affect: 'tense' }, (err) => err instanceof TrustViolationError && err.reason === 'affect_tense' && /check in first/.test((err as Error).message)]
  ]
  for (const [name, human, isExpected] of cases) {
    test(`HcpService.assertMayActFor() throws ${name}`, () => {
      const h = harness()
      h.send('HCP_HELLO', { payload: hello([]), human })
      assert.throws(() => { h.service.assertMayActFor(ALICE, { topic: 'calendar' }) }, isExpected)
    })
  }
})
