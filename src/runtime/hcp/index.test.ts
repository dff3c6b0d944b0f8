import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as hcp from './index.ts'

test('hcp/index.ts exports the curated HCP runtime surface', () => {
  assert.deepEqual(Object.keys(hcp).sort(), [
    'CLARITY_DEFER_AT', 'CONSENT_REFUSAL_REASONS', 'HumanSession', 'MISUNDERSTANDING_STREAK', 'PRESSURE_DEFER_AT',
    'VALIDATION_SATISFACTION_MIN', 'VALIDATION_STREAK', 'checkConsent', 'checkDecision', 'normalizeScopeItem', 'paceDecision'
  ])
})

test('hcp/index.ts constants hold their documented values', () => {
  assert.deepEqual(
    [hcp.PRESSURE_DEFER_AT, hcp.CLARITY_DEFER_AT, hcp.VALIDATION_SATISFACTION_MIN, hcp.VALIDATION_STREAK, hcp.MISUNDERSTANDING_STREAK],
    [80, 30, 80, 2, 2]
  )
})
