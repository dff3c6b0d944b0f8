import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { CONSENT_STATES } from '../../protocol/envelope/types.ts'
import type { Consent } from '../../protocol/envelope/types.ts'
import { checkConsent, CONSENT_REFUSAL_REASONS, normalizeScopeItem } from './consent.ts'
import type { ConsentAction, ConsentCheck } from './consent.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 1000 }

const refusalOf = (check: ConsentCheck) => {
  assert.equal(check.allowed, false)
  return check
}

const actionArb: fc.Arbitrary<ConsentAction> = fc.oneof(
  fc.record({ topic: fc.string() }),
  fc.record({ scopeItem: fc.string() })
)

describe('checkConsent()', () => {
  test('checkConsent() allows anything when consent is granted', () => {
    assert.deepEqual(checkConsent({ consent: 'granted' }, [], { topic: 'anything' }), { allowed: true, reason: 'consent_granted' })
    assert.deepEqual(checkConsent({ consent: 'granted' }, ['read'], { scopeItem: 'write' }), { allowed: true, reason: 'consent_granted' })
  })

  test('checkConsent() refuses everything with consent_revoked when consent is revoked', () => {
    const refusal = refusalOf(checkConsent({ consent: 'revoked' }, ['read'], { scopeItem: 'read' }))
    assert.equal(refusal.reason, 'consent_revoked')
    assert.equal(refusal.error.name, 'TrustViolationError')
    assert.equal(refusal.error.reason, 'consent_revoked')
    assert.equal(refusal.error.field, 'consent')
    assert.equal(refusal.error.message, 'Cannot act for the human on "read": consent is revoked')
  })

  test('checkConsent() allows a limited action inside consent_scope, by scope item or by topic', () => {
    assert.deepEqual(checkConsent({ consent: 'limited' }, ['read', 'calendar'], { scopeItem: 'calendar' }), { allowed: true, reason: 'inside_consent_scope' })
    assert.deepEqual(checkConsent({ consent: 'limited' }, ['read', 'calendar'], { topic: 'read' }), { allowed: true, reason: 'inside_consent_scope' })
  })

  test('checkConsent() refuses a limited action outside consent_scope with outside_consent_scope', () => {
    const refusal = refusalOf(checkConsent({ consent: 'limited' }, ['read'], { topic: 'write' }))
    assert.equal(refusal.reason, 'outside_consent_scope')
    assert.equal(refusal.error.name, 'TrustViolationError')
    assert.equal(refusal.error.reason, 'outside_consent_scope')
    assert.equal(refusal.error.field, 'consent_scope')
    assert.equal(refusal.error.message, 'Cannot act for the human on "write": outside the consent scope')
  })

  test('checkConsent() with limited consent and an empty scope allows nothing', () => {
    assert.equal(refusalOf(checkConsent({ consent: 'limited' }, [], { topic: 'read' })).reason, 'outside_consent_scope')
  })

  test('checkConsent() matches scope items in NFC, trimmed, ignoring case, and nothing looser', () => {
    assert.equal(checkConsent({ consent: 'limited' }, ['  Calendar '], { scopeItem: 'calendar' }).allowed, true)
    assert.equal(checkConsent({ consent: 'limited' }, ['caf\u00e9'], { topic: 'cafe\u0301' }).allowed, true)
    assert.equal(checkConsent({ consent: 'limited' }, ['calendar'], { scopeItem: 'calendar.write' }).allowed, false)
    assert.equal(checkConsent({ consent: 'limited' }, ['calendar.write'], { scopeItem: 'calendar' }).allowed, false)
    assert.equal(checkConsent({ consent: 'limited' }, ['*'], { scopeItem: 'calendar' }).allowed, false)
  })

  test('checkConsent() never matches a blank subject, even against a blank scope item', () => {
    assert.equal(checkConsent({ consent: 'limited' }, ['', '  '], { topic: ' ' }).allowed, false)
  })

  test('checkConsent() fails closed with consent_unknown on a consent value outside the vocabulary', () => {
    const refusal = refusalOf(checkConsent({ consent: 'maybe' as Consent }, ['read'], { topic: 'read' }))
    assert.equal(refusal.reason, 'consent_unknown')
    assert.equal(refusal.error.reason, 'consent_unknown')
  })

  test('CONSENT_REFUSAL_REASONS names every refusal reason', () => {
    assert.deepEqual([...CONSENT_REFUSAL_REASONS], ['consent_revoked', 'outside_consent_scope', 'consent_unknown'])
  })

  test('normalizeScopeItem() composes, trims and lowers', () => {
    assert.equal(normalizeScopeItem(' CAFE\u0301 '), 'caf\u00e9')
  })
})

describe('checkConsent() properties', () => {
  test('checkConsent() never allows anything when consent is revoked (property)', () => {
    fc.assert(fc.property(fc.array(fc.string()), actionArb, (scope, action) => {
      const check = checkConsent({ consent: 'revoked' }, scope, action)
      assert.equal(check.allowed, false)
      assert.equal(check.reason, 'consent_revoked')
    }), PROPERTY_OPTIONS)
  })

  test('checkConsent() allows a limited action exactly when its subject is in scope (property)', () => {
    const itemArb = fc.constantFrom('read', 'Read', ' write', 'calendar', 'café', '')
    fc.assert(fc.property(fc.array(itemArb), itemArb, fc.boolean(), (scope, subject, isTopic) => {
      const action: ConsentAction = isTopic ? { topic: subject } : { scopeItem: subject }
      const expected = normalizeScopeItem(subject) !== '' && scope.some((item) => normalizeScopeItem(item) === normalizeScopeItem(subject))
      assert.equal(checkConsent({ consent: 'limited' }, scope, action).allowed, expected)
    }), PROPERTY_OPTIONS)
  })

  test('checkConsent() always returns a typed refusal when it refuses (property)', () => {
    fc.assert(fc.property(fc.constantFrom(...CONSENT_STATES), fc.array(fc.string()), actionArb, (consent, scope, action) => {
      const check = checkConsent({ consent }, scope, action)
      if (check.allowed) return
      assert.equal(check.error.name, 'TrustViolationError')
      assert.equal(check.error.reason, check.reason)
      assert.match(check.error.message, /^Cannot act for the human on ".*": [^.]*[^.]$/s)
    }), PROPERTY_OPTIONS)
  })
})
