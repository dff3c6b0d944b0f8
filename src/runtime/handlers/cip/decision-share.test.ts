import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { IntakeDeferredNotice } from '../../agent-loop/index.ts'
import { cipEnvelope, DIRECT, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { createDecisionShareHandler } from './decision-share.ts'
import type { KnowledgeType } from './knowledge-intake.ts'

describe('createDecisionShareHandler()', () => {
  test('DECISION_SHARE handler hands the envelope to the knowledge service, over a link or the mesh', () => {
    const acceptKnowledge = recorder<[CipEnvelope<KnowledgeType>]>()
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const handler = createDecisionShareHandler({ acceptKnowledge, isOverloaded: () => false, deferIntake })
    const envelope = cipEnvelope('DECISION_SHARE')
    assert.equal(handler(envelope, DIRECT), undefined)
    assert.equal(handler(envelope, MESH), undefined)
    assert.deepEqual(acceptKnowledge.calls, [[envelope], [envelope]])
    assert.equal(deferIntake.calls.length, 0)
  })

  test('DECISION_SHARE handler reports intake_deferred while this node is overloaded', () => {
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const handler = createDecisionShareHandler({ acceptKnowledge: () => undefined, isOverloaded: () => true, deferIntake })
    handler(cipEnvelope('DECISION_SHARE'), MESH)
    assert.equal(deferIntake.calls[0]?.[0].type, 'DECISION_SHARE')
  })
})
