import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import { TrustViolationError } from '../../../protocol/errors.ts'
import type { HcpIntentNotice } from '../../agent-loop/index.ts'
import { ALICE, DIRECT, hcpEnvelope, MESH, recorder } from '../../protocol-router/fixtures.test.ts'
import { createHcpIntentHandler } from './hcp-intent.ts'

describe('createHcpIntentHandler()', () => {
  for (const context of [DIRECT, MESH]) {
    test(`HCP_INTENT handler hands the envelope to the HCP service, then tells the AgentLoop (${context.via}, SPEC §10)`, () => {
      const order: string[] = []
      const onHcpEnvelope = recorder<[HcpEnvelope<'HCP_INTENT'>]>()
      const notifyIntent = recorder<[HcpIntentNotice]>()
      const handler = createHcpIntentHandler({
        onHcpEnvelope: (envelope) => { order.push('hcp'); onHcpEnvelope(envelope) },
        notifyIntent: (notice) => { order.push('loop'); notifyIntent(notice) }
      })
      const envelope = hcpEnvelope('HCP_INTENT')
      assert.equal(handler(envelope, context), undefined)
      assert.deepEqual(order, ['hcp', 'loop'])
      assert.deepEqual(onHcpEnvelope.calls, [[envelope]])
      assert.deepEqual(notifyIntent.calls, [[{ protocol: 'hcp', from: ALICE, via: context.via, msgId: envelope.msg_id, goal: 'request', topic: 'calendar', priority: 'normal' }]])
    })
  }

  test('HCP_INTENT handler tells the AgentLoop nothing when the HCP service refuses the envelope', () => {
    const notifyIntent = recorder<[HcpIntentNotice]>()
    const handler = createHcpIntentHandler({ onHcpEnvelope: () => { throw new TrustViolationError('Cannot take it: no', { reason: 'x' }) }, notifyIntent })
    assert.throws(() => handler(hcpEnvelope('HCP_INTENT'), MESH), TrustViolationError)
    assert.equal(notifyIntent.calls.length, 0)
  })
})
