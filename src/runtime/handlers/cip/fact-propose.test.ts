import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { IntakeDeferredNotice } from '../../agent-loop/index.ts'
import { cipEnvelope, DIRECT, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { createFactProposeHandler } from './fact-propose.ts'
import type { KnowledgeType } from './knowledge-intake.ts'

describe('createFactProposeHandler()', () => {
  test('FACT_PROPOSE handler hands the envelope to the knowledge service, over a link or the mesh', () => {
    const acceptKnowledge = recorder<[CipEnvelope<KnowledgeType>]>()
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const handler = createFactProposeHandler({ acceptKnowledge, isOverloaded: () => false, deferIntake })
    const envelope = cipEnvelope('FACT_PROPOSE')
    assert.equal(handler(envelope, DIRECT), undefined)
    assert.equal(handler(envelope, MESH), undefined)
    assert.deepEqual(acceptKnowledge.calls, [[envelope], [envelope]])
    assert.equal(deferIntake.calls.length, 0)
  })

  test('FACT_PROPOSE handler reports intake_deferred while this node is overloaded', () => {
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const handler = createFactProposeHandler({ acceptKnowledge: () => undefined, isOverloaded: () => true, deferIntake })
    handler(cipEnvelope('FACT_PROPOSE'), MESH)
    assert.equal(deferIntake.calls[0]?.[0].type, 'FACT_PROPOSE')
  })
})
