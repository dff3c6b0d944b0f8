import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SILENT_LOGGER } from './logger.ts'
import { createEventLog } from './event-log.ts'

const clock = { now: () => Date.UTC(2026, 10, 26), monotonic: () => 0 }

describe('EventLog', () => {
  it('numbers events, shapes them per SPEC §12 and serves them since a seq', () => {
    const log = createEventLog({ node: 'n'.repeat(64), clock, logger: SILENT_LOGGER })
    log.emit('session_open', 'p'.repeat(64), { direction: 'outbound' })
    log.emit('session_close', null, { reason: 'remote_close' })
    assert.deepEqual(log.since(0).map((event) => [event.seq, event.event_type]), [[1, 'session_open'], [2, 'session_close']])
    assert.deepEqual(log.since(1)[0], { event_type: 'session_close', node: 'n'.repeat(64), peer: null, payload: { reason: 'remote_close' }, occurred_at: '2026-11-26T00:00:00.000Z', seq: 2 })
    assert.equal(log.since(2).length, 0)
  })

  it('keeps only the newest events and keeps counting', () => {
    const log = createEventLog({ node: 'n', clock, logger: SILENT_LOGGER }, { capacity: 3 })
    for (let i = 0; i < 5; i++) log.emit('rtt_sample', null, { i })
    assert.deepEqual(log.since().map((event) => event.seq), [3, 4, 5])
    assert.equal(log.lastSeq, 5)
    assert.deepEqual(log.since(0, 1).map((event) => event.seq), [3])
  })

  it('hands events to subscribers until they unsubscribe, and survives a throwing one', () => {
    const log = createEventLog({ node: 'n', clock, logger: SILENT_LOGGER })
    const seen: string[] = []
    log.subscribe(() => { throw new Error('bad listener') })
    const unsubscribe = log.subscribe((event) => { seen.push(event.event_type) })
    log.emit('reconnect', null, {})
    unsubscribe()
    log.emit('reconnect', null, {})
    assert.deepEqual(seen, ['reconnect'])
  })

  it('rejects a bad capacity', () => {
    assert.throws(() => createEventLog({ node: 'n', clock, logger: SILENT_LOGGER }, { capacity: 0 }), RangeError)
  })
})
