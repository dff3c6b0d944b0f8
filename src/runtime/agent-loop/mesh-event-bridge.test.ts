import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { MeshEvent } from '../../observability/events.ts'
import { noticeOfMeshEvent } from './mesh-event-bridge.ts'

const PEER = 'a'.repeat(64)
const event = (type: MeshEvent['event_type'], payload: Record<string, unknown>, peer: string | null = PEER): MeshEvent =>
  ({ event_type: type, node: 'n', peer, payload, occurred_at: '2026-11-26T00:00:00.000Z', seq: 1 })

describe('noticeOfMeshEvent()', () => {
  test('noticeOfMeshEvent() turns a trust_transition into a trust_change notice', () => {
    const bridged = noticeOfMeshEvent(event('trust_transition', { from: 'unknown', to: 'probing', event: 'handshake_valid', reason: 'valid handshake', cause_msg_ids: [] }))
    assert.deepEqual(bridged, { name: 'trust_change', notice: { fingerprint: PEER, from: 'unknown', to: 'probing', event: 'handshake_valid', reason: 'valid handshake' } })
    assert.ok(Object.isFrozen(bridged.notice))
  })

  test('noticeOfMeshEvent() turns a claim_status into a claim_status notice naming the proposer', () => {
    assert.deepEqual(noticeOfMeshEvent(event('claim_status', { claim_id: 'c', from: 'pending', to: 'disputed', rule: 'window_challenged', reason: 'r', statement: 's' }, null)), {
      name: 'claim_status', notice: { claimId: 'c', proposer: null, from: 'pending', to: 'disputed', rule: 'window_challenged', reason: 'r' }
    })
  })

  test('noticeOfMeshEvent() gives empty text for missing reasons and rules', () => {
    assert.deepEqual(noticeOfMeshEvent(event('trust_transition', { from: 'probing', to: 'trusted' }))?.notice, { fingerprint: PEER, from: 'probing', to: 'trusted', event: '', reason: '' })
  })

  const ignored: Array<[string, MeshEvent]> = [
    ['another event type', event('mesh_routed', { from: 'probing', to: 'trusted' })],
    ['a trust_transition without a peer', event('trust_transition', { from: 'probing', to: 'trusted' }, null)],
    ['a trust_transition to a state outside the vocabulary', event('trust_transition', { from: 'probing', to: 'beloved' })],
    ['a claim_status without a claim id', event('claim_status', { from: 'pending', to: 'accepted' })],
    ['a claim_status with a status outside the vocabulary', event('claim_status', { claim_id: 'c', from: 'pending', to: 'maybe' })]
  ]
  for (const [name, input] of ignored) {
    test(`noticeOfMeshEvent() yields nothing for ${name}`, () => {
      assert.equal(noticeOfMeshEvent(input), undefined)
    })
  }
})
