import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import { BackpressureError } from '../../../protocol/errors.ts'
import type { IntakeDeferredNotice } from '../../agent-loop/index.ts'
import { ALICE, cipEnvelope, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { takeKnowledge } from './knowledge-intake.ts'
import type { KnowledgeType } from './knowledge-intake.ts'

describe('takeKnowledge()', () => {
  test('takeKnowledge() hands the envelope to the knowledge service and reports nothing while not overloaded', () => {
    const acceptKnowledge = recorder<[CipEnvelope<KnowledgeType>]>()
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const envelope = cipEnvelope('FACT_PROPOSE')
    assert.equal(takeKnowledge({ acceptKnowledge, isOverloaded: () => false, deferIntake }, envelope, MESH), undefined)
    assert.deepEqual(acceptKnowledge.calls, [[envelope]])
    assert.equal(deferIntake.calls.length, 0)
  })

  test('takeKnowledge() still hands the envelope over while overloaded (the service queues it) and reports intake_deferred', () => {
    const acceptKnowledge = recorder<[CipEnvelope<KnowledgeType>]>()
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const envelope = cipEnvelope('FACT_CONFIRM')
    takeKnowledge({ acceptKnowledge, isOverloaded: () => true, deferIntake }, envelope, MESH)
    assert.deepEqual(acceptKnowledge.calls, [[envelope]])
    assert.deepEqual(deferIntake.calls, [[{ from: ALICE, via: 'mesh', msgId: envelope.msg_id, type: 'FACT_CONFIRM', reason: 'local_overloaded' }]])
  })

  test('takeKnowledge() lets the service\'s BackpressureError through and reports no deferral for it', () => {
    const full = new BackpressureError('Cannot take knowledge: full', { reason: 'overloaded' })
    const deferIntake = recorder<[IntakeDeferredNotice]>()
    const components = { acceptKnowledge: () => { throw full }, isOverloaded: () => true, deferIntake }
    assert.throws(() => takeKnowledge(components, cipEnvelope('FACT_PROPOSE'), MESH), (err: unknown) => err === full)
    assert.equal(deferIntake.calls.length, 0)
  })
})
