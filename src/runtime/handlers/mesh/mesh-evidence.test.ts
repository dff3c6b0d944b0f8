import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { EvidencePayload } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import { DIRECT, MESH, meshEnvelope } from '../../protocol-router/fixtures.test.ts'
import { createMeshEvidenceHandler } from './mesh-evidence.ts'

const payload: EvidencePayload = { kind: 'equivocation', envelopes: [{ msg_id: 'm' }, { msg_id: 'm' }] }

describe('createMeshEvidenceHandler()', () => {
  test('MESH_EVIDENCE handler hands only the payload to the trust mesh (one argument, never a flag)', () => {
    const calls: unknown[][] = []
    const handler = createMeshEvidenceHandler({ onEvidence: (...args: [EvidencePayload]) => { calls.push(args) } })
    assert.equal(handler(meshEnvelope('MESH_EVIDENCE', payload), MESH), undefined)
    assert.deepEqual(calls, [[payload]])
  })

  test('MESH_EVIDENCE handler refuses evidence from a direct link', () => {
    let isCalled = false
    const handler = createMeshEvidenceHandler({ onEvidence: () => { isCalled = true } })
    assert.throws(() => handler(meshEnvelope('MESH_EVIDENCE', payload), DIRECT), InvalidEnvelopeError)
    assert.equal(isCalled, false)
  })
})
