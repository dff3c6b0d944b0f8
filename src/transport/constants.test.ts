import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_MESSAGE_BYTES } from '../protocol/constants.ts'
import {
  CONTROL_QUEUE_MAX_FRAMES, HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_MISSES, HEARTBEAT_MAX_OUTSTANDING_PINGS,
  HEARTBEAT_STALE_READ_MS, MAX_FRAME_BYTES, RECONNECT_JITTER, RECONNECT_MAX_DELAY_MS, RECONNECT_TIERS_MS,
  RTT_EWMA_ALPHA, RTT_WINDOW_SAMPLES, SEND_QUEUE_MAX_BYTES, SEND_QUEUE_MAX_FRAMES, SLOW_READER_CUTOFF_MS
} from './constants.ts'

/** `value ≥ bound`, typed loosely so that comparing two literal constants is not flagged as constant. */
function isAtLeast (value: number, bound: number): boolean {
  return value >= bound
}

describe('transport constants', () => {
  it('have the DESIGN §6 values', () => {
    assert.equal(MAX_FRAME_BYTES, 1_048_576)
    assert.equal(HEARTBEAT_INTERVAL_MS, 1000)
    assert.equal(HEARTBEAT_MAX_MISSES, 3)
    assert.equal(HEARTBEAT_STALE_READ_MS, 3000)
    assert.equal(RTT_EWMA_ALPHA, 0.125)
    assert.equal(RTT_WINDOW_SAMPLES, 128)
    assert.deepEqual(RECONNECT_TIERS_MS, [1000, 5000, 15_000])
    assert.equal(RECONNECT_MAX_DELAY_MS, 600_000)
    assert.equal(RECONNECT_JITTER, 0.2)
    assert.equal(SEND_QUEUE_MAX_FRAMES, 1024)
    assert.equal(SEND_QUEUE_MAX_BYTES, 4_194_304)
    assert.equal(CONTROL_QUEUE_MAX_FRAMES, 256)
    assert.equal(SLOW_READER_CUTOFF_MS, 10_000)
  })

  it('agree with each other and with the protocol limits', () => {
    assert.equal(MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, 'a frame carries one message')
    assert.ok(SEND_QUEUE_MAX_BYTES >= MAX_FRAME_BYTES, 'a maximal frame fits in an empty queue')
    assert.ok(isAtLeast(HEARTBEAT_MAX_OUTSTANDING_PINGS, HEARTBEAT_MAX_MISSES))
    // Detection within 4 s: the last of maxMisses pings is missed one interval after it was sent.
    assert.ok((HEARTBEAT_MAX_MISSES + 1) * HEARTBEAT_INTERVAL_MS <= 4000)
    assert.ok(HEARTBEAT_STALE_READ_MS <= HEARTBEAT_MAX_MISSES * HEARTBEAT_INTERVAL_MS)
    assert.ok(RECONNECT_TIERS_MS.every((tier, i) => i === 0 || tier > (RECONNECT_TIERS_MS[i - 1] ?? 0)))
    assert.ok(Object.isFrozen(RECONNECT_TIERS_MS))
  })
})
