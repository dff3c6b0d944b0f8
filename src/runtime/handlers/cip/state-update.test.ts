import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { CipEnvelope, Presence } from '../../../protocol/envelope/types.ts'
import type { LinkInfo } from '../../../transport/link-transport.ts'
import type { StateUpdateNotice } from '../../agent-loop/index.ts'
import { ALICE, cipEnvelope, DIRECT, MESH, NOW, recorder, recordingEvents } from '../../protocol-router/fixtures.test.ts'
import { createStateUpdateHandler } from './state-update.ts'

function harness () {
  const onDirectStateUpdate = recorder<[LinkInfo, CipEnvelope<'STATE_UPDATE'>]>()
  const recordState = recorder<[string, { presence: Presence, lri: number }, number]>()
  const notifyStateUpdate = recorder<[StateUpdateNotice]>()
  const events = recordingEvents()
  const handler = createStateUpdateHandler({ onDirectStateUpdate, recordState, now: () => NOW, events, notifyStateUpdate })
  return { handler, onDirectStateUpdate, recordState, notifyStateUpdate, events }
}

const expectedNotice = (via: 'direct' | 'mesh', msgId: string): StateUpdateNotice =>
  ({ from: ALICE, via, msgId, presence: 'focused', lri: 40, ltppeerstate: 'probing', kernelSignals: ['calm'], intent: 'learn' })

describe('createStateUpdateHandler()', () => {
  test('STATE_UPDATE handler hands a direct update to the handshake and tells the AgentLoop', () => {
    const h = harness()
    const update = cipEnvelope('STATE_UPDATE')
    h.handler(update, DIRECT)
    assert.deepEqual(h.onDirectStateUpdate.calls, [[DIRECT.link, update]])
    assert.equal(h.recordState.calls.length, 0)
    assert.equal(h.events.emitted.length, 0, 'the handshake emits state_update on direct links')
    assert.deepEqual(h.notifyStateUpdate.calls, [[expectedNotice('direct', update.msg_id)]])
  })

  test('STATE_UPDATE handler records a routed update in the peer book, emits state_update and tells the AgentLoop', () => {
    const h = harness()
    const update = cipEnvelope('STATE_UPDATE')
    h.handler(update, MESH)
    assert.equal(h.onDirectStateUpdate.calls.length, 0)
    assert.deepEqual(h.recordState.calls, [[ALICE, { presence: 'focused', lri: 40 }, NOW]])
    assert.deepEqual(h.events.emitted, [{ type: 'state_update', peer: ALICE, payload: { presence: 'focused', lri: 40, ltppeerstate: 'probing', msg_id: update.msg_id, via: 'mesh' } }])
    assert.deepEqual(h.notifyStateUpdate.calls, [[expectedNotice('mesh', update.msg_id)]])
  })

  test('STATE_UPDATE handler gives the AgentLoop a frozen notice with its own copy of the kernel signals', () => {
    const h = harness()
    const update = cipEnvelope('STATE_UPDATE')
    h.handler(update, MESH)
    const notice = h.notifyStateUpdate.calls[0]?.[0]
    assert.ok(notice !== undefined && Object.isFrozen(notice) && Object.isFrozen(notice.kernelSignals))
    assert.notEqual(notice.kernelSignals, update.payload.kernel_signals)
  })
})
