// MeshEnvelope helpers (SPEC §4, §9): a body of every family from a type and a payload,
// the blocks each family needs, and hops appended by relays without breaking the
// origin's signature.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../../test/fixtures/example-payloads.ts'
import { failureOf } from '../../test/helpers/failure.ts'
import { canonicalBytes, canonicalize } from '../protocol/canonical-json.ts'
import { buildMeshEnvelope } from '../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../protocol/envelope/builders.ts'
import { formatRfc3339 } from '../protocol/envelope/freshness.ts'
import { openEnvelope } from '../protocol/envelope/open.ts'
import { sealEnvelope } from '../protocol/envelope/seal.ts'
import { BODY_TYPES, CIP_TYPES, HCP_TYPES, LIP_TYPES, protocolOfType } from '../protocol/envelope/types.ts'
import type { BodyEnvelope, BodyType, HumanState, MeshEnvelope, SourceBlock, StateBlock, TrustBlock } from '../protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import { parseJson } from '../protocol/json-intake.ts'
import { createReplayCache } from '../protocol/replay-cache.ts'
import { appendHop, buildBodyEnvelope } from './envelope.ts'

const SEED = 20261126
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const alice: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'alice' }
const bob = generateKeyPairIdentity()
const toBob = { agent_id: 'bob', fingerprint: bob.fingerprint }
const HUMAN: HumanState = { presence: 'focused', affect: 'calm', clarity: 80, pressure: 10, intent: 'review', consent: 'granted' }
const SOURCE: SourceBlock = { uri: 'https://example.org/a', trust_tier: 'medium', retrieved_at: formatRfc3339(NOW) }
const TRUST: TrustBlock = { sender_view: 'probing', receiver_view: 'unknown' }
const STATE: StateBlock = { presence: 'engaged', lri: 40, kernel_signals: ['calm'], intent: 'learn' }

function payloadOf (type: BodyType): unknown {
  return structuredClone(EXAMPLE_PAYLOADS[type])
}

function bodyOf (type: BodyType): BodyEnvelope {
  return buildBodyEnvelope(alice, { type, payload: payloadOf(type), receiver: toBob }, { nowMs: NOW, human: HUMAN, source: SOURCE })
}

function carrierOf (body: BodyEnvelope): MeshEnvelope {
  return sealEnvelope(buildMeshEnvelope(alice, { type: body.type, payload: { body }, receiver: toBob }, { nowMs: NOW }), alice.identity)
}

/** A deep copy through canonical JSON, as a relay holding the bytes has it. */
function copyOf<E extends object> (envelope: E): E {
  return parseJson(canonicalize(envelope)) as unknown as E
}

describe('buildBodyEnvelope()', () => {
  it('buildBodyEnvelope() seals a body of every CIP, HCP and LIP type that opens end to end', () => {
    assert.equal(BODY_TYPES.length, CIP_TYPES.length + HCP_TYPES.length + LIP_TYPES.length)
    for (const type of BODY_TYPES) {
      const body = bodyOf(type)
      const family = protocolOfType(type)
      assert.ok(family !== undefined)
      assert.equal((body as unknown as Record<string, unknown>)[family], '1.0', type)
      assert.equal(body.type, type)
      assert.deepEqual(body.receiver, toBob)
      assert.equal(body.sender.fingerprint, alice.identity.fingerprint)
      assert.deepEqual(body.payload, payloadOf(type), type)
      assert.deepEqual(openEnvelope(canonicalBytes(body), { nowMs: NOW, replay: createReplayCache() }), body, type)
    }
  })

  it('buildBodyEnvelope() puts the family\'s own block in: human for HCP, source for LIP, neither for CIP', () => {
    const hcp = bodyOf('HCP_INTENT') as unknown as { state: { human: HumanState }, source?: unknown }
    assert.deepEqual(hcp.state.human, HUMAN)
    assert.equal(hcp.source, undefined)
    const lip = bodyOf('LIP_FETCH') as unknown as { source: SourceBlock, state?: unknown }
    assert.deepEqual(lip.source, SOURCE)
    assert.equal(lip.state, undefined)
    const cip = bodyOf('INTENT') as unknown as Record<string, unknown>
    assert.equal(cip.source, undefined)
    assert.equal(cip.trust, undefined)
  })

  it('buildBodyEnvelope() adds the optional CIP trust and state blocks when given', () => {
    const body = buildBodyEnvelope(alice, { type: 'STATE_UPDATE', payload: payloadOf('STATE_UPDATE'), receiver: toBob }, { nowMs: NOW, trust: TRUST, state: STATE })
    const blocks = body as unknown as { trust: TrustBlock, state: StateBlock }
    assert.deepEqual(blocks.trust, TRUST)
    assert.deepEqual(blocks.state, STATE)
    assert.deepEqual(openEnvelope(body, { nowMs: NOW }), body)
  })

  it('buildBodyEnvelope() throws missing_block for an HCP type without human and a LIP type without source', () => {
    for (const type of HCP_TYPES) {
      assert.deepEqual(failureOf(() => buildBodyEnvelope(alice, { type, payload: payloadOf(type), receiver: toBob }, { nowMs: NOW, source: SOURCE })), { name: 'InvalidEnvelopeError', reason: 'missing_block' }, type)
    }
    for (const type of LIP_TYPES) {
      assert.deepEqual(failureOf(() => buildBodyEnvelope(alice, { type, payload: payloadOf(type), receiver: toBob }, { nowMs: NOW, human: HUMAN })), { name: 'InvalidEnvelopeError', reason: 'missing_block' }, type)
    }
    assert.throws(() => buildBodyEnvelope(alice, { type: 'HCP_HELLO', payload: payloadOf('HCP_HELLO'), receiver: toBob }, { nowMs: NOW }), { field: 'state.human' })
    assert.throws(() => buildBodyEnvelope(alice, { type: 'LIP_EVIDENCE', payload: payloadOf('LIP_EVIDENCE'), receiver: toBob }, { nowMs: NOW }), { field: 'source' })
  })

  it('buildBodyEnvelope() throws unknown_type for a type outside CIP, HCP and LIP', () => {
    for (const type of ['SERVICE_INVOKE', 'MESH_RECEIPT', 'NOPE']) {
      assert.deepEqual(failureOf(() => buildBodyEnvelope(alice, { type: type as BodyType, payload: {}, receiver: toBob }, { nowMs: NOW })), { name: 'InvalidEnvelopeError', reason: 'unknown_type' }, type)
    }
  })

  it('buildBodyEnvelope() throws PayloadSchemaError for a payload that does not match its type', () => {
    const bad = { ...(payloadOf('INTENT') as object), goal: 'conquer' }
    assert.equal(failureOf(() => buildBodyEnvelope(alice, { type: 'INTENT', payload: bad, receiver: toBob }, { nowMs: NOW }))?.name, 'PayloadSchemaError')
    assert.equal(failureOf(() => buildBodyEnvelope(alice, { type: 'HCP_FEEDBACK', payload: { feedback: 'x' }, receiver: toBob }, { nowMs: NOW, human: HUMAN }))?.name, 'PayloadSchemaError')
  })
})

describe('appendHop()', () => {
  it('appendHop() appends to hops and the carrier still opens end to end', () => {
    const relayB = generateKeyPairIdentity().fingerprint
    const carrier = carrierOf(bodyOf('FACT_PROPOSE'))
    const atB = appendHop(copyOf(carrier), relayB)
    const atBob = appendHop(atB, bob.fingerprint)
    assert.deepEqual(atBob.hops, [relayB, bob.fingerprint])
    assert.deepEqual(carrier.hops, [], 'the original is not changed')
    assert.deepEqual(atB.hops, [relayB])
    const opened = openEnvelope(canonicalBytes(atBob), { nowMs: NOW, replay: createReplayCache() }) as MeshEnvelope
    assert.deepEqual(opened.hops, [relayB, bob.fingerprint])
    assert.deepEqual({ ...opened, hops: [] }, carrier)
  })

  it('appendHop() keeps the signature valid for any trace, while a change to a signed member breaks it (property)', () => {
    const fingerprint = fc.stringMatching(/^[0-9a-f]{64}$/)
    const types = fc.constantFrom(...BODY_TYPES)
    fc.assert(fc.property(types, fc.array(fingerprint, { maxLength: 16 }), (type, hops) => {
      const carrier = carrierOf(bodyOf(type))
      const relayed = hops.reduce((current, hop) => appendHop(current, hop), copyOf(carrier))
      assert.deepEqual(relayed.hops, hops)
      openEnvelope(canonicalBytes(relayed), { nowMs: NOW })
      const tampered = { ...relayed, created_at: formatRfc3339(NOW + 1) }
      assert.equal(failureOf(() => openEnvelope(canonicalBytes(tampered), { nowMs: NOW }))?.name, 'SignatureMismatchError')
    }), { seed: SEED, numRuns: 60 })
  })
})
