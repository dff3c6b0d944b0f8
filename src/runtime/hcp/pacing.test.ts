import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { AFFECTS } from '../../protocol/envelope/types.ts'
import type { Affect } from '../../protocol/envelope/types.ts'
import { CLARITY_DEFER_AT, PRESSURE_DEFER_AT } from './constants.ts'
import { paceDecision } from './pacing.ts'
import type { PacingDecision } from './pacing.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 2000 }

const human = (pressure: number, clarity: number, affect: Affect = 'calm') => ({ pressure, clarity, affect })

describe('paceDecision()', () => {
  test('PRESSURE_DEFER_AT and CLARITY_DEFER_AT are the SPEC §8 values', () => {
    assert.equal(PRESSURE_DEFER_AT, 80)
    assert.equal(CLARITY_DEFER_AT, 30)
  })

  const rows: [string, ReturnType<typeof human>, PacingDecision][] = [
    ['proceeds when calm, clear and unpressured', human(0, 100), { action: 'proceed' }],
    ['proceeds at pressure 79', human(79, 100), { action: 'proceed' }],
    ['defers at pressure exactly 80', human(80, 100), { action: 'defer', reason: 'high_pressure' }],
    ['defers at pressure 100', human(100, 100), { action: 'defer', reason: 'high_pressure' }],
    ['proceeds at clarity 31', human(0, 31), { action: 'proceed' }],
    ['defers at clarity exactly 30', human(0, 30), { action: 'defer', reason: 'low_clarity' }],
    ['defers at clarity 0', human(0, 0), { action: 'defer', reason: 'low_clarity' }],
    ['checks in when anxious', human(0, 100, 'anxious'), { action: 'check_in', reason: 'affect_anxious' }],
    ['checks in when tense', human(0, 100, 'tense'), { action: 'check_in', reason: 'affect_tense' }],
    ['proceeds when energized', human(0, 100, 'energized'), { action: 'proceed' }],
    ['proceeds when neutral', human(0, 100, 'neutral'), { action: 'proceed' }],
    ['puts high pressure before low clarity', human(80, 30), { action: 'defer', reason: 'high_pressure' }],
    ['puts low clarity before an anxious affect', human(0, 30, 'anxious'), { action: 'defer', reason: 'low_clarity' }],
    ['puts high pressure before a tense affect', human(90, 90, 'tense'), { action: 'defer', reason: 'high_pressure' }],
    ['defers on a pressure that is not a number', human(Number.NaN, 100), { action: 'defer', reason: 'high_pressure' }],
    ['defers on a clarity that is not a number', human(0, Number.NaN), { action: 'defer', reason: 'low_clarity' }]
  ]
  for (const [name, state, expected] of rows) {
    test(`paceDecision() ${name}`, () => {
      assert.deepEqual(paceDecision(state), expected)
    })
  }
})

describe('paceDecision() properties', () => {
  const levelArb = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(29.999, 30, 30.001, 79.999, 80, 80.001))
  const affectArb = fc.constantFrom(...AFFECTS)

  test('paceDecision() defers exactly when pressure ≥ 80 or clarity ≤ 30 (property)', () => {
    fc.assert(fc.property(levelArb, levelArb, affectArb, (pressure, clarity, affect) => {
      const decision = paceDecision({ pressure, clarity, affect })
      assert.equal(decision.action === 'defer', pressure >= 80 || clarity <= 30)
      if (pressure >= 80) assert.deepEqual(decision, { action: 'defer', reason: 'high_pressure' })
    }), PROPERTY_OPTIONS)
  })

  test('paceDecision() checks in exactly when not deferring and the affect is anxious or tense (property)', () => {
    fc.assert(fc.property(levelArb, levelArb, affectArb, (pressure, clarity, affect) => {
      const decision = paceDecision({ pressure, clarity, affect })
      const isDeferred = pressure >= 80 || clarity <= 30
      assert.equal(decision.action === 'check_in', !isDeferred && (affect === 'anxious' || affect === 'tense'))
      assert.equal(decision.action === 'proceed', !isDeferred && affect !== 'anxious' && affect !== 'tense')
    }), PROPERTY_OPTIONS)
  })
})
