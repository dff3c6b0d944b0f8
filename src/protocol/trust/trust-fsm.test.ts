import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { UNTRUSTED_COOLDOWN_MS } from './constants.ts'
import {
  AUTOMATIC_DEMOTION_EVENTS, handshakeRefusal, isCooldownElapsed, isManualEvent, isShieldedByPin, isTrustEvent, isTrustState,
  MANUAL_TRUST_EVENTS, TRUST_EVENTS, TRUST_STATES, TRUST_TRANSITIONS, transitionTrust
} from './trust-fsm.ts'
import type { TrustEvent, TrustFacts, TrustState } from './trust-fsm.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 1000 }
const OPEN_FACTS: TrustFacts = { cooldownElapsed: true, isPinned: false }

const rowOf = (from: TrustState, event: TrustEvent) =>
  TRUST_TRANSITIONS.find((row) => row.from === from && row.event === event)

const stateArb = fc.constantFrom(...TRUST_STATES)
const eventArb = fc.constantFrom(...TRUST_EVENTS)
const factsArb = fc.option(fc.record({ cooldownElapsed: fc.boolean(), isPinned: fc.boolean() }, { requiredKeys: [] }), { nil: undefined })
const stepArb = fc.record({ event: eventArb, facts: factsArb })
const anyEventArb = fc.oneof(eventArb, fc.string({ unit: 'binary' }), fc.constantFrom('__proto__', 'constructor', 'toString', ''))

describe('TRUST_TRANSITIONS', () => {
  for (const row of TRUST_TRANSITIONS) {
    const verb = row.from === row.to ? 'keeps' : 'moves'
    test(`transitionTrust() ${verb} ${row.from} to ${row.to} on ${row.event}`, () => {
      const result = transitionTrust(row.from, row.event, OPEN_FACTS)
      assert.deepEqual(result, { from: row.from, to: row.to, event: row.event, reason: row.reason, ignored: false })
      assert.ok(row.reason.length > 0)
    })
  }

  test('TRUST_TRANSITIONS is frozen, row by row', () => {
    assert.ok(Object.isFrozen(TRUST_TRANSITIONS))
    for (const row of TRUST_TRANSITIONS) assert.ok(Object.isFrozen(row), `${row.from} on ${row.event}`)
  })

  test('TRUST_TRANSITIONS has one row per (from, event), over listed states and events only', () => {
    const keys = TRUST_TRANSITIONS.map((row) => `${row.from} ${row.event}`)
    assert.equal(new Set(keys).size, keys.length)
    for (const row of TRUST_TRANSITIONS) {
      assert.ok(isTrustState(row.from) && isTrustState(row.to) && isTrustEvent(row.event))
    }
  })

  test('TRUST_TRANSITIONS holds every SPEC §6 row and §5 rule', () => {
    const expected: [TrustState, TrustEvent, TrustState][] = [
      ['unknown', 'handshake_valid', 'probing'], ['untrusted', 'handshake_valid', 'probing'],
      ['unknown', 'handshake_failed', 'untrusted'], ['probing', 'verified_knowledge', 'trusted'],
      ['probing', 'conflict', 'untrusted'], ['probing', 'repeated_unverifiable', 'untrusted'],
      ['trusted', 'severe_conflict', 'blacklisted'], ['trusted', 'malicious_evidence', 'blacklisted'],
      ['trusted', 'temporary_anomaly', 'probing'], ['blacklisted', 'manual_override', 'probing'],
      ['unknown', 'introduction', 'probing'],
      ...TRUST_STATES.map((from): [TrustState, TrustEvent, TrustState] => [from, 'cryptographic_evidence', 'blacklisted'])
    ]
    for (const [from, event, to] of expected) assert.equal(rowOf(from, event)?.to, to, `${from} on ${event}`)
  })

  test('TRUST_EVENTS is exactly the automatic demotions, the manual events and four others', () => {
    assert.equal(new Set(TRUST_EVENTS).size, TRUST_EVENTS.length)
    assert.equal(TRUST_EVENTS.length, AUTOMATIC_DEMOTION_EVENTS.length + MANUAL_TRUST_EVENTS.length + 4)
  })
})

describe('transitionTrust() ignored results', () => {
  test('transitionTrust() ignores every (state, event) pair without a row, with a reason', () => {
    for (const from of TRUST_STATES) {
      for (const event of TRUST_EVENTS) {
        if (rowOf(from, event) !== undefined) continue
        const result = transitionTrust(from, event, OPEN_FACTS)
        assert.equal(result.ignored, true, `${from} on ${event}`)
        assert.equal(result.to, from)
        assert.match(result.reason, /no transition from/)
      }
    }
  })

  test('transitionTrust() ignores handshake_valid on a blacklisted peer', () => {
    assert.equal(transitionTrust('blacklisted', 'handshake_valid', OPEN_FACTS).to, 'blacklisted')
  })

  test('transitionTrust() ignores introduction everywhere but unknown', () => {
    for (const from of TRUST_STATES.filter((state) => state !== 'unknown')) {
      const result = transitionTrust(from, 'introduction', OPEN_FACTS)
      assert.equal(result.ignored, true, from)
      assert.equal(result.to, from)
    }
  })

  test('transitionTrust() ignores an unknown event and names it in the reason', () => {
    const result = transitionTrust('probing', 'promote\nforged log line' as TrustEvent)
    assert.equal(result.ignored, true)
    assert.equal(result.to, 'probing')
    assert.equal(result.reason, '"promote\\nforged log line" is not an event of this machine; state unchanged')
  })

  test('transitionTrust() ignores an unknown state instead of throwing', () => {
    const result = transitionTrust('friendly' as TrustState, 'manual_set_trusted')
    assert.equal(result.ignored, true)
    assert.equal(result.to, 'friendly')
    assert.match(result.reason, /is not a state/)
  })
})

describe('transitionTrust() guards', () => {
  test('transitionTrust() keeps untrusted on handshake_valid while the cooldown runs', () => {
    for (const facts of [undefined, {}, { cooldownElapsed: false }]) {
      const result = transitionTrust('untrusted', 'handshake_valid', facts)
      assert.equal(result.ignored, true)
      assert.equal(result.to, 'untrusted')
      assert.match(result.reason, /cooldown is still running/)
    }
  })

  test('transitionTrust() moves untrusted to probing on handshake_valid once the cooldown elapsed', () => {
    assert.equal(transitionTrust('untrusted', 'handshake_valid', { cooldownElapsed: true }).to, 'probing')
  })

  test('transitionTrust() ignores every automatic demotion of a pinned root', () => {
    const demotions = TRUST_TRANSITIONS.filter((row) => (AUTOMATIC_DEMOTION_EVENTS as readonly string[]).includes(row.event))
    assert.equal(demotions.length, 14)
    for (const row of demotions) {
      const result = transitionTrust(row.from, row.event, { isPinned: true, cooldownElapsed: true })
      assert.equal(result.ignored, true, `${row.from} on ${row.event}`)
      assert.equal(result.to, row.from)
      assert.match(result.reason, /pinned root is never demoted automatically/)
    }
  })

  test('transitionTrust() blacklists a pinned root on cryptographic_evidence', () => {
    assert.equal(transitionTrust('trusted', 'cryptographic_evidence', { isPinned: true }).to, 'blacklisted')
  })

  test('transitionTrust() applies manual events and promotions to a pinned root', () => {
    const pinned: TrustFacts = { isPinned: true, cooldownElapsed: true }
    for (const row of TRUST_TRANSITIONS.filter((candidate) => !isShieldedByPin(candidate.event, pinned))) {
      assert.equal(transitionTrust(row.from, row.event, pinned).to, row.to, `${row.from} on ${row.event}`)
    }
  })
})

describe('trust helpers', () => {
  test('isManualEvent() accepts exactly the manual events', () => {
    for (const event of TRUST_EVENTS) assert.equal(isManualEvent(event), event.startsWith('manual_'), event)
    assert.equal(isManualEvent('manual'), false)
  })

  test('isShieldedByPin() is false for an unpinned peer and for manual or cryptographic events', () => {
    assert.equal(isShieldedByPin('conflict'), false)
    assert.equal(isShieldedByPin('conflict', { isPinned: false }), false)
    assert.equal(isShieldedByPin('conflict', { isPinned: true }), true)
    assert.equal(isShieldedByPin('cryptographic_evidence', { isPinned: true }), false)
    assert.equal(isShieldedByPin('manual_set_blacklisted', { isPinned: true }), false)
  })

  test('isCooldownElapsed() is true from exactly UNTRUSTED_COOLDOWN_MS on', () => {
    assert.equal(UNTRUSTED_COOLDOWN_MS, 60_000)
    assert.equal(isCooldownElapsed(1_000, 1_000 + UNTRUSTED_COOLDOWN_MS - 1), false)
    assert.equal(isCooldownElapsed(1_000, 1_000 + UNTRUSTED_COOLDOWN_MS), true)
    assert.equal(isCooldownElapsed(0, 500, 500), true)
  })

  test('handshakeRefusal() admits every state a valid handshake leads to, except a blacklisted peer and an untrusted one still cooling down', () => {
    for (const state of TRUST_STATES) {
      for (const cooldownElapsed of [false, true]) {
        const refusal = handshakeRefusal(transitionTrust(state, 'handshake_valid', { cooldownElapsed }))
        const expected = state === 'blacklisted' ? 'blacklisted' : (state === 'untrusted' && !cooldownElapsed ? 'cooldown' : undefined)
        assert.equal(refusal, expected, `${state}, cooldown elapsed: ${cooldownElapsed}`)
      }
    }
  })

  test('isTrustState() and isTrustEvent() reject strings outside the vocabulary', () => {
    assert.equal(isTrustState('trusted'), true)
    assert.equal(isTrustState('__proto__'), false)
    assert.equal(isTrustEvent('conflict'), true)
    assert.equal(isTrustEvent('constructor'), false)
  })
})

describe('transitionTrust() properties', () => {
  test('transitionTrust() never leaves blacklisted except on a manual event', () => {
    fc.assert(fc.property(stateArb, fc.array(stepArb, { maxLength: 40 }), (start, steps) => {
      let state: TrustState = start
      for (const { event, facts } of steps) {
        const result = transitionTrust(state, event, facts)
        if (state === 'blacklisted' && result.to !== 'blacklisted') assert.ok(isManualEvent(event), event)
        state = result.to
      }
    }), PROPERTY_OPTIONS)
  })

  test('transitionTrust() reaches trusted only through verified_knowledge or a manual event', () => {
    const automaticArb = fc.constantFrom(...TRUST_EVENTS.filter((event) => !isManualEvent(event) && event !== 'verified_knowledge'))
    const startArb = fc.constantFrom(...TRUST_STATES.filter((state) => state !== 'trusted'))
    fc.assert(fc.property(startArb, fc.array(fc.record({ event: automaticArb, facts: factsArb }), { maxLength: 40 }), (start, steps) => {
      let state: TrustState = start
      for (const { event, facts } of steps) {
        state = transitionTrust(state, event, facts).to
        assert.notEqual(state, 'trusted', event)
      }
    }), PROPERTY_OPTIONS)
    fc.assert(fc.property(stateArb, stepArb, (from, { event, facts }) => {
      const result = transitionTrust(from, event, facts)
      if (result.to === 'trusted' && from !== 'trusted') assert.ok(event === 'verified_knowledge' || isManualEvent(event), event)
      assert.ok(transitionTrust(from, 'introduction', facts).to !== 'trusted' || from === 'trusted')
    }), PROPERTY_OPTIONS)
  })

  test('transitionTrust() blacklists every state on cryptographic_evidence, pinned or not', () => {
    fc.assert(fc.property(stateArb, factsArb, (from, facts) => {
      const result = transitionTrust(from, 'cryptographic_evidence', facts)
      assert.equal(result.to, 'blacklisted')
      assert.equal(result.ignored, false)
    }), PROPERTY_OPTIONS)
  })

  test('transitionTrust() returns to === from whenever it ignores an event, and a table row otherwise', () => {
    fc.assert(fc.property(stateArb, anyEventArb, factsArb, (from, event, facts) => {
      const result = transitionTrust(from, event as TrustEvent, facts)
      assert.equal(result.from, from)
      assert.ok(result.reason.length > 0)
      if (result.ignored) assert.equal(result.to, from)
      else assert.equal(rowOf(from, event as TrustEvent)?.to, result.to)
    }), PROPERTY_OPTIONS)
  })

  test('transitionTrust() never throws for any string event or state', () => {
    fc.assert(fc.property(fc.oneof(stateArb, fc.string()), anyEventArb, factsArb, (from, event, facts) => {
      assert.doesNotThrow(() => transitionTrust(from as TrustState, event as TrustEvent, facts))
    }), PROPERTY_OPTIONS)
  })
})
