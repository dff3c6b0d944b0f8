/**
 * Frame accounting (`web4_transport_frames_total{channel, direction}`): the node's
 * services send through {@link countingSender}, which counts each frame the transport
 * took (`out`), and the node counts each frame its links hand up (`in`). Heartbeat
 * pings and pongs stay inside the link supervisor and are not counted.
 *
 * @example
 * ```ts
 * const sender = countingSender(transport, metrics)
 * await sender.send(peerId, 'mesh', bytes) // web4_transport_frames_total{channel="mesh",direction="out"} + 1
 * ```
 */
import type { MeshMetrics } from '../observability/metrics.ts'
import type { FrameSender } from '../runtime/ports.ts'
import type { ChannelName } from '../transport/channels.ts'

/** A sender that counts every frame `sender` accepted; refused sends are not counted. */
export function countingSender (sender: FrameSender, metrics: MeshMetrics): FrameSender {
  return {
    get localPeerId () { return sender.localPeerId },
    send: async (peerId, channel, body, options) => {
      await sender.send(peerId, channel, body, options)
      metrics.increment('web4_transport_frames_total', { channel, direction: 'out' })
    },
    close: async (peerId, reason) => { await sender.close(peerId, reason) }
  }
}

/** Counts one frame a link handed up. */
export function countFrameIn (metrics: MeshMetrics, channel: ChannelName): void {
  metrics.increment('web4_transport_frames_total', { channel, direction: 'in' })
}
