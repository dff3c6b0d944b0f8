import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import { BackpressureError } from '../../../protocol/errors.ts'
import { DIRECT, lipEnvelope, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { createLipRejectHandler } from './lip-reject.ts'

describe('createLipRejectHandler()', () => {
  test('LIP_REJECT handler hands the envelope to the LIP service, over a link or the mesh', () => {
    const onLipEnvelope = recorder<[LipEnvelope<'LIP_REJECT'>]>()
    const handler = createLipRejectHandler({ onLipEnvelope })
    const envelope = lipEnvelope('LIP_REJECT')
    assert.equal(handler(envelope, DIRECT), undefined)
    assert.equal(handler(envelope, MESH), undefined)
    assert.deepEqual(onLipEnvelope.calls, [[envelope], [envelope]])
  })

  test('LIP_REJECT handler lets the LIP service\'s refusal through', () => {
    const full = new BackpressureError('Cannot queue LIP evidence: full', { reason: 'liminal_queue_full' })
    const handler = createLipRejectHandler({ onLipEnvelope: () => { throw full } })
    assert.throws(() => handler(lipEnvelope('LIP_REJECT'), MESH), (err: unknown) => err === full)
  })
})
