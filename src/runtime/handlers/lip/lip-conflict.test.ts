import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import { BackpressureError } from '../../../protocol/errors.ts'
import { DIRECT, lipEnvelope, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { createLipConflictHandler } from './lip-conflict.ts'

describe('createLipConflictHandler()', () => {
  test('LIP_CONFLICT handler hands the envelope to the LIP service, over a link or the mesh', () => {
    const onLipEnvelope = recorder<[LipEnvelope<'LIP_CONFLICT'>]>()
    const handler = createLipConflictHandler({ onLipEnvelope })
    const envelope = lipEnvelope('LIP_CONFLICT')
    assert.equal(handler(envelope, DIRECT), undefined)
    assert.equal(handler(envelope, MESH), undefined)
    assert.deepEqual(onLipEnvelope.calls, [[envelope], [envelope]])
  })

  test('LIP_CONFLICT handler lets the LIP service\'s refusal through', () => {
    const full = new BackpressureError('Cannot queue LIP evidence: full', { reason: 'liminal_queue_full' })
    const handler = createLipConflictHandler({ onLipEnvelope: () => { throw full } })
    assert.throws(() => handler(lipEnvelope('LIP_CONFLICT'), MESH), (err: unknown) => err === full)
  })
})
