// eventRows(): each event type the demo shows as one compact row, oldest first, fingerprints named.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AgentNames } from './agent-names.ts'
import { eventRows } from './event-rows.ts'
import type { DemoEvent } from './event-rows.ts'

const [ANN, BOB, CAT] = ['a', 'b', 'c'].map((hex) => hex.repeat(64)) as [string, string, string]

function names (): AgentNames {
  const known = new AgentNames()
  for (const [fingerprint, name] of [[ANN, 'ann'], [BOB, 'bob'], [CAT, 'cat']] as const) known.add(fingerprint, name)
  return known
}

function event (seq: number, node: string, eventType: string, peer: string | null, payload: Record<string, unknown>, at = `2026-01-01T10:00:0${seq}.000Z`): DemoEvent {
  return { event_type: eventType, node, peer, payload, occurred_at: at, seq }
}

describe('eventRows()', () => {
  it('eventRows() tells each shown type in a few words', () => {
    const rows = eventRows([
      event(1, ANN, 'handshake_completed', BOB, { role: 'initiator', peer_id: 'x', duration_ms: 12.5, trust: 'trusted' }),
      event(2, ANN, 'handshake_completed', CAT, { role: 'responder', routed: true, duration_ms: 30, trust: 'probing' }),
      event(3, ANN, 'trust_transition', CAT, { from: 'unknown', to: 'probing', event: 'introduction', reason: 'r', cause_msg_ids: [] }),
      event(4, BOB, 'mesh_routed', ANN, { id: 'i', type: 'INTENT', destination: CAT, next_hop: CAT, hops: 1 }),
      event(5, CAT, 'mesh_delivered', ANN, { id: 'i', type: 'INTENT', hops: [BOB, CAT] }),
      event(6, ANN, 'claim_status', CAT, { claim_id: 'f'.repeat(64), from: 'pending', to: 'accepted', trusted_confirmers: 2 }),
      event(7, ANN, 'session_open', BOB, { direction: 'inbound' })
    ], names())
    assert.deepEqual(rows, [
      ['10:00:01.000', 'ann', 'handshake_completed', 'bob', 'direct, initiator, 12.5 ms, trust trusted'],
      ['10:00:02.000', 'ann', 'handshake_completed', 'cat', 'routed, responder, 30 ms, trust probing'],
      ['10:00:03.000', 'ann', 'trust_transition', 'cat', 'unknown → probing (introduction)'],
      ['10:00:04.000', 'bob', 'mesh_routed', 'ann', 'INTENT to cat, next hop cat'],
      ['10:00:05.000', 'cat', 'mesh_delivered', 'ann', 'INTENT from ann via bob → cat'],
      ['10:00:06.000', 'ann', 'claim_status', 'cat', `claim ${'f'.repeat(12)} pending → accepted, 2 trusted confirmers`],
      ['10:00:07.000', 'ann', 'session_open', 'bob', '{"direction":"inbound"}']
    ])
  })

  it('eventRows() merges several nodes\' events by time, keeps the given order within one time, and cuts long details', () => {
    const at = '2026-01-01T10:00:00.000Z'
    const rows = eventRows([
      event(9, CAT, 'x', null, {}, at), event(2, ANN, 'x', null, {}, at), event(1, ANN, 'x', null, { long: 'y'.repeat(200) }, at),
      event(1, BOB, 'x', null, {}, '2026-01-01T09:59:59.999Z')
    ], names())
    assert.deepEqual(rows.map((row) => `${row[1] ?? ''}`), ['bob', 'cat', 'ann', 'ann'])
    assert.equal(`${rows[3]?.[4] ?? ''}`.length, 90)
    assert.equal(rows[0]?.[3], '-')
  })
})
