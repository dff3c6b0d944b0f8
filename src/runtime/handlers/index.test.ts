import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import { CIP_TYPES, HCP_TYPES, LIP_TYPES, MESH_OWN_TYPES } from '../../protocol/envelope/types.ts'
import type { Envelope, MeshOwnType, MeshPayload } from '../../protocol/envelope/types.ts'
import { createProtocolRouter, ROUTE_KEYS } from '../protocol-router/index.ts'
import type { DispatchContext } from '../protocol-router/index.ts'
import { ALICE, cipEnvelope, DIRECT, hcpEnvelope, lipEnvelope, MESH, meshEnvelope, NOW, recordingEvents } from '../protocol-router/fixtures.test.ts'
import * as handlers from './index.ts'
import { createHandlerTable } from './index.ts'
import type { HandlerTableComponents } from './index.ts'

/** Components whose every function records its name. */
function fakeComponents () {
  const called: string[] = []
  const mark = (name: string) => (): undefined => {
    called.push(name)
    return undefined
  }
  const components: HandlerTableComponents = {
    onDirectHello: mark('onDirectHello'),
    onDirectStateUpdate: mark('onDirectStateUpdate'),
    recordState: mark('recordState'),
    now: () => NOW,
    events: recordingEvents(),
    notifyStateUpdate: mark('notifyStateUpdate'),
    notifyIntent: mark('notifyIntent'),
    isOverloaded: () => false,
    acceptKnowledge: mark('acceptKnowledge'),
    deferIntake: mark('deferIntake'),
    onHcpEnvelope: mark('onHcpEnvelope'),
    onLipEnvelope: mark('onLipEnvelope'),
    onMeshHello: mark('onMeshHello'),
    findService: () => { called.push('findService'); return () => 'done' },
    onReceipt: mark('onReceipt'),
    onEvidence: mark('onEvidence')
  }
  return { components, called }
}

/** A route name, the envelope and context to dispatch, and the components expected to be called, in order. */
type Case = [string, () => { envelope: Envelope, context: DispatchContext }, string[]]

const MESH_PAYLOADS: { [T in MeshOwnType]: MeshPayload<T> } = {
  MESH_HELLO: { body: cipEnvelope('HELLO') },
  SERVICE_INVOKE: { service: 'echo', version: '1', input: null },
  MESH_RECEIPT: { status: 'delivered', for_id: 'c', for_msg_id: 'm', hops: [] },
  MESH_EVIDENCE: { kind: 'equivocation', envelopes: [{}, {}] }
}

test('handlers/index.ts exports one factory per message type and createHandlerTable', () => {
  const factories = Object.keys(handlers).filter((name) => name !== 'createHandlerTable')
  assert.equal(factories.length, ROUTE_KEYS.length)
  assert.ok(factories.every((name) => /^create[A-Z][A-Za-z]*Handler$/.test(name)))
})

describe('createHandlerTable()', () => {
  test('createHandlerTable() builds a handler for every route, which the ProtocolRouter accepts as complete', () => {
    const table = createHandlerTable(fakeComponents().components)
    assert.deepEqual(Object.keys(table).sort(), [...ROUTE_KEYS].sort())
    for (const key of ROUTE_KEYS) assert.equal(typeof table[key], 'function', key)
    assert.doesNotThrow(() => createProtocolRouter({ logger: SILENT_LOGGER }, table))
  })

  const expected: Case[] = [
    ['cip.HELLO', () => ({ envelope: cipEnvelope('HELLO'), context: DIRECT }), ['onDirectHello']],
    ['cip.STATE_UPDATE (direct)', () => ({ envelope: cipEnvelope('STATE_UPDATE'), context: DIRECT }), ['onDirectStateUpdate', 'notifyStateUpdate']],
    ['cip.STATE_UPDATE (mesh)', () => ({ envelope: cipEnvelope('STATE_UPDATE'), context: MESH }), ['recordState', 'notifyStateUpdate']],
    ['cip.INTENT', () => ({ envelope: cipEnvelope('INTENT'), context: MESH }), ['notifyIntent']],
    ...(['FACT_PROPOSE', 'FACT_CHALLENGE', 'FACT_CONFIRM', 'FACT_REJECT', 'DECISION_SHARE'] as const).map((type) =>
      [`cip.${type}`, () => ({ envelope: cipEnvelope(type), context: MESH }), ['acceptKnowledge']] satisfies Case),
    ...HCP_TYPES.map((type) =>
      [`hcp.${type}`, () => ({ envelope: hcpEnvelope(type), context: MESH }), type === 'HCP_INTENT' ? ['onHcpEnvelope', 'notifyIntent'] : ['onHcpEnvelope']] satisfies Case),
    ...LIP_TYPES.map((type) => [`lip.${type}`, () => ({ envelope: lipEnvelope(type), context: MESH }), ['onLipEnvelope']] satisfies Case),
    ['mesh.MESH_HELLO', () => ({ envelope: meshEnvelope('MESH_HELLO', MESH_PAYLOADS.MESH_HELLO), context: MESH }), ['onMeshHello']],
    ['mesh.SERVICE_INVOKE', () => ({ envelope: meshEnvelope('SERVICE_INVOKE', MESH_PAYLOADS.SERVICE_INVOKE), context: MESH }), ['findService']],
    ['mesh.MESH_RECEIPT', () => ({ envelope: meshEnvelope('MESH_RECEIPT', MESH_PAYLOADS.MESH_RECEIPT), context: MESH }), ['onReceipt']],
    ['mesh.MESH_EVIDENCE', () => ({ envelope: meshEnvelope('MESH_EVIDENCE', MESH_PAYLOADS.MESH_EVIDENCE), context: MESH }), ['onEvidence']]
  ]
  for (const [name, make, components] of expected) {
    test(`createHandlerTable() routes ${name} to ${components.join(' then ')}`, () => {
      const fake = fakeComponents()
      const metrics = createCountingMetrics()
      const router = createProtocolRouter({ logger: SILENT_LOGGER, metrics }, createHandlerTable(fake.components))
      const { envelope, context } = make()
      void router.dispatch(envelope, context)
      assert.deepEqual(fake.called, components)
      assert.equal(metrics.series().find(([, labels]) => labels.result === 'ok')?.[2], 1)
    })
  }

  test('the routing cases above cover every type of every protocol', () => {
    const covered = new Set(expected.map(([name]) => name.split(' ')[0]))
    const all = [...CIP_TYPES.map((t) => `cip.${t}`), ...HCP_TYPES.map((t) => `hcp.${t}`), ...LIP_TYPES.map((t) => `lip.${t}`), ...MESH_OWN_TYPES.map((t) => `mesh.${t}`)]
    assert.deepEqual(all.filter((key) => !covered.has(key)), [])
  })

  test('createHandlerTable() reports knowledge held back while overloaded through deferIntake', () => {
    const fake = fakeComponents()
    const router = createProtocolRouter({ logger: SILENT_LOGGER }, createHandlerTable({ ...fake.components, isOverloaded: () => true }))
    assert.equal(router.dispatch(cipEnvelope('FACT_PROPOSE', undefined, ALICE), MESH), undefined)
    assert.deepEqual(fake.called, ['acceptKnowledge', 'deferIntake'])
  })
})
