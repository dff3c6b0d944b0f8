import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MeshEnvelope } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import { cipEnvelope, DIRECT, MESH, meshEnvelope, recorder } from '../../protocol-router/fixtures.test.ts'
import { createMeshHelloHandler } from './mesh-hello.ts'

describe('createMeshHelloHandler()', () => {
  test('MESH_HELLO handler hands the carrier to the routed handshake', () => {
    const onMeshHello = recorder<[MeshEnvelope<'MESH_HELLO'>]>()
    const carrier = meshEnvelope('MESH_HELLO', { body: cipEnvelope('HELLO') })
    assert.equal(createMeshHelloHandler({ onMeshHello })(carrier, { ...MESH, carrier }), undefined)
    assert.deepEqual(onMeshHello.calls, [[carrier]])
  })

  test('MESH_HELLO handler refuses a MESH_HELLO from a direct link', () => {
    const onMeshHello = recorder<[MeshEnvelope<'MESH_HELLO'>]>()
    assert.throws(() => createMeshHelloHandler({ onMeshHello })(meshEnvelope('MESH_HELLO', { body: cipEnvelope('HELLO') }), DIRECT), InvalidEnvelopeError)
    assert.equal(onMeshHello.calls.length, 0)
  })
})
