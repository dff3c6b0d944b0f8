import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { JsonValue } from '../../../protocol/canonical-json.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import { ALICE, DIRECT, MESH, meshEnvelope } from '../../protocol-router/fixtures.test.ts'
import { createServiceInvokeHandler } from './service-invoke.ts'
import type { ServiceHandler } from './service-invoke.ts'

const invoke = (service = 'echo', version = '1', input: JsonValue = { text: 'hi' }) => meshEnvelope('SERVICE_INVOKE', { service, version, input })

describe('createServiceInvokeHandler()', () => {
  test('SERVICE_INVOKE handler looks the service up in the registry and returns its result with the caller\'s fingerprint', async () => {
    const lookups: Array<[string, string]> = []
    const echo: ServiceHandler = (input, from) => ({ input, from })
    const handler = createServiceInvokeHandler({
      findService: (service, version) => {
        lookups.push([service, version])
        return echo
      }
    })
    assert.deepEqual(await handler(invoke(), MESH), { input: { text: 'hi' }, from: ALICE })
    assert.deepEqual(lookups, [['echo', '1']])
  })

  test('SERVICE_INVOKE handler returns an asynchronous service\'s promise', async () => {
    const handler = createServiceInvokeHandler({ findService: () => async (input) => await Promise.resolve([input]) })
    const result = handler(invoke('s', '2', 7), MESH)
    assert.ok(result instanceof Promise)
    assert.deepEqual(await result, [7])
  })

  test('SERVICE_INVOKE handler refuses an unregistered service with InvalidEnvelopeError unknown_service', () => {
    const handler = createServiceInvokeHandler({ findService: () => undefined })
    assert.throws(() => handler(invoke('missing', '9'), MESH), (err: unknown) =>
      err instanceof InvalidEnvelopeError && err.reason === 'unknown_service' && err.message === 'Cannot invoke "missing@9": no such service on this node')
  })

  test('SERVICE_INVOKE handler rethrows what the service throws', () => {
    const failure = new RangeError('bad input')
    const handler = createServiceInvokeHandler({ findService: () => () => { throw failure } })
    assert.throws(() => handler(invoke(), MESH), (err: unknown) => err === failure)
  })

  test('SERVICE_INVOKE handler refuses an invocation from a direct link', () => {
    let isLookedUp = false
    const handler = createServiceInvokeHandler({
      findService: () => {
        isLookedUp = true
        return () => null
      }
    })
    assert.throws(() => handler(invoke(), DIRECT), (err: unknown) => err instanceof InvalidEnvelopeError && err.reason === 'wrong_channel')
    assert.equal(isLookedUp, false)
  })
})
