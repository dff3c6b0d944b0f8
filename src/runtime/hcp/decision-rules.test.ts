import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import type { HcpDecisionPayload } from '../../protocol/envelope/types.ts'
import { checkDecision } from './decision-rules.ts'
import type { DecisionRuleReason } from './decision-rules.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 1000 }

const decision = (overrides: Partial<HcpDecisionPayload> = {}): HcpDecisionPayload =>
  ({ decision: 'ship', rationale: 'tests pass', alternatives: ['wait a week'], follow_up: 'monitor', ...overrides })

describe('checkDecision()', () => {
  test('checkDecision() accepts a decision with a rationale and an alternative', () => {
    assert.deepEqual(checkDecision(decision()), { valid: true })
  })

  const broken: [string, Partial<HcpDecisionPayload>, DecisionRuleReason, string][] = [
    ['an empty rationale', { rationale: '' }, 'missing_rationale', 'payload.rationale'],
    ['a blank rationale', { rationale: ' \n\t' }, 'missing_rationale', 'payload.rationale'],
    ['no alternatives', { alternatives: [] }, 'missing_alternatives', 'payload.alternatives'],
    ['only blank alternatives', { alternatives: ['', '  '] }, 'missing_alternatives', 'payload.alternatives'],
    ['an alternative that restates the decision', { alternatives: [' Ship '] }, 'missing_alternatives', 'payload.alternatives'],
    ['both missing (rationale reported first)', { rationale: '', alternatives: [] }, 'missing_rationale', 'payload.rationale']
  ]
  for (const [name, overrides, reason, field] of broken) {
    test(`checkDecision() refuses ${name} with ${reason}`, () => {
      const check = checkDecision(decision(overrides))
      assert.equal(check.valid, false)
      assert.equal(check.reason, reason)
      assert.equal(check.error.name, 'PayloadSchemaError')
      assert.equal(check.error.reason, reason)
      assert.equal(check.error.field, field)
      assert.match(check.error.message, /^Cannot accept decision "ship": /)
    })
  }

  test('checkDecision() accepts one real alternative among blank ones', () => {
    assert.deepEqual(checkDecision(decision({ alternatives: ['', 'ship', 'roll back'] })), { valid: true })
  })

  test('checkDecision() is valid exactly when the rationale and one distinct alternative say something (property)', () => {
    const textArb = fc.constantFrom('', ' ', 'ship', 'SHIP ', 'wait', 'roll back')
    fc.assert(fc.property(textArb, fc.array(textArb, { maxLength: 4 }), (rationale, alternatives) => {
      const check = checkDecision(decision({ rationale, alternatives }))
      const isExpected = rationale.trim() !== '' && alternatives.some((text) => text.trim() !== '' && text.trim().toLowerCase() !== 'ship')
      assert.equal(check.valid, isExpected)
    }), PROPERTY_OPTIONS)
  })
})
