import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { EXAMPLE_PAYLOADS } from '../../../test/fixtures/example-payloads.ts'
import { failureOf } from '../../../test/helpers/failure.ts'
import { canonicalBytes, canonicalize } from '../../protocol/canonical-json.ts'
import type { JsonValue } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope, buildMeshEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { openEnvelope } from '../../protocol/envelope/open.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { IntentPayload, MeshEnvelope, ServiceInvokePayload } from '../../protocol/envelope/types.ts'
import { DeliveryTimeoutError, NoRouteError } from '../../protocol/errors.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { createReplayCache } from '../../protocol/replay-cache.ts'
import { MAX_RECEIPT_ERROR_MESSAGE_CHARS } from './constants.ts'
import { decideForwarding } from './forwarding-policy.ts'
import { buildReceipt, receiptOutcome } from './receipts.ts'
import type { ReceiptOptions } from './receipts.ts'

const SEED = 20261126
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const alice: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'alice' }
const bob: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'bob' }
const carol: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'carol' }
const toCarol = { agent_id: 'carol', fingerprint: carol.identity.fingerprint }
const INVOKE = structuredClone(EXAMPLE_PAYLOADS.SERVICE_INVOKE) as unknown as ServiceInvokePayload

/** A SERVICE_INVOKE from alice to carol, as it reaches carol through bob: hops [bob, carol]. */
function arrivedAtCarol (): MeshEnvelope {
  const carrier: MeshEnvelope = sealEnvelope(buildMeshEnvelope(alice, { type: 'SERVICE_INVOKE', payload: INVOKE, receiver: toCarol }, { nowMs: NOW }), alice.identity)
  const atBob = decideForwarding(carrier, { self: bob.identity.fingerprint, isKnown: () => true, trustOf: () => 'probing', nextHop: (fingerprint) => fingerprint })
  const atCarol = decideForwarding({ ...carrier, hops: atBob.hops }, { self: carol.identity.fingerprint, isKnown: () => true, trustOf: () => 'probing', nextHop: () => undefined })
  assert.equal(atCarol.decision.action, 'deliver')
  return { ...carrier, hops: atCarol.hops }
}

/** carol's receipt, sealed, sent as bytes and opened by alice. */
function roundTrip (carrier: MeshEnvelope, options: ReceiptOptions): { sealed: MeshEnvelope, opened: MeshEnvelope } {
  const sealed: MeshEnvelope = sealEnvelope(buildReceipt(carol, carrier, options), carol.identity)
  const opened = openEnvelope(canonicalBytes(sealed), { nowMs: NOW + 50, replay: createReplayCache() }) as MeshEnvelope
  return { sealed, opened }
}

describe('buildReceipt()', () => {
  it('buildReceipt() answers a delivered carrier, and the receipt round-trips through seal and open', () => {
    const carrier = arrivedAtCarol()
    const { sealed, opened } = roundTrip(carrier, { status: 'delivered', result: { echo: 'hi' }, nowMs: NOW + 10 })
    assert.deepEqual(opened, sealed)
    assert.equal(opened.type, 'MESH_RECEIPT')
    assert.deepEqual(opened.receiver, { agent_id: 'alice', fingerprint: alice.identity.fingerprint })
    assert.equal(opened.destination, alice.identity.fingerprint)
    assert.equal(opened.origin, carol.identity.fingerprint)
    assert.deepEqual(opened.hops, [], 'the receipt starts its own trace')
    assert.notEqual(opened.id, carrier.id)
    assert.deepEqual(opened.payload, {
      for_id: carrier.id, for_msg_id: carrier.msg_id, status: 'delivered', hops: [bob.identity.fingerprint, carol.identity.fingerprint], result: { echo: 'hi' }
    })
  })

  it('buildReceipt() answers a failure with only the name, reason and message of a typed error', () => {
    const carrier = arrivedAtCarol()
    const error = new NoRouteError('Cannot route to "x": no path', { reason: 'no_path', fingerprint: 'f'.repeat(64) })
    const { opened } = roundTrip(carrier, { status: 'failed', error, nowMs: NOW })
    assert.deepEqual((opened.payload as { error: unknown }).error, { name: 'NoRouteError', reason: 'no_path', message: 'Cannot route to "x": no path' })
  })

  it('buildReceipt() answers a carried body as well as a SERVICE_INVOKE', () => {
    const intent = sealEnvelope(buildCipEnvelope(alice, { type: 'INTENT', payload: structuredClone(EXAMPLE_PAYLOADS.INTENT) as unknown as IntentPayload, receiver: toCarol }, { nowMs: NOW }), alice.identity)
    const carrier: MeshEnvelope = sealEnvelope(buildMeshEnvelope(alice, { type: 'INTENT', payload: { body: intent }, receiver: toCarol }, { nowMs: NOW }), alice.identity)
    const { opened } = roundTrip({ ...carrier, hops: [carol.identity.fingerprint] }, { status: 'delivered', nowMs: NOW })
    assert.deepEqual(receiptOutcome(opened), { forId: carrier.id, forMsgId: carrier.msg_id, from: carol.identity.fingerprint, status: 'delivered', hops: [carol.identity.fingerprint] })
  })

  it('buildReceipt() takes its ids from the injected source', () => {
    const ids = ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-9999-aaaaaaaaaaaa']
    const receipt = buildReceipt(carol, arrivedAtCarol(), { status: 'delivered', nowMs: NOW, randomUUID: () => ids.shift()! })
    assert.deepEqual([receipt.msg_id, receipt.id], ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-9999-aaaaaaaaaaaa'])
  })

  it('buildReceipt() cuts a long error message to its bound, never inside a surrogate pair', () => {
    for (const message of ['x'.repeat(5000), '😀'.repeat(3000), `${'x'.repeat(MAX_RECEIPT_ERROR_MESSAGE_CHARS - 2)}😀😀`]) {
      const { opened } = roundTrip(arrivedAtCarol(), { status: 'failed', error: { name: 'HandlerError', reason: 'crashed', message }, nowMs: NOW })
      const cut = (opened.payload as { error: { message: string } }).error.message
      assert.ok(cut.length <= MAX_RECEIPT_ERROR_MESSAGE_CHARS && cut.endsWith('…') && cut.isWellFormed())
    }
    const exact = 'y'.repeat(MAX_RECEIPT_ERROR_MESSAGE_CHARS)
    const { opened } = roundTrip(arrivedAtCarol(), { status: 'failed', error: { name: 'HandlerError', reason: 'crashed', message: exact }, nowMs: NOW })
    assert.equal((opened.payload as { error: { message: string } }).error.message, exact)
  })

  it('buildReceipt() refuses options whose status disagrees with error or result, and a receipt for a receipt', () => {
    const carrier = arrivedAtCarol()
    const error = { name: 'NoRouteError', reason: 'no_path', message: 'x' }
    for (const options of [
      { status: 'failed', nowMs: NOW },
      { status: 'failed', error, result: 1, nowMs: NOW },
      { status: 'delivered', error, nowMs: NOW }
    ] as ReceiptOptions[]) {
      assert.throws(() => buildReceipt(carol, carrier, options), TypeError, JSON.stringify(options))
    }
    const receipt = sealEnvelope(buildReceipt(carol, carrier, { status: 'delivered', nowMs: NOW }), carol.identity)
    assert.throws(() => buildReceipt(alice, receipt, { status: 'delivered', nowMs: NOW }), TypeError)
  })

  it('buildReceipt() throws PayloadSchemaError for an error name or reason of the wrong shape, or too many hops', () => {
    const carrier = arrivedAtCarol()
    const fail = (change: Partial<ReceiptOptions>, hops = carrier.hops): string | undefined =>
      failureOf(() => buildReceipt(carol, { ...carrier, hops }, { status: 'failed', error: { name: 'X', reason: 'y', message: '' }, nowMs: NOW, ...change }))?.name
    assert.equal(fail({ error: { name: 'No Route', reason: 'no_path', message: '' } }), 'PayloadSchemaError')
    assert.equal(fail({ error: { name: 'NoRouteError', reason: 'No-Path', message: '' } }), 'PayloadSchemaError')
    assert.equal(fail({}, Array.from({ length: 65 }, () => bob.identity.fingerprint)), 'PayloadSchemaError')
    assert.equal(fail({}, Array.from({ length: 64 }, () => bob.identity.fingerprint)), undefined)
  })
})

describe('receiptOutcome()', () => {
  it('receiptOutcome() reports the carrier, the signer, the path and the result of a delivery', () => {
    const carrier = arrivedAtCarol()
    const { opened } = roundTrip(carrier, { status: 'delivered', result: [1, 'two', null], nowMs: NOW })
    assert.deepEqual(receiptOutcome(opened), {
      forId: carrier.id, forMsgId: carrier.msg_id, from: carol.identity.fingerprint, status: 'delivered',
      hops: [bob.identity.fingerprint, carol.identity.fingerprint], result: [1, 'two', null]
    })
  })

  it('receiptOutcome() keeps a null result apart from no result', () => {
    const withNull = receiptOutcome(roundTrip(arrivedAtCarol(), { status: 'delivered', result: null, nowMs: NOW }).opened)
    assert.ok(Object.hasOwn(withNull, 'result'))
    assert.equal(withNull.result, null)
    const without = receiptOutcome(roundTrip(arrivedAtCarol(), { status: 'delivered', nowMs: NOW }).opened)
    assert.ok(!Object.hasOwn(without, 'result'))
  })

  it('receiptOutcome() reports the typed error of a failure, as a copy', () => {
    const error = new DeliveryTimeoutError('Cannot deliver "m": no receipt within 10000 ms', { reason: 'timeout', limit: 10_000 })
    const { opened } = roundTrip(arrivedAtCarol(), { status: 'failed', error, nowMs: NOW })
    const outcome = receiptOutcome(opened)
    assert.equal(outcome.status, 'failed')
    assert.deepEqual(outcome.error, { name: 'DeliveryTimeoutError', reason: 'timeout', message: error.message })
    assert.notEqual(outcome.error, (opened.payload as { error: unknown }).error)
    assert.ok(!Object.hasOwn(outcome, 'result'))
  })

  it('receiptOutcome() refuses an envelope that is not a MESH_RECEIPT', () => {
    assert.throws(() => receiptOutcome(arrivedAtCarol()), TypeError)
  })
})

describe('receipts on the wire', () => {
  it('a receipt relayed back keeps verifying: relays append to its own hops, not to the signed path', () => {
    const { sealed } = roundTrip(arrivedAtCarol(), { status: 'delivered', nowMs: NOW })
    const relayed = { ...sealed, hops: [bob.identity.fingerprint] }
    const opened = openEnvelope(canonicalBytes(relayed), { nowMs: NOW }) as MeshEnvelope
    assert.deepEqual(receiptOutcome(opened).hops, [bob.identity.fingerprint, carol.identity.fingerprint])
  })

  it('a relay that rewrites the reported path or status is caught by the signature', () => {
    const { sealed } = roundTrip(arrivedAtCarol(), { status: 'delivered', nowMs: NOW })
    const forged = [
      { ...sealed, payload: { ...sealed.payload, hops: [carol.identity.fingerprint] } },
      { ...sealed, payload: { ...sealed.payload, status: 'failed', error: { name: 'NoRouteError', reason: 'no_path', message: '' } } }
    ]
    for (const envelope of forged) assert.equal(failureOf(() => openEnvelope(canonicalBytes(envelope), { nowMs: NOW }))?.name, 'SignatureMismatchError')
  })
})

describe('receipts properties', () => {
  const fingerprint = fc.constantFrom(alice.identity.fingerprint, bob.identity.fingerprint, carol.identity.fingerprint, 'd4'.repeat(32))
  const forbidden = new Set(['__proto__', 'constructor', 'prototype'])
  const isPlainJson = (value: unknown): boolean => typeof value !== 'object' || value === null
    || (Array.isArray(value) ? value.every(isPlainJson) : Object.entries(value).every(([key, item]) => !forbidden.has(key) && isPlainJson(item)))
  const result = fc.jsonValue({ maxDepth: 3 }).filter(isPlainJson)
  const outcome = fc.oneof(
    fc.record({ status: fc.constant('delivered' as const), result: fc.option(result, { nil: undefined }) }),
    fc.record({
      status: fc.constant('failed' as const),
      error: fc.record({ name: fc.stringMatching(/^[A-Z][A-Za-z]{0,20}$/), reason: fc.stringMatching(/^[a-z][a-z_]{0,20}$/), message: fc.string({ maxLength: 200 }) })
    })
  )

  it('buildReceipt() then receiptOutcome() gives back the carrier, the path and the outcome, through seal and open', () => {
    const carrier = arrivedAtCarol()
    fc.assert(fc.property(fc.array(fingerprint, { maxLength: 64 }), outcome, (hops, given) => {
      const options = { ...given, nowMs: NOW } as ReceiptOptions
      if (options.result === undefined) delete options.result
      const { opened } = roundTrip({ ...carrier, hops }, options)
      const got = receiptOutcome(opened)
      assert.deepEqual([got.forId, got.forMsgId, got.from, got.status, got.hops], [carrier.id, carrier.msg_id, carol.identity.fingerprint, given.status, hops])
      if (given.status === 'failed') assert.deepEqual(got.error, { ...given.error })
      else if (given.result === undefined) assert.ok(!Object.hasOwn(got, 'result'))
      else assert.equal(canonicalize(got.result as JsonValue), canonicalize(given.result))
    }), { seed: SEED, numRuns: 200 })
  })
})
