import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import { PayloadSchemaError } from '../../../protocol/errors.ts'
import { DIRECT, hcpEnvelope, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { createHcpHelloHandler } from './hcp-hello.ts'

describe('createHcpHelloHandler()', () => {
  test('HCP_HELLO handler hands the envelope to the HCP service, over a link or the mesh', () => {
    const onHcpEnvelope = recorder<[HcpEnvelope<'HCP_HELLO'>]>()
    const handler = createHcpHelloHandler({ onHcpEnvelope })
    const envelope = hcpEnvelope('HCP_HELLO')
    assert.equal(handler(envelope, DIRECT), undefined)
    assert.equal(handler(envelope, MESH), undefined)
    assert.deepEqual(onHcpEnvelope.calls, [[envelope], [envelope]])
  })

  test('HCP_HELLO handler lets the HCP service\'s refusal through', () => {
    const refusal = new PayloadSchemaError('Cannot accept decision "book": the rationale is empty', { reason: 'missing_rationale' })
    const handler = createHcpHelloHandler({ onHcpEnvelope: () => { throw refusal } })
    assert.throws(() => handler(hcpEnvelope('HCP_HELLO'), MESH), (err: unknown) => err === refusal)
  })
})
