import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MeshEnvelope } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import { DIRECT, MESH, meshEnvelope, recorder } from '../../protocol-router/fixtures.test.ts'
import { createMeshReceiptHandler } from './mesh-receipt.ts'

const receipt = () => meshEnvelope('MESH_RECEIPT', { status: 'delivered', for_id: 'c1', for_msg_id: 'm1', hops: ['b'] })

describe('createMeshReceiptHandler()', () => {
  test('MESH_RECEIPT handler hands the receipt to its callback', () => {
    const onReceipt = recorder<[MeshEnvelope<'MESH_RECEIPT'>]>()
    const carrier = receipt()
    assert.equal(createMeshReceiptHandler({ onReceipt })(carrier, MESH), undefined)
    assert.deepEqual(onReceipt.calls, [[carrier]])
  })

  test('MESH_RECEIPT handler refuses a receipt from a direct link', () => {
    const onReceipt = recorder<[MeshEnvelope<'MESH_RECEIPT'>]>()
    assert.throws(() => createMeshReceiptHandler({ onReceipt })(receipt(), DIRECT), InvalidEnvelopeError)
    assert.equal(onReceipt.calls.length, 0)
  })
})
