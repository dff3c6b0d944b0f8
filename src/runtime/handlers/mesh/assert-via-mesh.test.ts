import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import { DIRECT, MESH, meshEnvelope } from '../../protocol-router/fixtures.test.ts'
import { assertViaMesh } from './assert-via-mesh.ts'

describe('assertViaMesh()', () => {
  test('assertViaMesh() returns the mesh context of a mesh delivery', () => {
    assert.equal(assertViaMesh(meshEnvelope('MESH_EVIDENCE', { kind: 'equivocation', envelopes: [{}, {}] }), MESH), MESH)
  })

  test('assertViaMesh() refuses a mesh type from a direct link with InvalidEnvelopeError wrong_channel', () => {
    const carrier = meshEnvelope('MESH_HELLO', { body: {} } as never)
    assert.throws(() => assertViaMesh(carrier, DIRECT), (err: unknown) =>
      err instanceof InvalidEnvelopeError && err.reason === 'wrong_channel' && err.msgId === carrier.msg_id && err.message === 'Cannot take "MESH_HELLO" from a direct link: it travels only over the mesh')
  })
})
