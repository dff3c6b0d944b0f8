import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXAMPLE_PAYLOADS } from '../../../test/fixtures/example-payloads.ts'
import { failureOf } from '../../../test/helpers/failure.ts'
import { openEnvelope } from '../../protocol/envelope/open.ts'
import type { MeshEnvelope } from '../../protocol/envelope/types.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import type { JsonValue } from '../../protocol/canonical-json.ts'
import { completeEnvelope } from './complete-envelope.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const author = { identity: generateKeyPairIdentity(), agentId: 'alice' }
const receiver = { agent_id: 'bob', fingerprint: 'b'.repeat(64) }
const json = (value: unknown): JsonValue => value as JsonValue

describe('completeEnvelope()', () => {
  it('infers the protocol from the type and fills msg_id, timestamp and sender', () => {
    const sealed = completeEnvelope(json({ type: 'HCP_INTENT', receiver, payload: EXAMPLE_PAYLOADS.HCP_INTENT, state: { human: { presence: 'focused', affect: 'calm', clarity: 70, pressure: 20, intent: 'x', consent: 'granted' } } }), author, { nowMs: NOW, randomUUID: () => '11111111-2222-4333-8444-555555555555' })
    assert.equal((sealed as { hcp?: string }).hcp, '1.0')
    assert.equal(sealed.msg_id, '11111111-2222-4333-8444-555555555555')
    assert.equal(sealed.timestamp, '2026-11-26T04:00:00.000Z')
    assert.equal(sealed.sender.fingerprint, author.identity.fingerprint)
    assert.equal(openEnvelope(sealed, { nowMs: NOW }).type, 'HCP_INTENT')
  })

  it('keeps given members and replaces an old signature', () => {
    const first = completeEnvelope(json({ type: 'INTENT', receiver, payload: EXAMPLE_PAYLOADS.INTENT }), author, { nowMs: NOW })
    const again = completeEnvelope(json({ ...first, payload: { ...EXAMPLE_PAYLOADS.INTENT, topic: 'new' } }), author, { nowMs: NOW + 5000 })
    assert.equal(again.msg_id, first.msg_id)
    assert.equal(again.timestamp, first.timestamp)
    assert.notEqual(again.sign.signature, first.sign.signature)
    assert.equal(openEnvelope(again, { nowMs: NOW }).type, 'INTENT')
  })

  it('completes a mesh carrier and signs its unsigned body first', () => {
    const body = { type: 'INTENT', receiver, payload: EXAMPLE_PAYLOADS.INTENT }
    const sealed = completeEnvelope(json({ mesh: '1.0', type: 'INTENT', receiver, payload: { body } }), author, { nowMs: NOW }) as MeshEnvelope
    assert.equal(sealed.origin, author.identity.fingerprint)
    assert.equal(sealed.destination, receiver.fingerprint)
    assert.deepEqual(sealed.hops, [])
    assert.equal(openEnvelope(sealed, { nowMs: NOW }).type, 'INTENT')
  })

  it('refuses non-objects, unknown types and foreign senders with typed reasons', () => {
    const reasonOf = (value: unknown): string | undefined => failureOf(() => completeEnvelope(json(value), author, { nowMs: NOW }))?.reason
    assert.equal(reasonOf([1]), 'schema')
    assert.equal(reasonOf({ type: 'PING', receiver, payload: {} }), 'unknown_type')
    assert.equal(reasonOf({ type: 'INTENT', receiver, payload: EXAMPLE_PAYLOADS.INTENT, sender: { agent_id: 'x', fingerprint: 'c'.repeat(64), pubkey: author.identity.pubkey } }), 'sender_mismatch')
  })
})
