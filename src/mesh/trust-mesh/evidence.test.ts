import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../../test/helpers/failure.ts'
import { canonicalize } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope, buildMeshEnvelope, sealEnvelope } from '../../protocol/envelope/index.ts'
import type { CipEnvelope, EnvelopeAuthor, MeshEnvelope, PayloadMap } from '../../protocol/envelope/index.ts'
import { isWeb4Error } from '../../protocol/errors.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { transitionTrust } from '../../protocol/trust/index.ts'
import { decodeEvidence, encodeEvidence } from './evidence-codec.ts'
import { equivocationProposal, verifyEquivocation } from './evidence.ts'

const SEED = 20261126
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const mallory: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'mallory' }
const victim: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'root' }
const alice = { agent_id: 'alice', fingerprint: 'a1'.repeat(32) }
const bob = { agent_id: 'bob', fingerprint: 'b2'.repeat(32) }
const FACT = 'ab'.repeat(32)
const OTHER_FACT = 'cd'.repeat(32)

type VerdictType = 'FACT_CONFIRM' | 'FACT_REJECT' | 'FACT_CHALLENGE'
interface VerdictOptions { factRef?: string, msgId?: string, nowMs?: number, receiver?: typeof alice, notes?: string }

function payloadOf (type: VerdictType, factRef: string, notes: string): PayloadMap[VerdictType] {
  if (type === 'FACT_CHALLENGE') return { fact_ref: factRef, reason: 'conflict', notes }
  return type === 'FACT_CONFIRM'
    ? { fact_ref: factRef, decision: 'confirm', confidence: 1, notes }
    : { fact_ref: factRef, decision: 'reject', confidence: 0, notes }
}

function verdict (author: EnvelopeAuthor, type: VerdictType, options: VerdictOptions = {}): CipEnvelope {
  const payload = payloadOf(type, options.factRef ?? FACT, options.notes ?? '')
  const unsigned = buildCipEnvelope(author, { type, payload, receiver: options.receiver ?? alice }, { nowMs: options.nowMs ?? NOW })
  return sealEnvelope(options.msgId === undefined ? unsigned : { ...unsigned, msg_id: options.msgId }, author.identity)
}

/** A copy as a receiver holds it after the wire: parsed from canonical JSON. */
function wire<E> (envelope: E): E {
  return parseJson(canonicalize(envelope)) as E
}

describe('verifyEquivocation() accepts genuine equivocation (SPEC §15.7)', () => {
  it('FACT_CONFIRM and FACT_REJECT of one claim, signed by one key', () => {
    const a = verdict(mallory, 'FACT_CONFIRM', { receiver: alice })
    const b = verdict(mallory, 'FACT_REJECT', { receiver: bob })
    assert.deepEqual(verifyEquivocation(wire(a), wire(b), { nowMs: NOW }), {
      accused: mallory.identity.fingerprint, kind: 'conflicting_verdicts', msgIds: [a.msg_id, b.msg_id], factRef: FACT
    })
  })

  it('FACT_CONFIRM and FACT_CHALLENGE of one claim', () => {
    const result = verifyEquivocation(verdict(mallory, 'FACT_CHALLENGE'), verdict(mallory, 'FACT_CONFIRM'))
    assert.equal(result.kind, 'conflicting_verdicts')
  })

  it('two different contents signed under one msg_id', () => {
    const msgId = '6f1c1e0e-3c1b-4b8e-9d5e-0a7f0d6b2c11'
    const confirm = verdict(mallory, 'FACT_CONFIRM', { msgId, receiver: alice })
    const reject = verdict(mallory, 'FACT_REJECT', { msgId, receiver: bob })
    assert.deepEqual(verifyEquivocation(confirm, reject), { accused: mallory.identity.fingerprint, kind: 'same_msg_id', msgIds: [msgId, msgId] })
    const notes = verifyEquivocation(verdict(mallory, 'FACT_CONFIRM', { msgId, notes: 'x' }), verdict(mallory, 'FACT_CONFIRM', { msgId, notes: 'y' }))
    assert.equal(notes.kind, 'same_msg_id')
  })

  it('old evidence: no freshness window and no replay cache apply', () => {
    const longAgo = Date.UTC(2020, 0, 1)
    const a = verdict(mallory, 'FACT_CONFIRM', { nowMs: longAgo })
    const b = verdict(mallory, 'FACT_REJECT', { nowMs: longAgo })
    assert.equal(verifyEquivocation(a, b, { nowMs: NOW }).accused, mallory.identity.fingerprint)
    assert.equal(verifyEquivocation(a, b, { nowMs: NOW }).accused, mallory.identity.fingerprint, 'the same pair verifies again')
  })

  it('equivocationProposal() raises cryptographic_evidence, which blacklists even a pinned root (SPEC §15.8)', () => {
    const a = verdict(mallory, 'FACT_CONFIRM')
    const b = verdict(mallory, 'FACT_REJECT')
    const proposal = equivocationProposal(verifyEquivocation(a, b))
    assert.equal(proposal.peer, mallory.identity.fingerprint)
    assert.equal(proposal.event, 'cryptographic_evidence')
    assert.equal(proposal.rule, 'equivocation')
    assert.deepEqual(proposal.causeMsgIds, [a.msg_id, b.msg_id])
    assert.equal(transitionTrust('trusted', proposal.event, { isPinned: true }).to, 'blacklisted')
  })
})

describe('verifyEquivocation() refuses what proves nothing (TrustBench S6(g))', () => {
  it('one genuine envelope and one forged under the victim\'s fingerprint and pubkey: SignatureMismatchError', () => {
    const genuine = verdict(victim, 'FACT_CONFIRM')
    const unsigned = buildCipEnvelope(mallory, { type: 'FACT_REJECT', payload: { fact_ref: FACT, decision: 'reject', confidence: 0, notes: '' }, receiver: alice }, { nowMs: NOW })
    const forged = wire(sealEnvelope(unsigned, mallory.identity))
    forged.sender = { ...forged.sender, fingerprint: victim.identity.fingerprint, pubkey: victim.identity.pubkey }
    assert.deepEqual(failureOf(() => verifyEquivocation(genuine, forged)), { name: 'SignatureMismatchError', reason: 'bad_signature' })
    assert.deepEqual(failureOf(() => verifyEquivocation(forged, genuine)), { name: 'SignatureMismatchError', reason: 'bad_signature' })
  })

  it('a forged envelope naming the victim\'s fingerprint with another key: SignatureMismatchError', () => {
    const forged = wire(verdict(mallory, 'FACT_REJECT'))
    forged.sender.fingerprint = victim.identity.fingerprint
    assert.deepEqual(failureOf(() => verifyEquivocation(verdict(victim, 'FACT_CONFIRM'), forged)), { name: 'SignatureMismatchError', reason: 'fingerprint_mismatch' })
  })

  it('a genuine envelope whose verdict was edited after signing: SignatureMismatchError', () => {
    const tampered = wire(verdict(victim, 'FACT_CONFIRM', { factRef: OTHER_FACT }))
    tampered.payload = { ...tampered.payload, fact_ref: FACT }
    const challenge = verdict(victim, 'FACT_CHALLENGE')
    assert.deepEqual(failureOf(() => verifyEquivocation(challenge, tampered)), { name: 'SignatureMismatchError', reason: 'bad_signature' })
  })

  it('two identical envelopes, or copies that differ only in receiver and timestamp', () => {
    const a = verdict(mallory, 'FACT_CONFIRM')
    const notConflicting = { name: 'InvalidEnvelopeError', reason: 'evidence_not_conflicting' }
    assert.deepEqual(failureOf(() => verifyEquivocation(a, a)), notConflicting)
    assert.deepEqual(failureOf(() => verifyEquivocation(a, wire(a))), notConflicting)
    const resent = verdict(mallory, 'FACT_CONFIRM', { msgId: a.msg_id, receiver: bob, nowMs: NOW + 5_000 })
    assert.deepEqual(failureOf(() => verifyEquivocation(a, resent)), notConflicting)
  })

  it('two envelopes from different senders', () => {
    assert.deepEqual(failureOf(() => verifyEquivocation(verdict(victim, 'FACT_CONFIRM'), verdict(mallory, 'FACT_REJECT'))),
      { name: 'InvalidEnvelopeError', reason: 'evidence_different_senders' })
  })

  it('two verdicts that do not conflict', () => {
    const notConflicting = { name: 'InvalidEnvelopeError', reason: 'evidence_not_conflicting' }
    const pairs: Array<[CipEnvelope, CipEnvelope]> = [
      [verdict(mallory, 'FACT_CONFIRM'), verdict(mallory, 'FACT_CONFIRM', { notes: 'again' })],
      [verdict(mallory, 'FACT_REJECT'), verdict(mallory, 'FACT_CHALLENGE')],
      [verdict(mallory, 'FACT_CONFIRM'), verdict(mallory, 'FACT_REJECT', { factRef: OTHER_FACT })]
    ]
    for (const [a, b] of pairs) assert.deepEqual(failureOf(() => verifyEquivocation(a, b)), notConflicting, `${a.type} ${b.type}`)
  })

  it('a router re-send: two carriers of one msg_id with a fresh id and timestamp but the same body (TrustBench I2)', () => {
    const body = verdict(mallory, 'FACT_CONFIRM')
    const carrier = (inner: CipEnvelope, nowMs: number): MeshEnvelope => {
      const unsigned = buildMeshEnvelope(mallory, { type: inner.type, payload: { body: inner }, receiver: alice }, { nowMs })
      return sealEnvelope<MeshEnvelope>({ ...unsigned, msg_id: 'a6f8e0b4-1f6d-4c52-9c1e-3d2b7e9f0a55' }, mallory.identity)
    }
    assert.equal(failureOf(() => verifyEquivocation(carrier(body, NOW), carrier(body, NOW + 3_000)))?.reason, 'evidence_not_conflicting')
    assert.equal(verifyEquivocation(carrier(body, NOW), carrier(verdict(mallory, 'FACT_REJECT'), NOW + 3_000)).kind, 'same_msg_id')
  })

  it('malformed envelopes, with the envelope layer\'s typed errors', () => {
    const a = verdict(mallory, 'FACT_CONFIRM')
    assert.deepEqual(failureOf(() => verifyEquivocation(a, { ...a, type: 'NOPE' })), { name: 'InvalidEnvelopeError', reason: 'unknown_type' })
    assert.deepEqual(failureOf(() => verifyEquivocation(null, a)), { name: 'InvalidEnvelopeError', reason: 'not_object' })
    assert.deepEqual(failureOf(() => verifyEquivocation(a, { ...a, payload: { ...a.payload, decision: 'maybe' } })), { name: 'PayloadSchemaError', reason: 'schema' })
  })

  it('mutated evidence never verifies against anyone but the key that signed it', () => {
    const bytes = encodeEvidence(verdict(mallory, 'FACT_CONFIRM'), verdict(mallory, 'FACT_REJECT'))
    fc.assert(fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, delta) => {
      const mutated = Uint8Array.from(bytes)
      mutated[index] = ((mutated[index] ?? 0) + delta) % 256
      try {
        const { envelopes: [a, b] } = decodeEvidence(mutated)
        assert.equal(verifyEquivocation(a, b).accused, mallory.identity.fingerprint)
      } catch (err) {
        assert.ok(isWeb4Error(err), String(err))
      }
    }), { seed: SEED, numRuns: 500 })
  })
})
