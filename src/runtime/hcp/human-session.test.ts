import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { AFFECTS, CONSENT_STATES, PRESENCE_STATES } from '../../protocol/envelope/types.ts'
import type { Consent, HcpType, HumanState, PayloadMap } from '../../protocol/envelope/types.ts'
import { HumanSession } from './human-session.ts'
import type { ActDecision } from './human-session.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 500 }
const NOW = 1_800_000_000_000

const humanOf = (overrides: Partial<HumanState> = {}): HumanState =>
  ({ presence: 'engaged', affect: 'calm', clarity: 80, pressure: 10, intent: 'plan', consent: 'granted', ...overrides })

const hello = (scope: string[] = ['calendar'], flags: string[] = []): PayloadMap['HCP_HELLO'] =>
  ({ identity: { name: 'Ada', role: 'operator' }, consent_scope: scope, safety_flags: flags })
const feedback = (satisfaction: number, corrections: string[] = []): PayloadMap['HCP_FEEDBACK'] =>
  ({ feedback: 'noted', corrections, satisfaction })
const stateUpdate = (overrides: Partial<PayloadMap['HCP_STATE_UPDATE']> = {}): PayloadMap['HCP_STATE_UPDATE'] =>
  ({ presence: 'engaged', affect: 'calm', clarity: 80, pressure: 10, consent: 'granted', ...overrides })
const intent: PayloadMap['HCP_INTENT'] = { goal: 'request', topic: 'calendar', priority: 'normal' }
const decision = (rationale = 'fits the week'): PayloadMap['HCP_DECISION'] =>
  ({ decision: 'book', rationale, alternatives: ['skip'], follow_up: 'remind' })

/** A session that has seen an HCP_HELLO (probing). */
function greeted (human: HumanState = humanOf(), scope?: string[]): HumanSession {
  const session = new HumanSession()
  session.onEnvelope('HCP_HELLO', hello(scope), human, NOW)
  return session
}

/** A session taken to trusted by two validating feedbacks. */
function trusted (): HumanSession {
  const session = greeted()
  session.onEnvelope('HCP_FEEDBACK', feedback(90), humanOf(), NOW + 1)
  session.onEnvelope('HCP_FEEDBACK', feedback(95), humanOf(), NOW + 2)
  assert.equal(session.trust, 'trusted')
  return session
}

const refusalReason = (verdict: ActDecision): string | undefined => verdict.allowed ? undefined : verdict.reason

describe('HumanSession constructor', () => {
  test('new HumanSession() starts untrusted with an empty state vector', () => {
    const session = new HumanSession()
    assert.equal(session.trust, 'untrusted')
    assert.deepEqual(session.snapshot(), { trust: 'untrusted', consentScope: [], safetyFlags: [], checkIn: 'none' })
  })

  const invalid: [string, ConstructorParameters<typeof HumanSession>[0], RegExp][] = [
    ['a satisfaction threshold above 100', { validationSatisfactionMin: 101 }, /validationSatisfactionMin "101"/],
    ['a negative satisfaction threshold', { validationSatisfactionMin: -1 }, /validationSatisfactionMin "-1"/],
    ['a NaN satisfaction threshold', { validationSatisfactionMin: Number.NaN }, /validationSatisfactionMin "NaN"/],
    ['a zero validation streak', { validationStreak: 0 }, /validationStreak "0"/],
    ['a fractional misunderstanding streak', { misunderstandingStreak: 1.5 }, /misunderstandingStreak "1.5"/]
  ]
  for (const [name, init, message] of invalid) {
    test(`new HumanSession() throws RangeError on ${name}`, () => {
      assert.throws(() => new HumanSession(init), (err: unknown) => err instanceof RangeError && message.test(err.message))
    })
  }

  test('HumanSession.onEnvelope() throws RangeError when nowMs is not finite', () => {
    assert.throws(() => new HumanSession().onEnvelope('HCP_INTENT', intent, humanOf(), Number.NaN), RangeError)
  })
})

describe('HumanSession HCP social trust', () => {
  test('HumanSession.onEnvelope() moves untrusted to probing on HCP_HELLO and keeps the scope, flags and identity', () => {
    const session = new HumanSession()
    const outcome = session.onEnvelope('HCP_HELLO', hello(['calendar', 'mail'], ['minor']), humanOf({ consent: 'limited' }), NOW)
    assert.equal(outcome.trust, 'probing')
    assert.equal(outcome.transitions.length, 1)
    assert.deepEqual(outcome.transitions[0], {
      from: 'untrusted', to: 'probing', event: 'hello', reason: 'HCP hello opens a probing conversation (SPEC §6)', ignored: false, atMs: NOW
    })
    const snapshot = session.snapshot()
    assert.deepEqual(snapshot.consentScope, ['calendar', 'mail'])
    assert.deepEqual(snapshot.safetyFlags, ['minor'])
    assert.deepEqual(snapshot.identity, { name: 'Ada', role: 'operator' })
    assert.equal(snapshot.lastSeenAtMs, NOW)
    assert.deepEqual(outcome.gate, { consent: 'in_scope', scope: ['calendar', 'mail'], pacing: { action: 'proceed' } })
  })

  test('HumanSession.onEnvelope() applies a revoked consent before the HCP_HELLO it arrives with', () => {
    const outcome = new HumanSession().onEnvelope('HCP_HELLO', hello(), humanOf({ consent: 'revoked' }), NOW)
    assert.equal(outcome.trust, 'restricted')
    assert.deepEqual(outcome.transitions.map((step) => [step.event, step.to, step.ignored]), [
      ['consent_revoked', 'restricted', false], ['hello', 'restricted', true]
    ])
    assert.match(outcome.transitions[1]!.reason, /no transition from "restricted" on "hello"/)
  })

  test('HumanSession.onEnvelope() moves to restricted when HCP_STATE_UPDATE revokes consent, from every state', () => {
    for (const session of [new HumanSession(), greeted(), trusted()]) {
      const outcome = session.onEnvelope('HCP_STATE_UPDATE', stateUpdate({ consent: 'revoked' }), humanOf({ consent: 'revoked' }), NOW + 10)
      assert.equal(outcome.trust, 'restricted')
      assert.equal(outcome.transitions.at(-1)?.event, 'consent_revoked')
      assert.deepEqual(outcome.gate.consent, 'nothing')
    }
  })

  test('HumanSession.onEnvelope() moves to restricted when any envelope\'s state.human block revokes consent', () => {
    const session = greeted()
    const outcome = session.onEnvelope('HCP_INTENT', intent, humanOf({ consent: 'revoked' }), NOW + 1)
    assert.equal(outcome.trust, 'restricted')
  })

  test('HumanSession.onEnvelope() raises consent_revoked once, not on every envelope while revoked', () => {
    const session = greeted()
    session.onEnvelope('HCP_CONTEXT', { context: 'c', constraints: [], shared_history: [] }, humanOf({ consent: 'revoked' }), NOW + 1)
    const outcome = session.onEnvelope('HCP_CONTEXT', { context: 'c', constraints: [], shared_history: [] }, humanOf({ consent: 'revoked' }), NOW + 2)
    assert.deepEqual(outcome.transitions, [])
  })

  test('HumanSession.onEnvelope() moves restricted to probing when consent is restored', () => {
    const session = greeted(humanOf({ consent: 'revoked' }))
    const outcome = session.onEnvelope('HCP_STATE_UPDATE', stateUpdate({ consent: 'limited' }), humanOf({ consent: 'limited' }), NOW + 1)
    assert.equal(outcome.trust, 'probing')
    assert.deepEqual(outcome.transitions.map((step) => step.event), ['consent_restored'])
  })

  test('HumanSession.onEnvelope() takes the more restrictive consent of the block and the HCP_STATE_UPDATE payload', () => {
    const session = greeted()
    const outcome = session.onEnvelope('HCP_STATE_UPDATE', stateUpdate({ consent: 'granted', pressure: 85 }), humanOf({ consent: 'revoked', pressure: 5 }), NOW + 1)
    assert.equal(outcome.trust, 'restricted')
    assert.equal(session.snapshot().human?.consent, 'revoked')
    assert.equal(session.snapshot().human?.pressure, 85, 'the payload overrides the block for the other readings')
    const limited = greeted().onEnvelope('HCP_STATE_UPDATE', stateUpdate({ consent: 'limited' }), humanOf({ consent: 'granted' }), NOW + 1)
    assert.equal(limited.gate.consent, 'in_scope')
  })

  test('HumanSession.onEnvelope() moves probing to trusted after two validating feedbacks in a row', () => {
    const session = greeted()
    const first = session.onEnvelope('HCP_FEEDBACK', feedback(80), humanOf(), NOW + 1)
    assert.deepEqual(first.transitions, [])
    const second = session.onEnvelope('HCP_FEEDBACK', feedback(100), humanOf(), NOW + 2)
    assert.equal(second.trust, 'trusted')
    assert.deepEqual(second.transitions.map((step) => [step.event, step.from, step.to, step.atMs]), [['mutual_validation', 'probing', 'trusted', NOW + 2]])
  })

  test('HumanSession.onEnvelope() does not count a feedback below the threshold or with corrections as validating', () => {
    const below = greeted()
    below.onEnvelope('HCP_FEEDBACK', feedback(79), humanOf(), NOW + 1)
    below.onEnvelope('HCP_FEEDBACK', feedback(79), humanOf(), NOW + 2)
    assert.equal(below.trust, 'probing')
    const corrected = greeted()
    corrected.onEnvelope('HCP_FEEDBACK', feedback(100, ['not that one']), humanOf(), NOW + 1)
    corrected.onEnvelope('HCP_FEEDBACK', feedback(100), humanOf(), NOW + 2)
    assert.equal(corrected.trust, 'probing')
  })

  test('HumanSession.onEnvelope() needs the validating feedbacks to be consecutive', () => {
    const session = greeted()
    session.onEnvelope('HCP_FEEDBACK', feedback(90), humanOf(), NOW + 1)
    session.onEnvelope('HCP_FEEDBACK', feedback(50), humanOf(), NOW + 2)
    session.onEnvelope('HCP_FEEDBACK', feedback(90), humanOf(), NOW + 3)
    assert.equal(session.trust, 'probing')
    session.onEnvelope('HCP_FEEDBACK', feedback(90), humanOf(), NOW + 4)
    assert.equal(session.trust, 'trusted')
  })

  test('HumanSession.onEnvelope() moves trusted to probing after corrections in two feedbacks in a row', () => {
    const session = trusted()
    assert.deepEqual(session.onEnvelope('HCP_FEEDBACK', feedback(40, ['wrong date']), humanOf(), NOW + 3).transitions, [])
    const outcome = session.onEnvelope('HCP_FEEDBACK', feedback(90, ['wrong room']), humanOf(), NOW + 4)
    assert.equal(outcome.trust, 'probing')
    assert.deepEqual(outcome.transitions.map((step) => [step.event, step.from, step.to]), [['repeated_misunderstanding', 'trusted', 'probing']])
  })

  test('HumanSession.onEnvelope() ignores blank corrections and needs the corrections to be consecutive', () => {
    const session = trusted()
    session.onEnvelope('HCP_FEEDBACK', feedback(50, ['wrong']), humanOf(), NOW + 3)
    session.onEnvelope('HCP_FEEDBACK', feedback(50, ['  ', '']), humanOf(), NOW + 4)
    session.onEnvelope('HCP_FEEDBACK', feedback(50, ['wrong again']), humanOf(), NOW + 5)
    assert.equal(session.trust, 'trusted')
  })

  test('HumanSession.onEnvelope() reports a repeated misunderstanding in probing as an ignored step with its reason', () => {
    const session = greeted()
    session.onEnvelope('HCP_FEEDBACK', feedback(50, ['a']), humanOf(), NOW + 1)
    const outcome = session.onEnvelope('HCP_FEEDBACK', feedback(50, ['b']), humanOf(), NOW + 2)
    assert.equal(outcome.trust, 'probing')
    assert.equal(outcome.transitions.length, 1)
    assert.equal(outcome.transitions[0]?.ignored, true)
    assert.match(outcome.transitions[0].reason, /no transition from "probing" on "repeated_misunderstanding"/)
  })

  test('HumanSession.onEnvelope() never validates a restricted session into trusted', () => {
    const session = greeted(humanOf({ consent: 'revoked' }))
    session.onEnvelope('HCP_FEEDBACK', feedback(100), humanOf({ consent: 'revoked' }), NOW + 1)
    const outcome = session.onEnvelope('HCP_FEEDBACK', feedback(100), humanOf({ consent: 'revoked' }), NOW + 2)
    assert.equal(outcome.trust, 'restricted')
    assert.equal(outcome.transitions[0]?.ignored, true)
  })

  test('HumanSession honours its thresholds from HumanSessionInit', () => {
    const session = new HumanSession({ validationSatisfactionMin: 50, validationStreak: 1, misunderstandingStreak: 3 })
    session.onEnvelope('HCP_HELLO', hello(), humanOf(), NOW)
    session.onEnvelope('HCP_FEEDBACK', feedback(50), humanOf(), NOW + 1)
    assert.equal(session.trust, 'trusted')
    for (let index = 0; index < 2; index++) session.onEnvelope('HCP_FEEDBACK', feedback(0, ['x']), humanOf(), NOW + 2 + index)
    assert.equal(session.trust, 'trusted')
    session.onEnvelope('HCP_FEEDBACK', feedback(0, ['x']), humanOf(), NOW + 5)
    assert.equal(session.trust, 'probing')
  })
})

describe('HumanSession gating', () => {
  test('HumanSession.mayAct() refuses with consent_unknown before any envelope', () => {
    const verdict = new HumanSession().mayAct({ topic: 'calendar' })
    assert.equal(verdict.allowed, false)
    assert.equal(refusalReason(verdict), 'consent_unknown')
    if (verdict.action === 'refuse') assert.equal(verdict.error.name, 'TrustViolationError')
  })

  test('HumanSession.mayAct() proceeds with granted consent and a calm human', () => {
    assert.deepEqual(greeted().mayAct({ topic: 'anything' }), { allowed: true, action: 'proceed' })
  })

  test('HumanSession.mayAct() allows limited consent only inside the HCP_HELLO scope', () => {
    const session = greeted(humanOf({ consent: 'limited' }), ['calendar'])
    assert.deepEqual(session.mayAct({ scopeItem: 'calendar' }), { allowed: true, action: 'proceed' })
    assert.equal(refusalReason(session.mayAct({ topic: 'mail' })), 'outside_consent_scope')
  })

  test('HumanSession.mayAct() allows nothing under limited consent before an HCP_HELLO has given a scope', () => {
    const session = new HumanSession()
    session.onEnvelope('HCP_INTENT', intent, humanOf({ consent: 'limited' }), NOW)
    assert.equal(refusalReason(session.mayAct({ topic: 'calendar' })), 'outside_consent_scope')
  })

  test('HumanSession.mayAct() puts consent before pacing', () => {
    const session = greeted(humanOf({ consent: 'revoked', pressure: 95, affect: 'anxious' }))
    const verdict = session.mayAct({ topic: 'calendar' })
    assert.equal(verdict.action, 'refuse')
    assert.equal(refusalReason(verdict), 'consent_revoked')
  })

  test('HumanSession.mayAct() defers on high pressure and low clarity, and checks in on anxious or tense affect', () => {
    assert.deepEqual(greeted(humanOf({ pressure: 80 })).mayAct({ topic: 'x' }), { allowed: false, action: 'defer', reason: 'high_pressure' })
    assert.deepEqual(greeted(humanOf({ clarity: 30 })).mayAct({ topic: 'x' }), { allowed: false, action: 'defer', reason: 'low_clarity' })
    assert.deepEqual(greeted(humanOf({ affect: 'anxious' })).mayAct({ topic: 'x' }), { allowed: false, action: 'check_in', reason: 'affect_anxious' })
    assert.deepEqual(greeted(humanOf({ affect: 'tense' })).mayAct({ topic: 'x' }), { allowed: false, action: 'check_in', reason: 'affect_tense' })
  })

  test('HumanSession.onEnvelope() reports the gate: nothing, in_scope or anything, with pacing', () => {
    const session = greeted()
    assert.deepEqual(session.onEnvelope('HCP_STATE_UPDATE', stateUpdate({ pressure: 90 }), humanOf(), NOW + 1).gate,
      { consent: 'anything', scope: [], pacing: { action: 'defer', reason: 'high_pressure' } })
    assert.deepEqual(session.onEnvelope('HCP_STATE_UPDATE', stateUpdate({ consent: 'revoked' }), humanOf(), NOW + 2).gate,
      { consent: 'nothing', scope: [], pacing: { action: 'proceed' } })
  })
})

describe('HumanSession check-in', () => {
  const anxious = humanOf({ affect: 'anxious' })

  test('HumanSession.mayAct() proceeds once an explicit answer confirms a recorded check-in', () => {
    const session = greeted(anxious)
    assert.equal(session.mayAct({ topic: 'x' }).action, 'check_in')
    session.recordCheckIn()
    assert.equal(session.snapshot().checkIn, 'sent')
    assert.equal(session.mayAct({ topic: 'x' }).action, 'check_in', 'asking is not an answer')
    const outcome = session.onEnvelope('HCP_INTENT', intent, anxious, NOW + 1)
    assert.equal(session.snapshot().checkIn, 'confirmed')
    assert.deepEqual(outcome.gate.pacing, { action: 'proceed' })
    assert.deepEqual(session.mayAct({ topic: 'x' }), { allowed: true, action: 'proceed' })
  })

  test('HumanSession confirms a check-in with a valid HCP_DECISION or a feedback without corrections, not otherwise', () => {
    const cases: [string, (session: HumanSession) => unknown, boolean][] = [
      ['a valid decision', (session) => session.onEnvelope('HCP_DECISION', decision(), anxious, NOW + 1), true],
      ['a decision without rationale', (session) => session.onEnvelope('HCP_DECISION', decision(''), anxious, NOW + 1), false],
      ['a feedback without corrections', (session) => session.onEnvelope('HCP_FEEDBACK', feedback(10), anxious, NOW + 1), true],
      ['a feedback with corrections', (session) => session.onEnvelope('HCP_FEEDBACK', feedback(10, ['no']), anxious, NOW + 1), false],
      ['a context', (session) => session.onEnvelope('HCP_CONTEXT', { context: 'c', constraints: [], shared_history: [] }, anxious, NOW + 1), false]
    ]
    for (const [name, answer, isConfirmed] of cases) {
      const session = greeted(anxious)
      session.recordCheckIn()
      answer(session)
      assert.equal(session.snapshot().checkIn, isConfirmed ? 'confirmed' : 'sent', name)
    }
  })

  test('HumanSession does not confirm a check-in it never recorded', () => {
    const session = greeted(anxious)
    session.onEnvelope('HCP_INTENT', intent, anxious, NOW + 1)
    assert.equal(session.mayAct({ topic: 'x' }).action, 'check_in')
  })

  test('HumanSession clears a confirmed check-in when the affect changes or an HCP_STATE_UPDATE arrives', () => {
    const confirmed = (): HumanSession => {
      const session = greeted(anxious)
      session.recordCheckIn()
      session.onEnvelope('HCP_INTENT', intent, anxious, NOW + 1)
      return session
    }
    const changed = confirmed()
    changed.onEnvelope('HCP_INTENT', intent, humanOf({ affect: 'tense' }), NOW + 2)
    assert.deepEqual(changed.mayAct({ topic: 'x' }), { allowed: false, action: 'check_in', reason: 'affect_tense' })
    const updated = confirmed()
    updated.onEnvelope('HCP_STATE_UPDATE', stateUpdate({ affect: 'anxious' }), anxious, NOW + 2)
    assert.equal(updated.mayAct({ topic: 'x' }).action, 'check_in')
  })

  test('HumanSession never lets a confirmed check-in override a deferral', () => {
    const session = greeted(humanOf({ affect: 'anxious', clarity: 20 }))
    session.recordCheckIn()
    session.onEnvelope('HCP_INTENT', intent, humanOf({ affect: 'anxious', clarity: 20 }), NOW + 1)
    assert.deepEqual(session.mayAct({ topic: 'x' }), { allowed: false, action: 'defer', reason: 'low_clarity' })
  })
})

describe('HumanSession decisions and snapshots', () => {
  test('HumanSession.onEnvelope() reports an HCP_DECISION without rationale or alternatives as a PayloadSchemaError', () => {
    const session = greeted()
    const missing = session.onEnvelope('HCP_DECISION', { ...decision(), alternatives: [] }, humanOf(), NOW + 1)
    assert.equal(missing.decisionError?.name, 'PayloadSchemaError')
    assert.equal(missing.decisionError.reason, 'missing_alternatives')
    assert.equal(session.onEnvelope('HCP_DECISION', decision(), humanOf(), NOW + 2).decisionError, undefined)
  })

  test('HumanSession.snapshot() is a frozen copy that later envelopes do not change', () => {
    const session = greeted(humanOf(), ['calendar'])
    const before = session.snapshot()
    assert.ok(Object.isFrozen(before))
    assert.ok(Object.isFrozen(before.consentScope))
    session.onEnvelope('HCP_HELLO', hello(['mail']), humanOf({ pressure: 99 }), NOW + 1)
    assert.deepEqual(before.consentScope, ['calendar'])
    assert.equal(before.human?.pressure, 10)
    assert.deepEqual(session.snapshot().consentScope, ['mail'])
  })

  test('HumanSession keeps its own copy of the HCP_HELLO scope', () => {
    const scope = ['calendar']
    const session = greeted(humanOf({ consent: 'limited' }), scope)
    scope.push('mail')
    assert.equal(refusalReason(session.mayAct({ topic: 'mail' })), 'outside_consent_scope')
  })
})

describe('HumanSession properties', () => {
  const consentArb = fc.constantFrom(...CONSENT_STATES)
  const humanArb = fc.record({
    presence: fc.constantFrom(...PRESENCE_STATES),
    affect: fc.constantFrom(...AFFECTS),
    clarity: fc.integer({ min: 0, max: 100 }),
    pressure: fc.integer({ min: 0, max: 100 }),
    intent: fc.string(),
    consent: consentArb
  })
  const wordsArb = fc.array(fc.constantFrom('calendar', 'mail', '', 'fix'), { maxLength: 3 })
  type Step = { [K in HcpType]: { type: K, payload: PayloadMap[K] } }[HcpType]
  const stepArb: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ type: fc.constant('HCP_HELLO' as const), payload: fc.record({ identity: fc.record({ name: fc.string(), role: fc.string() }), consent_scope: wordsArb, safety_flags: wordsArb }) }),
    fc.record({ type: fc.constant('HCP_INTENT' as const), payload: fc.constant(intent) }),
    fc.record({ type: fc.constant('HCP_CONTEXT' as const), payload: fc.record({ context: fc.string(), constraints: wordsArb, shared_history: wordsArb }) }),
    fc.record({ type: fc.constant('HCP_DECISION' as const), payload: fc.record({ decision: fc.string(), rationale: fc.constantFrom('', 'because'), alternatives: wordsArb, follow_up: fc.string() }) }),
    fc.record({ type: fc.constant('HCP_FEEDBACK' as const), payload: fc.record({ feedback: fc.string(), corrections: wordsArb, satisfaction: fc.integer({ min: 0, max: 100 }) }) }),
    fc.record({ type: fc.constant('HCP_STATE_UPDATE' as const), payload: fc.record({ presence: fc.constantFrom(...PRESENCE_STATES), affect: fc.constantFrom(...AFFECTS), clarity: fc.integer({ min: 0, max: 100 }), pressure: fc.integer({ min: 0, max: 100 }), consent: consentArb }) })
  )
  const runArb = fc.array(fc.tuple(stepArb, humanArb, fc.boolean()), { minLength: 1, maxLength: 25 })
  const actionArb = fc.oneof(fc.record({ topic: fc.constantFrom('calendar', 'mail', 'x', '') }), fc.record({ scopeItem: fc.constantFrom('calendar', 'mail', 'x', '') }))

  test('HumanSession never allows anything while consent is revoked, and is then restricted (property)', () => {
    fc.assert(fc.property(runArb, actionArb, (run, action) => {
      const session = new HumanSession()
      let now = NOW
      for (const [step, human, shouldCheckIn] of run) {
        if (shouldCheckIn) session.recordCheckIn()
        session.onEnvelope(step.type, step.payload, human, now++)
        const consent: Consent | undefined = session.snapshot().human?.consent
        if (consent === 'revoked') {
          assert.equal(session.trust, 'restricted')
          const verdict = session.mayAct(action)
          assert.equal(verdict.allowed, false)
          assert.equal(refusalReason(verdict), 'consent_revoked')
        }
      }
    }), PROPERTY_OPTIONS)
  })

  test('HumanSession.mayAct() only allows what consent and pacing both allow (property)', () => {
    fc.assert(fc.property(runArb, actionArb, (run, action) => {
      const session = new HumanSession()
      let now = NOW
      for (const [step, human, shouldCheckIn] of run) {
        if (shouldCheckIn) session.recordCheckIn()
        session.onEnvelope(step.type, step.payload, human, now++)
      }
      const { human, consentScope } = session.snapshot()
      if (!session.mayAct(action).allowed) return
      assert.ok(human !== undefined)
      assert.ok(human.pressure < 80 && human.clarity > 30)
      assert.notEqual(human.consent, 'revoked')
      const subject = 'topic' in action ? action.topic : action.scopeItem
      if (human.consent === 'limited') assert.ok(subject !== '' && consentScope.includes(subject))
    }), PROPERTY_OPTIONS)
  })
})
