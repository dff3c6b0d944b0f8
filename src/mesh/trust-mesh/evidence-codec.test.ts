import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../../test/helpers/failure.ts'
import { canonicalize } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope, sealEnvelope } from '../../protocol/envelope/index.ts'
import type { CipEnvelope, EnvelopeAuthor, UnsignedEnvelope } from '../../protocol/envelope/index.ts'
import { isWeb4Error } from '../../protocol/errors.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { MAX_EVIDENCE_BYTES } from './constants.ts'
import { decodeEvidence, encodeEvidence } from './evidence-codec.ts'
import { verifyEquivocation } from './evidence.ts'

const SEED = 20261126
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const mallory: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'mallory' }
const alice = { agent_id: 'alice', fingerprint: 'a1'.repeat(32) }
const FACT = 'ab'.repeat(32)

function confirm (notes = ''): CipEnvelope {
  return sealEnvelope(buildCipEnvelope(mallory, { type: 'FACT_CONFIRM', payload: { fact_ref: FACT, decision: 'confirm', confidence: 1, notes }, receiver: alice }, { nowMs: NOW }), mallory.identity)
}

function reject (): CipEnvelope {
  return sealEnvelope(buildCipEnvelope(mallory, { type: 'FACT_REJECT', payload: { fact_ref: FACT, decision: 'reject', confidence: 0, notes: '' }, receiver: alice }, { nowMs: NOW }), mallory.identity)
}

/** A FACT_CONFIRM signed over Python's float lexeme `1.0`, as the reference implementation writes it. */
function pythonConfirm (): CipEnvelope {
  const unsigned = buildCipEnvelope(mallory, { type: 'FACT_CONFIRM', payload: { fact_ref: FACT, decision: 'confirm', confidence: 1, notes: '' }, receiver: alice }, { nowMs: NOW })
  const text = canonicalize(unsigned).replace('"confidence":1,', '"confidence":1.0,')
  return sealEnvelope(parseJson(text) as unknown as UnsignedEnvelope<CipEnvelope>, mallory.identity)
}

const text = (value: unknown): string => JSON.stringify(value)

/** What a call threw, with the field it named. */
function failureWithField (fn: () => unknown): { name: string, reason: unknown, field: unknown } | undefined {
  try {
    fn()
  } catch (err) {
    return { name: (err as Error).name, reason: (err as { reason?: string }).reason, field: (err as { field?: string }).field }
  }
  return undefined
}

describe('encodeEvidence() and decodeEvidence()', () => {
  it('round-trip two envelopes that still verify as equivocation', () => {
    const a = confirm()
    const b = reject()
    const decoded = decodeEvidence(encodeEvidence(a, b))
    assert.equal(decoded.kind, 'equivocation')
    assert.deepEqual(decoded.envelopes, [a, b])
    assert.equal(verifyEquivocation(decoded.envelopes[0], decoded.envelopes[1]).kind, 'conflicting_verdicts')
  })

  it('keep the signed bytes of a float written as 1.0, so the signature still verifies', () => {
    const a = pythonConfirm()
    assert.match(new TextDecoder().decode(encodeEvidence(a, reject())), /"confidence":1\.0,/)
    const { envelopes: [first, second] } = decodeEvidence(encodeEvidence(a, reject()))
    assert.equal(verifyEquivocation(first, second).accused, mallory.identity.fingerprint)
  })

  it('decodeEvidence() accepts text as well as bytes', () => {
    const a = confirm()
    const b = reject()
    assert.deepEqual(decodeEvidence(new TextDecoder().decode(encodeEvidence(a, b))).envelopes, [a, b])
  })

  it('decodeEvidence() refuses a wrapper of the wrong shape with evidence_shape', () => {
    const a = confirm()
    const b = reject()
    const cases: Array<[string, unknown]> = [
      ['', [a, b]], ['', 'equivocation'], ['', null],
      ['', { kind: 'equivocation' }], ['', { kind: 'equivocation', envelopes: [a, b], extra: 1 }],
      ['/kind', { kind: 'slander', envelopes: [a, b] }],
      ['/envelopes', { kind: 'equivocation', envelopes: [a] }], ['/envelopes', { kind: 'equivocation', envelopes: [a, b, a] }],
      ['/envelopes', { kind: 'equivocation', envelopes: { 0: a, 1: b } }]
    ]
    for (const [field, value] of cases) {
      assert.deepEqual(failureWithField(() => decodeEvidence(text(value))), { name: 'InvalidEnvelopeError', reason: 'evidence_shape', field }, text(value).slice(0, 60))
    }
  })

  it('decodeEvidence() refuses invalid envelopes with the envelope layer\'s errors', () => {
    const a = confirm()
    assert.deepEqual(failureOf(() => decodeEvidence(text({ kind: 'equivocation', envelopes: [a, { ...a, cip: '2.0' }] }))), { name: 'InvalidEnvelopeError', reason: 'version' })
    assert.deepEqual(failureOf(() => decodeEvidence(text({ kind: 'equivocation', envelopes: [a, { ...a, payload: { fact_ref: FACT } }] }))), { name: 'PayloadSchemaError', reason: 'schema' })
  })

  it('decodeEvidence() refuses hostile JSON through the hardened intake', () => {
    const a = text(confirm())
    assert.equal(failureOf(() => decodeEvidence(`{"kind":"equivocation","kind":"equivocation","envelopes":[${a},${a}]}`))?.reason, 'duplicate_key')
    assert.equal(failureOf(() => decodeEvidence(`{"__proto__":{},"kind":"equivocation","envelopes":[${a},${a}]}`))?.reason, 'forbidden_key')
    assert.equal(failureOf(() => decodeEvidence('{"kind":'))?.reason, 'syntax')
  })

  it('decodeEvidence() refuses more than MAX_EVIDENCE_BYTES before parsing, and an envelope over its own cap', () => {
    assert.deepEqual(failureOf(() => decodeEvidence(new Uint8Array(MAX_EVIDENCE_BYTES + 1))), { name: 'InvalidEnvelopeError', reason: 'too_large' })
    const bytes = encodeEvidence(confirm(), reject())
    assert.equal(failureOf(() => decodeEvidence(bytes, { maxBytes: bytes.length - 1 }))?.reason, 'too_large')
    const big = confirm('x'.repeat(65_200))
    assert.deepEqual(failureOf(() => decodeEvidence(encodeEvidence(big, big))), { name: 'InvalidEnvelopeError', reason: 'too_large' })
  })

  it('encodeEvidence() refuses a message over MAX_EVIDENCE_BYTES with a RangeError', () => {
    const huge = { ...confirm(), payload: { fact_ref: FACT, decision: 'confirm', confidence: 1, notes: 'x'.repeat(MAX_EVIDENCE_BYTES) } } as CipEnvelope
    assert.throws(() => encodeEvidence(huge, reject()), RangeError)
  })

  it('decodeEvidence() throws only typed errors, whatever JSON it is given', () => {
    const a = confirm()
    const valueArb = fc.oneof(
      fc.jsonValue(),
      fc.record({ kind: fc.constantFrom('equivocation', 'x'), envelopes: fc.array(fc.oneof(fc.constant(a), fc.jsonValue()), { maxLength: 3 }) })
    )
    fc.assert(fc.property(valueArb, (value) => {
      try {
        decodeEvidence(text(value))
      } catch (err) {
        assert.ok(isWeb4Error(err), String(err))
      }
    }), { seed: SEED, numRuns: 1000 })
  })
})
