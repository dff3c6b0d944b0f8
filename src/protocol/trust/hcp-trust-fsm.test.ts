import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  HCP_TRUST_EVENTS, HCP_TRUST_STATES, HCP_TRUST_TRANSITIONS, isHcpTrustEvent, isHcpTrustState, transitionHcpTrust
} from './hcp-trust-fsm.ts'
import type { HcpTrustEvent, HcpTrustState } from './hcp-trust-fsm.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 1000 }

const rowOf = (from: HcpTrustState, event: HcpTrustEvent) =>
  HCP_TRUST_TRANSITIONS.find((row) => row.from === from && row.event === event)

const stateArb = fc.constantFrom(...HCP_TRUST_STATES)
const eventArb = fc.constantFrom(...HCP_TRUST_EVENTS)
const anyEventArb = fc.oneof(eventArb, fc.string({ unit: 'binary' }), fc.constantFrom('__proto__', 'constructor', ''))

describe('HCP_TRUST_TRANSITIONS', () => {
  for (const row of HCP_TRUST_TRANSITIONS) {
    const verb = row.from === row.to ? 'keeps' : 'moves'
    test(`transitionHcpTrust() ${verb} ${row.from} to ${row.to} on ${row.event}`, () => {
      const result = transitionHcpTrust(row.from, row.event)
      assert.deepEqual(result, { from: row.from, to: row.to, event: row.event, reason: row.reason, ignored: false })
      assert.ok(row.reason.length > 0)
    })
  }

  test('HCP_TRUST_TRANSITIONS is frozen, row by row', () => {
    assert.ok(Object.isFrozen(HCP_TRUST_TRANSITIONS))
    for (const row of HCP_TRUST_TRANSITIONS) assert.ok(Object.isFrozen(row), `${row.from} on ${row.event}`)
  })

  test('HCP_TRUST_TRANSITIONS holds every SPEC §6 HCP rule, once per (from, event)', () => {
    const keys = HCP_TRUST_TRANSITIONS.map((row) => `${row.from} ${row.event}`)
    assert.equal(new Set(keys).size, keys.length)
    const expected: [HcpTrustState, HcpTrustEvent, HcpTrustState][] = [
      ['untrusted', 'hello', 'probing'], ['probing', 'mutual_validation', 'trusted'],
      ['trusted', 'repeated_misunderstanding', 'probing'], ['restricted', 'consent_restored', 'probing'],
      ...HCP_TRUST_STATES.map((from): [HcpTrustState, HcpTrustEvent, HcpTrustState] => [from, 'consent_revoked', 'restricted'])
    ]
    for (const [from, event, to] of expected) assert.equal(rowOf(from, event)?.to, to, `${from} on ${event}`)
    assert.equal(HCP_TRUST_TRANSITIONS.length, expected.length)
  })
})

describe('transitionHcpTrust() ignored results', () => {
  test('transitionHcpTrust() ignores every (state, event) pair without a row, with a reason', () => {
    for (const from of HCP_TRUST_STATES) {
      for (const event of HCP_TRUST_EVENTS) {
        if (rowOf(from, event) !== undefined) continue
        const result = transitionHcpTrust(from, event)
        assert.equal(result.ignored, true, `${from} on ${event}`)
        assert.equal(result.to, from)
        assert.match(result.reason, /no transition from/)
      }
    }
  })

  test('transitionHcpTrust() keeps restricted on hello', () => {
    const result = transitionHcpTrust('restricted', 'hello')
    assert.equal(result.ignored, true)
    assert.equal(result.to, 'restricted')
  })

  test('transitionHcpTrust() ignores an unknown event and names it in the reason', () => {
    const result = transitionHcpTrust('probing', 'flatter' as HcpTrustEvent)
    assert.equal(result.ignored, true)
    assert.equal(result.reason, '"flatter" is not an event of this machine; state unchanged')
  })

  test('isHcpTrustState() and isHcpTrustEvent() reject strings outside the vocabulary', () => {
    assert.equal(isHcpTrustState('restricted'), true)
    assert.equal(isHcpTrustState('blacklisted'), false)
    assert.equal(isHcpTrustEvent('hello'), true)
    assert.equal(isHcpTrustEvent('toString'), false)
  })
})

describe('transitionHcpTrust() properties', () => {
  test('transitionHcpTrust() leaves restricted only on consent_restored', () => {
    fc.assert(fc.property(stateArb, fc.array(eventArb, { maxLength: 40 }), (start, events) => {
      let state: HcpTrustState = start
      for (const event of events) {
        const result = transitionHcpTrust(state, event)
        if (state === 'restricted' && result.to !== 'restricted') assert.equal(event, 'consent_restored')
        state = result.to
      }
    }), PROPERTY_OPTIONS)
  })

  test('transitionHcpTrust() reaches trusted only through mutual_validation', () => {
    fc.assert(fc.property(stateArb, eventArb, (from, event) => {
      const result = transitionHcpTrust(from, event)
      if (result.to === 'trusted' && from !== 'trusted') assert.equal(event, 'mutual_validation')
    }), PROPERTY_OPTIONS)
  })

  test('transitionHcpTrust() restricts every state on consent_revoked', () => {
    fc.assert(fc.property(stateArb, (from) => {
      assert.equal(transitionHcpTrust(from, 'consent_revoked').to, 'restricted')
    }), PROPERTY_OPTIONS)
  })

  test('transitionHcpTrust() returns to === from whenever it ignores an event, and never throws', () => {
    fc.assert(fc.property(fc.oneof(stateArb, fc.string()), anyEventArb, (from, event) => {
      const result = transitionHcpTrust(from as HcpTrustState, event as HcpTrustEvent)
      assert.ok(result.reason.length > 0)
      if (result.ignored) assert.equal(result.to, from)
      else assert.equal(rowOf(from as HcpTrustState, event as HcpTrustEvent)?.to, result.to)
    }), PROPERTY_OPTIONS)
  })
})
