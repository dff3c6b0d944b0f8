import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, test } from 'node:test'
import type { LipEvidencePayload } from '../../protocol/envelope/types.ts'
import { evidenceIdOf } from './evidence-id.ts'

describe('evidenceIdOf()', () => {
  const payload = { claims: ['Water boils at 100 °C'], evidence: ['table 3'] }

  test('evidenceIdOf() is the hex SHA-256 of the canonical {claims, evidence, uri}', () => {
    const expected = createHash('sha256')
      .update('{"claims":["Water boils at 100 °C"],"evidence":["table 3"],"uri":"https://who.int/a"}', 'utf8')
      .digest('hex')
    assert.equal(evidenceIdOf(payload, 'https://who.int/a'), expected)
    assert.match(expected, /^[0-9a-f]{64}$/)
  })

  test('evidenceIdOf() ignores confidence and extraction notes', () => {
    const full: LipEvidencePayload = { ...payload, confidence: 0.2, extraction_notes: 'by hand' }
    const other: LipEvidencePayload = { ...full, confidence: 0.9, extraction_notes: '' }
    assert.equal(evidenceIdOf(full, 'https://who.int/a'), evidenceIdOf(other, 'https://who.int/a'))
  })

  test('evidenceIdOf() changes with the claims, the evidence or the source uri', () => {
    const id = evidenceIdOf(payload, 'https://who.int/a')
    assert.notEqual(evidenceIdOf({ ...payload, claims: ['Water boils at 99 °C'] }, 'https://who.int/a'), id)
    assert.notEqual(evidenceIdOf({ ...payload, evidence: ['table 4'] }, 'https://who.int/a'), id)
    assert.notEqual(evidenceIdOf(payload, 'https://who.int/b'), id)
  })
})
