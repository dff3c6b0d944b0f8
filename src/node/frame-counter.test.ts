import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createCountingMetrics } from '../observability/metrics.ts'
import { BackpressureError } from '../protocol/errors.ts'
import type { FrameSender } from '../runtime/ports.ts'
import { countFrameIn, countingSender } from './frame-counter.ts'

describe('countingSender()', () => {
  it('counts a frame the transport took, not one it refused, and passes close through', async () => {
    const metrics = createCountingMetrics()
    const closed: string[] = []
    let isFull = false
    const inner: FrameSender = {
      localPeerId: 'self',
      send: async () => { await (isFull ? Promise.reject(new BackpressureError('Cannot send: queue full', { reason: 'queue_full' })) : Promise.resolve()) },
      close: async (peerId) => {
        closed.push(peerId)
        await Promise.resolve()
      }
    }
    const sender = countingSender(inner, metrics)
    assert.equal(sender.localPeerId, 'self')
    await sender.send('peer', 'mesh', new Uint8Array(1))
    await sender.send('peer', 'control', new Uint8Array(1))
    isFull = true
    await assert.rejects(sender.send('peer', 'mesh', new Uint8Array(1)), { name: 'BackpressureError' })
    assert.equal(metrics.value('web4_transport_frames_total', { channel: 'mesh', direction: 'out' }), 1)
    assert.equal(metrics.value('web4_transport_frames_total', { channel: 'control', direction: 'out' }), 1)
    await sender.close('peer', 'local_close')
    assert.deepEqual(closed, ['peer'])
  })

  it('countFrameIn() counts one frame in on its channel', () => {
    const metrics = createCountingMetrics()
    countFrameIn(metrics, 'knowledge')
    assert.equal(metrics.value('web4_transport_frames_total', { channel: 'knowledge', direction: 'in' }), 1)
    assert.equal(metrics.value('web4_transport_frames_total', { channel: 'knowledge', direction: 'out' }), 0)
  })
})
