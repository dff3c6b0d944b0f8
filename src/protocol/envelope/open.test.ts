import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../../../test/fixtures/example-payloads.ts'
import { failureOf } from '../../../test/helpers/failure.ts'
import { canonicalBytes, canonicalize } from '../canonical-json.ts'
import { generateKeyPairIdentity } from '../identity/index.ts'
import { parseJson } from '../json-intake.ts'
import { createReplayCache } from '../replay-cache.ts'
import { buildCipEnvelope, buildHcpEnvelope, buildLipEnvelope, buildMeshEnvelope } from './builders.ts'
import type { EnvelopeAuthor } from './builders.ts'
import { formatRfc3339 } from './freshness.ts'
import { deepFreeze, isDeeplyFrozen, openEnvelope } from './open.ts'
import { sealEnvelope } from './seal.ts'
import { CIP_TYPES, HCP_TYPES, LIP_TYPES } from './types.ts'
import type { BodyEnvelope, CipEnvelope, Envelope, MeshEnvelope, PayloadMap } from './types.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const alice: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'alice', capabilities: ['knowledge'] }
const bob: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'bob' }
const toBob = { agent_id: 'bob', fingerprint: bob.identity.fingerprint }
const HUMAN = { presence: 'focused', affect: 'calm', clarity: 80, pressure: 10, intent: 'review', consent: 'granted' } as const
const SOURCE = { uri: 'https://example.org/a', trust_tier: 'medium', retrieved_at: formatRfc3339(NOW) } as const

function payloadOf<T extends keyof PayloadMap> (type: T): PayloadMap[T] {
  return structuredClone(EXAMPLE_PAYLOADS[type]) as unknown as PayloadMap[T]
}

function intent (author = alice, nowMs = NOW): CipEnvelope {
  return sealEnvelope(buildCipEnvelope(author, { type: 'INTENT', payload: payloadOf('INTENT'), receiver: toBob }, { nowMs }), author.identity)
}

function carrier (body: BodyEnvelope, author = alice, nowMs = NOW): MeshEnvelope {
  return sealEnvelope(buildMeshEnvelope(author, { type: body.type, payload: { body }, receiver: toBob }, { nowMs }), author.identity)
}

/** A deep copy that keeps float lexemes, as a relay or attacker holding the bytes would. */
function copyOf<E extends Envelope> (envelope: E): E {
  return parseJson(canonicalize(envelope)) as unknown as E
}

describe('sealEnvelope() and openEnvelope()', () => {
  it('round-trips every CIP, HCP and LIP type through canonical bytes', () => {
    for (const type of CIP_TYPES) {
      const sealed = sealEnvelope(buildCipEnvelope(alice, { type, payload: payloadOf(type), receiver: toBob }, { nowMs: NOW }), alice.identity)
      assert.deepEqual(openEnvelope(canonicalBytes(sealed), { nowMs: NOW }), sealed, type)
    }
    for (const type of HCP_TYPES) {
      const sealed = sealEnvelope(buildHcpEnvelope(alice, { type, payload: payloadOf(type), receiver: toBob, human: HUMAN }, { nowMs: NOW }), alice.identity)
      assert.deepEqual(openEnvelope(canonicalBytes(sealed), { nowMs: NOW }), sealed, type)
    }
    for (const type of LIP_TYPES) {
      const sealed = sealEnvelope(buildLipEnvelope(alice, { type, payload: payloadOf(type), receiver: toBob, source: SOURCE }, { nowMs: NOW }), alice.identity)
      assert.deepEqual(openEnvelope(canonicalBytes(sealed), { nowMs: NOW }), sealed, type)
    }
  })

  it('refuses to seal for a sender other than the signing identity', () => {
    const unsigned = buildCipEnvelope(alice, { type: 'INTENT', payload: payloadOf('INTENT'), receiver: toBob }, { nowMs: NOW })
    assert.throws(() => sealEnvelope(unsigned, bob.identity), TypeError)
  })

  it('builders refuse an invalid payload with PayloadSchemaError', () => {
    const payload = { ...payloadOf('INTENT'), priority: 'urgent' } as unknown as PayloadMap['INTENT']
    assert.deepEqual(failureOf(() => buildCipEnvelope(alice, { type: 'INTENT', payload, receiver: toBob }, { nowMs: NOW })), { name: 'PayloadSchemaError', reason: 'schema' })
  })

  it('refuses a fingerprint that does not match the pubkey', () => {
    const forged = copyOf(intent())
    forged.sender.fingerprint = bob.identity.fingerprint
    assert.deepEqual(failureOf(() => openEnvelope(forged, { nowMs: NOW })), { name: 'SignatureMismatchError', reason: 'fingerprint_mismatch' })
  })

  it('refuses an envelope re-signed by another key under the victim\'s name (SPEC §15.9 framing)', () => {
    const forged = copyOf(intent())
    const byBob = sealEnvelope({ ...forged, sender: { ...forged.sender, fingerprint: bob.identity.fingerprint, pubkey: bob.identity.pubkey } }, bob.identity)
    byBob.sender.fingerprint = alice.identity.fingerprint
    assert.equal(failureOf(() => openEnvelope(byBob, { nowMs: NOW }))?.reason, 'fingerprint_mismatch')
  })

  it('refuses any change to a signed member with bad_signature', () => {
    const original = intent()
    const edits: Array<(e: CipEnvelope) => void> = [
      (e) => { e.receiver.agent_id = 'carol' },
      (e) => { e.msg_id = '00000000-0000-4000-8000-000000000000' },
      (e) => { e.timestamp = formatRfc3339(NOW + 1) },
      (e) => { (e.payload as { topic: string }).topic += '!' },
      (e) => { e.sender.capabilities = [] },
      (e) => { e.trust = { sender_view: 'trusted', receiver_view: 'trusted' } }
    ]
    for (const edit of edits) {
      const copy = copyOf(original)
      edit(copy)
      assert.deepEqual(failureOf(() => openEnvelope(copy, { nowMs: NOW })), { name: 'SignatureMismatchError', reason: 'bad_signature' })
    }
  })

  it('refuses a signature reused on another type', () => {
    const original = intent()
    const confirm = sealEnvelope(buildCipEnvelope(alice, { type: 'FACT_CONFIRM', payload: payloadOf('FACT_CONFIRM'), receiver: toBob }, { nowMs: NOW }), alice.identity)
    const reused = { ...copyOf(confirm), sign: original.sign }
    assert.equal(failureOf(() => openEnvelope(reused, { nowMs: NOW }))?.reason, 'bad_signature')
  })

  it('refuses stale and future timestamps with TimestampError', () => {
    assert.deepEqual(failureOf(() => openEnvelope(intent(alice, NOW - 121_000), { nowMs: NOW })), { name: 'TimestampError', reason: 'stale' })
    assert.deepEqual(failureOf(() => openEnvelope(intent(alice, NOW + 121_000), { nowMs: NOW })), { name: 'TimestampError', reason: 'future' })
    assert.equal(openEnvelope(intent(alice, NOW - 119_000), { nowMs: NOW }).type, 'INTENT')
  })

  it('refuses a replay once the signature checked out, and records nothing for a forgery', () => {
    const replay = createReplayCache()
    const genuine = intent()
    const forged = copyOf(genuine)
    ;(forged.payload as { topic: string }).topic = 'forged'
    assert.equal(failureOf(() => openEnvelope(forged, { nowMs: NOW, replay }))?.reason, 'bad_signature')
    openEnvelope(genuine, { nowMs: NOW, replay })
    assert.deepEqual(failureOf(() => openEnvelope(copyOf(genuine), { nowMs: NOW + 1000, replay })), { name: 'ReplayError', reason: 'replay' })
    assert.deepEqual(failureOf(() => openEnvelope(copyOf(genuine), { nowMs: NOW + 119_000, replay })), { name: 'ReplayError', reason: 'replay' })
  })

  it('refuses weak keys at open', () => {
    const forged = copyOf(intent())
    forged.sender.pubkey = Buffer.alloc(32).toString('base64')
    forged.sender.fingerprint = '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925'
    assert.deepEqual(failureOf(() => openEnvelope(forged, { nowMs: NOW })), { name: 'SignatureMismatchError', reason: 'weak_key' })
  })

  it('never accepts a mutated sealed envelope, and fails only with typed errors (property)', () => {
    const sealed = canonicalize(intent())
    fc.assert(fc.property(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 32, max: 126 }), (at, code) => {
      const mutated = sealed.slice(0, at) + String.fromCharCode(code) + sealed.slice(at + 1)
      try {
        openEnvelope(mutated, { nowMs: NOW })
      } catch (err) {
        assert.ok(['InvalidEnvelopeError', 'PayloadSchemaError', 'SignatureMismatchError', 'TimestampError'].includes((err as Error).name), (err as Error).name)
        return
      }
      // Only a mutation that leaves the canonical bytes of the signed members unchanged may pass.
      assert.equal(mutated, sealed)
    }), { seed: 20261126, numRuns: 1000 })
  })
})

describe('openEnvelope() on mesh carriers', () => {
  it('verifies when relays append to hops, the one unsigned member', () => {
    const relayed = copyOf(carrier(intent()))
    relayed.hops.push('a'.repeat(64), bob.identity.fingerprint)
    assert.equal(openEnvelope(canonicalBytes(relayed), { nowMs: NOW }).type, 'INTENT')
  })

  it('detects a relay that edits the destination, the origin or the body', () => {
    const edits: Array<[(e: MeshEnvelope) => void, string, string]> = [
      [(e) => { e.destination = 'c'.repeat(64) }, 'SignatureMismatchError', 'bad_signature'],
      [(e) => { e.created_at = formatRfc3339(NOW - 1) }, 'SignatureMismatchError', 'bad_signature'],
      [(e) => { ((e.payload as { body: CipEnvelope }).body.payload as { topic: string }).topic = 'x' }, 'SignatureMismatchError', 'bad_signature']
    ]
    for (const [edit, name, reason] of edits) {
      const copy = copyOf(carrier(intent()))
      edit(copy)
      assert.deepEqual(failureOf(() => openEnvelope(copy, { nowMs: NOW })), { name, reason })
    }
  })

  it('binds the origin to the signer and the destination to the receiver', () => {
    const unsigned = buildMeshEnvelope(alice, { type: 'INTENT', payload: { body: intent() }, receiver: toBob }, { nowMs: NOW })
    const wrongOrigin = sealEnvelope<MeshEnvelope>({ ...unsigned, origin: bob.identity.fingerprint }, alice.identity)
    assert.deepEqual(failureOf(() => openEnvelope(wrongOrigin, { nowMs: NOW })), { name: 'InvalidEnvelopeError', reason: 'origin_mismatch' })
    const wrongDestination = sealEnvelope<MeshEnvelope>({ ...unsigned, destination: alice.identity.fingerprint }, alice.identity)
    assert.deepEqual(failureOf(() => openEnvelope(wrongDestination, { nowMs: NOW })), { name: 'InvalidEnvelopeError', reason: 'destination_mismatch' })
  })

  it('refuses a body whose sender is not the origin', () => {
    const foreign = carrier(intent(bob), alice)
    assert.deepEqual(failureOf(() => openEnvelope(foreign, { nowMs: NOW })), { name: 'InvalidEnvelopeError', reason: 'body_sender' })
  })

  it('opens SERVICE_INVOKE, whose payload is its own', () => {
    const payload = structuredClone(EXAMPLE_PAYLOADS.SERVICE_INVOKE) as never
    const invoke = sealEnvelope(buildMeshEnvelope(alice, { type: 'SERVICE_INVOKE', payload, receiver: toBob }, { nowMs: NOW }), alice.identity)
    assert.deepEqual(openEnvelope(canonicalBytes(invoke), { nowMs: NOW }), invoke)
  })

  it('refuses a carried body replayed inside a fresh carrier', () => {
    const replay = createReplayCache()
    const body = intent()
    openEnvelope(carrier(body), { nowMs: NOW, replay })
    assert.deepEqual(failureOf(() => openEnvelope(carrier(body), { nowMs: NOW, replay })), { name: 'ReplayError', reason: 'replay' })
  })
})

describe('openEnvelope() with a shared verification memo', () => {
  it('remembers only deeply frozen envelopes, and still checks freshness and replay each time', () => {
    const memo = new WeakSet<object>()
    const loose = intent()
    openEnvelope(loose, { nowMs: NOW, verifiedSignatures: memo })
    assert.equal(memo.has(loose), false, 'a mutable envelope is never trusted from the memo')
    const frozen = deepFreeze(intent())
    assert.ok(isDeeplyFrozen(frozen))
    openEnvelope(frozen, { nowMs: NOW, verifiedSignatures: memo })
    assert.equal(memo.has(frozen), true)
    const replay = createReplayCache()
    openEnvelope(frozen, { nowMs: NOW, verifiedSignatures: memo, replay })
    assert.deepEqual(failureOf(() => openEnvelope(frozen, { nowMs: NOW, verifiedSignatures: memo, replay })), { name: 'ReplayError', reason: 'replay' })
    assert.deepEqual(failureOf(() => openEnvelope(frozen, { nowMs: NOW + 200_000, verifiedSignatures: memo })), { name: 'TimestampError', reason: 'stale' })
  })

  it('never lets a forged frozen envelope in, memo or not', () => {
    const memo = new WeakSet<object>()
    const forged = copyOf(intent())
    ;(forged.payload as { topic: string }).topic = 'forged'
    const frozen = deepFreeze(forged)
    assert.equal(failureOf(() => openEnvelope(frozen, { nowMs: NOW, verifiedSignatures: memo }))?.reason, 'bad_signature')
    assert.equal(memo.has(frozen), false)
    assert.equal(failureOf(() => openEnvelope(frozen, { nowMs: NOW, verifiedSignatures: memo }))?.reason, 'bad_signature')
  })
})
