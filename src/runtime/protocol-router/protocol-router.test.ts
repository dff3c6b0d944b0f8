import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import { CIP_TYPES, HCP_TYPES, LIP_TYPES, MESH_OWN_TYPES } from '../../protocol/envelope/types.ts'
import type { CipType, Envelope, HcpType, LipType, MeshEnvelope, MeshOwnType } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../protocol/errors.ts'
import { createProtocolRouter, ROUTE_KEYS } from './index.ts'
import type { DispatchContext, HandlerTable, ProtocolHandler, ProtocolRouterComponents, RouteKey } from './index.ts'
import { BOB, carrierOf, cipEnvelope, DIRECT, hcpEnvelope, linkTo, lipEnvelope, MESH, meshEnvelope } from './fixtures.test.ts'

/** A sample envelope for a route. */
function envelopeOf (key: RouteKey): Envelope {
  const [protocol, type] = key.split('.') as [string, string]
  switch (protocol) {
    case 'cip': return cipEnvelope(type as CipType)
    case 'hcp': return hcpEnvelope(type as HcpType)
    case 'lip': return lipEnvelope(type as LipType)
    default: return meshEnvelope(type as MeshOwnType, { body: cipEnvelope('INTENT') })
  }
}

interface Harness {
  calls: Array<{ key: RouteKey, envelope: Envelope, context: DispatchContext }>
  table: HandlerTable
}

/** A table whose every handler records its call, with `overrides` for some routes. */
function recordingTable (overrides: Partial<Record<RouteKey, ProtocolHandler<never>>> = {}): Harness {
  const calls: Harness['calls'] = []
  const entries = ROUTE_KEYS.map((key) => [key, overrides[key] ?? ((envelope: Envelope, context: DispatchContext) => {
    calls.push({ key, envelope, context })
    return undefined
  })])
  return { calls, table: Object.fromEntries(entries) as HandlerTable }
}

function routerOf (table: HandlerTable, components: Partial<ProtocolRouterComponents> = {}) {
  const metrics = createCountingMetrics()
  let nowMs = 0
  const clock = { monotonic: () => (nowMs += 5) }
  const router = createProtocolRouter({ logger: SILENT_LOGGER, metrics, clock, ...components }, table)
  return { router, metrics }
}

describe('ROUTE_KEYS', () => {
  test('ROUTE_KEYS has one route for every type of CIP_TYPES, HCP_TYPES, LIP_TYPES and MESH_OWN_TYPES (SPEC §10)', () => {
    const expected = [
      ...CIP_TYPES.map((type) => `cip.${type}`), ...HCP_TYPES.map((type) => `hcp.${type}`),
      ...LIP_TYPES.map((type) => `lip.${type}`), ...MESH_OWN_TYPES.map((type) => `mesh.${type}`)
    ]
    assert.deepEqual([...ROUTE_KEYS], expected)
    assert.equal(new Set(ROUTE_KEYS).size, 23)
  })
})

describe('createProtocolRouter()', () => {
  test('createProtocolRouter() throws RangeError naming every route the table misses', () => {
    const { table } = recordingTable()
    const partial = Object.fromEntries(Object.entries(table).filter(([key]) => key !== 'cip.HELLO' && key !== 'mesh.MESH_EVIDENCE'))
    assert.throws(() => routerOf(partial as unknown as HandlerTable), (err: unknown) => err instanceof RangeError
      && err.message === 'Cannot create protocol router: no handler for "cip.HELLO", "mesh.MESH_EVIDENCE"')
  })

  test('createProtocolRouter() throws RangeError on a key that is not a route', () => {
    const { table } = recordingTable()
    assert.throws(() => routerOf({ ...table, 'cip.GOODBYE': () => undefined } as HandlerTable), /"cip.GOODBYE" is not a route/)
  })

  test('createProtocolRouter() keeps its own copy of the table', () => {
    const { table, calls } = recordingTable()
    const { router } = routerOf(table)
    ;(table as Record<string, unknown>)['cip.INTENT'] = () => { throw new Error('replaced') }
    router.dispatchDirect(cipEnvelope('INTENT'), DIRECT.link)
    assert.equal(calls.length, 1)
  })
})

describe('ProtocolRouter.dispatch()', () => {
  test('ProtocolRouter.dispatch() runs the handler of every route, and only that one, counting each ok', () => {
    const { table, calls } = recordingTable()
    const { router, metrics } = routerOf(table)
    for (const key of ROUTE_KEYS) {
      const envelope = envelopeOf(key)
      assert.equal(router.dispatch(envelope, MESH), undefined)
      const last = calls.at(-1)
      assert.equal(last?.key, key)
      assert.equal(last.envelope, envelope)
      assert.equal(last.context, MESH)
      const [protocol = '', type = ''] = key.split('.')
      assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol, type, result: 'ok' }), 1, key)
      assert.equal(metrics.value('web4_runtime_dispatch_ms_total', { protocol, type }), 5, key)
    }
    assert.equal(calls.length, ROUTE_KEYS.length)
  })

  test('ProtocolRouter.dispatch() returns what a synchronous handler returns, synchronously', () => {
    const { table } = recordingTable({ 'mesh.SERVICE_INVOKE': () => ({ answer: 42 }) })
    const { router } = routerOf(table)
    assert.deepEqual(router.dispatch(meshEnvelope('SERVICE_INVOKE', { service: 's', version: '1', input: null }), MESH), { answer: 42 })
  })

  const unrouted: Array<[string, () => Envelope, Record<string, string>]> = [
    ['an unknown type', () => ({ ...cipEnvelope('INTENT'), type: 'GOODBYE' }) as unknown as Envelope, { protocol: 'cip', type: 'unknown' }],
    ['a type of another family', () => ({ ...cipEnvelope('INTENT'), type: 'HCP_HELLO' }) as unknown as Envelope, { protocol: 'cip', type: 'HCP_HELLO' }],
    ['a body type under the mesh tag (give dispatchDelivery the carrier)', () => carrierOf(cipEnvelope('INTENT')), { protocol: 'mesh', type: 'INTENT' }],
    ['no version tag', () => Object.fromEntries(Object.entries(cipEnvelope('INTENT')).filter(([key]) => key !== 'cip')) as unknown as Envelope, { protocol: 'unknown', type: 'INTENT' }],
    ['two version tags', () => ({ ...cipEnvelope('INTENT'), hcp: '1.0' }) as unknown as Envelope, { protocol: 'unknown', type: 'INTENT' }]
  ]
  for (const [name, make, labels] of unrouted) {
    test(`ProtocolRouter.dispatch() refuses ${name} with InvalidEnvelopeError unrouted_type and counts it`, () => {
      const { table, calls } = recordingTable()
      const { router, metrics } = routerOf(table)
      const envelope = make()
      assert.throws(() => router.dispatch(envelope, DIRECT), (err: unknown) => err instanceof InvalidEnvelopeError
        && err.reason === 'unrouted_type' && err.msgId === envelope.msg_id && /^Cannot dispatch ".*": no route$/.test(err.message))
      assert.equal(calls.length, 0)
      assert.equal(metrics.value('web4_runtime_dispatch_total', { ...labels, result: 'unrouted' }), 1)
    })
  }

  test('ProtocolRouter.dispatch() never makes an attacker\'s type string a metric label', () => {
    const { table } = recordingTable()
    const { router, metrics } = routerOf(table)
    const envelope = { ...cipEnvelope('INTENT'), type: 'x'.repeat(10_000) } as unknown as Envelope
    assert.throws(() => router.dispatch(envelope, DIRECT), (err: unknown) => err instanceof InvalidEnvelopeError && err.message.length < 200)
    assert.deepEqual(metrics.series().map(([, labels]) => labels.type), ['unknown'])
  })

  test('ProtocolRouter.dispatch() rethrows what a handler throws and counts it as an error, with its time', () => {
    const failure = new InvalidEnvelopeError('Cannot take it: bad', { reason: 'bad' })
    const { table } = recordingTable({ 'lip.LIP_EVIDENCE': () => { throw failure } })
    const dispatched: Envelope[] = []
    const { router, metrics } = routerOf(table, { onDispatched: (envelope) => { dispatched.push(envelope) } })
    assert.throws(() => router.dispatch(lipEnvelope('LIP_EVIDENCE'), MESH), (err: unknown) => err === failure)
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'lip', type: 'LIP_EVIDENCE', result: 'error' }), 1)
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'lip', type: 'LIP_EVIDENCE', result: 'ok' }), 0)
    assert.equal(metrics.value('web4_runtime_dispatch_ms_total', { protocol: 'lip', type: 'LIP_EVIDENCE' }), 5)
    assert.deepEqual(dispatched, [])
  })

  test('ProtocolRouter.dispatch() resolves an asynchronous handler\'s result and counts ok once it settles', async () => {
    let release: (value: { ok: boolean }) => void = () => { /* replaced */ }
    const { table } = recordingTable({ 'mesh.SERVICE_INVOKE': async () => await new Promise((resolve) => { release = resolve }) })
    const { router, metrics } = routerOf(table)
    const pending = router.dispatch(meshEnvelope('SERVICE_INVOKE', { service: 's', version: '1', input: null }), MESH)
    assert.ok(pending instanceof Promise)
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'mesh', type: 'SERVICE_INVOKE', result: 'ok' }), 0)
    release({ ok: true })
    assert.deepEqual(await pending, { ok: true })
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'mesh', type: 'SERVICE_INVOKE', result: 'ok' }), 1)
  })

  test('ProtocolRouter.dispatch() counts an asynchronous handler\'s rejection as an error and rejects with it', async () => {
    const failure = new Error('service down')
    const { table } = recordingTable({
      'mesh.SERVICE_INVOKE': async () => {
        await Promise.resolve()
        throw failure
      }
    })
    const { router, metrics } = routerOf(table)
    await assert.rejects(async () => await router.dispatch(meshEnvelope('SERVICE_INVOKE', { service: 's', version: '1', input: null }), MESH), (err: unknown) => err === failure)
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'mesh', type: 'SERVICE_INVOKE', result: 'error' }), 1)
  })

  test('ProtocolRouter.dispatch() tells onDispatched of every envelope a handler took, and survives it throwing', () => {
    const { table } = recordingTable()
    const seen: Array<[Envelope, DispatchContext]> = []
    const { router, metrics } = routerOf(table, {
      onDispatched: (envelope, context) => {
        seen.push([envelope, context])
        throw new Error('listener bug')
      }
    })
    const envelope = cipEnvelope('STATE_UPDATE')
    assert.equal(router.dispatch(envelope, DIRECT), undefined)
    assert.deepEqual(seen, [[envelope, DIRECT]])
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'cip', type: 'STATE_UPDATE', result: 'ok' }), 1)
  })

  test('ProtocolRouter.dispatch() works without metrics or a clock', () => {
    const { table, calls } = recordingTable()
    const router = createProtocolRouter({ logger: SILENT_LOGGER }, table)
    assert.equal(router.dispatch(hcpEnvelope('HCP_HELLO'), MESH), undefined)
    assert.equal(calls.length, 1)
  })
})

describe('ProtocolRouter.dispatchDirect()', () => {
  test('ProtocolRouter.dispatchDirect() dispatches with the link and its fingerprint as context', () => {
    const { table, calls } = recordingTable()
    const { router } = routerOf(table)
    const link = linkTo(BOB)
    const envelope = cipEnvelope('STATE_UPDATE', undefined, BOB)
    router.dispatchDirect(envelope, link)
    assert.deepEqual(calls, [{ key: 'cip.STATE_UPDATE', envelope, context: { via: 'direct', from: BOB, link } }])
  })

  test('ProtocolRouter.dispatchDirect() throws a handler\'s error synchronously, and refuses an unknown type', () => {
    const failure = new InvalidEnvelopeError('Cannot take it: bad', { reason: 'bad' })
    const { router } = routerOf(recordingTable({ 'cip.HELLO': () => { throw failure } }).table)
    assert.throws(() => { router.dispatchDirect(cipEnvelope('HELLO'), DIRECT.link) }, (err: unknown) => err === failure)
    assert.throws(() => { router.dispatchDirect({ ...cipEnvelope('INTENT'), type: 'NOPE' } as unknown as Envelope, DIRECT.link) }, InvalidEnvelopeError)
  })

  test('ProtocolRouter.dispatchDirect() counts and logs an asynchronous handler\'s rejection instead of leaving it unhandled', async () => {
    const warnings: string[] = []
    const logger = { ...SILENT_LOGGER, warn: (_fields: Record<string, unknown>, message?: string) => { warnings.push(message ?? '') }, child: () => logger }
    const { table } = recordingTable({ 'mesh.SERVICE_INVOKE': async () => await Promise.reject(new Error('down')) })
    const { router, metrics } = routerOf(table, { logger })
    router.dispatchDirect(meshEnvelope('SERVICE_INVOKE', { service: 's', version: '1', input: null }), DIRECT.link)
    await new Promise((resolve) => { setImmediate(resolve) })
    assert.deepEqual(warnings, ['asynchronous handler failed'])
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'mesh', type: 'SERVICE_INVOKE', result: 'error' }), 1)
  })
})

describe('ProtocolRouter.dispatchDelivery()', () => {
  test('ProtocolRouter.dispatchDelivery() dispatches a carried body with the carrier and its origin as context', () => {
    const { table, calls } = recordingTable()
    const { router } = routerOf(table)
    const body = lipEnvelope('LIP_EVIDENCE')
    const carrier = carrierOf(body)
    assert.equal(router.dispatchDelivery(carrier, carrier.origin), undefined)
    assert.deepEqual(calls.map((call) => call.key), ['lip.LIP_EVIDENCE'])
    assert.equal(calls[0]?.envelope, body)
    assert.deepEqual(calls[0].context, { via: 'mesh', from: carrier.origin, carrier })
  })

  test('ProtocolRouter.dispatchDelivery() dispatches a carrier of the mesh\'s own types as itself', () => {
    const { table, calls } = recordingTable()
    const { router } = routerOf(table)
    for (const type of MESH_OWN_TYPES) {
      const carrier = meshEnvelope(type, { service: 's', version: '1', input: null })
      assert.equal(router.dispatchDelivery(carrier, carrier.origin), undefined)
      assert.equal(calls.at(-1)?.key, `mesh.${type}`)
      assert.equal(calls.at(-1)?.envelope, carrier)
    }
  })

  test('ProtocolRouter.dispatchDelivery() refuses a carrier whose body is missing or of another type, counted as an error', () => {
    const { table, calls } = recordingTable()
    const { router, metrics } = routerOf(table)
    const mismatched: MeshEnvelope = { ...carrierOf(cipEnvelope('INTENT')), type: 'FACT_PROPOSE' }
    const empty = { ...carrierOf(cipEnvelope('INTENT')), payload: {} } as MeshEnvelope
    for (const carrier of [mismatched, empty]) {
      assert.throws(() => router.dispatchDelivery(carrier, carrier.origin), (err: unknown) => err instanceof InvalidEnvelopeError && err.reason === 'carrier_mismatch')
    }
    assert.equal(calls.length, 0)
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'mesh', type: 'FACT_PROPOSE', result: 'error' }), 1)
    assert.equal(metrics.value('web4_runtime_dispatch_total', { protocol: 'mesh', type: 'INTENT', result: 'error' }), 1)
  })

  test('ProtocolRouter.routes() lists every route', () => {
    const { router } = routerOf(recordingTable().table)
    assert.deepEqual(router.routes(), ROUTE_KEYS)
  })
})
