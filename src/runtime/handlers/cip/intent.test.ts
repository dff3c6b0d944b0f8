import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CipIntentNotice } from '../../agent-loop/index.ts'
import { ALICE, cipEnvelope, DIRECT, MESH, recorder, recordingEvents } from '../../protocol-router/fixtures.test.ts'
import { createIntentHandler } from './intent.ts'

function harness (isOverloaded: boolean) {
  const notifyIntent = recorder<[CipIntentNotice]>()
  const events = recordingEvents()
  return { handler: createIntentHandler({ isOverloaded: () => isOverloaded, events, notifyIntent }), notifyIntent, events }
}

describe('createIntentHandler()', () => {
  for (const context of [DIRECT, MESH]) {
    test(`INTENT handler accepts an intent (${context.via}) while this node is not overloaded`, () => {
      const h = harness(false)
      const intent = cipEnvelope('INTENT')
      h.handler(intent, context)
      assert.deepEqual(h.events.emitted, [{ type: 'intent_accepted', peer: ALICE, payload: { msg_id: intent.msg_id, goal: 'learn', topic: 'boiling', via: context.via } }])
      assert.deepEqual(h.notifyIntent.calls, [[{
        protocol: 'cip', from: ALICE, via: context.via, msgId: intent.msg_id, goal: 'learn', topic: 'boiling', priority: 'normal', context: 'lab', decision: 'accepted'
      }]])
    })
  }

  test('INTENT handler defers an intent while this node is overloaded (SPEC §5 step 6, §7 rule 5)', () => {
    const h = harness(true)
    const intent = cipEnvelope('INTENT')
    h.handler(intent, MESH)
    assert.deepEqual(h.events.of('intent_deferred'), [{ msg_id: intent.msg_id, goal: 'learn', topic: 'boiling', via: 'mesh', reason: 'local_overloaded' }])
    assert.equal(h.events.of('intent_accepted').length, 0)
    assert.equal(h.notifyIntent.calls[0]?.[0].decision, 'deferred')
    assert.equal(h.notifyIntent.calls[0][0].reason, 'local_overloaded')
  })
})
