/**
 * The round-based in-memory network of a cell (TRUSTBENCH §2): the project's own memory
 * transport in `manual` delivery, with a tap in front of every node's transport port.
 * The tap sees every frame a node sends and may keep it off the wire — TrustBench takes
 * claim messages out of the nodes' own flooding and delivers them itself — and may drop
 * inbound frames. {@link RoundNetwork.drain} runs the network until it is quiet, so every
 * non-claim message reaches its destination within the round, however many hops it takes.
 */
import type { Clock } from '../../src/config/clock.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import type { LinkHandlers, LinkInfo, LinkTransport } from '../../src/transport/link-transport.ts'
import { createMemoryNetwork } from '../../src/transport/memory/index.ts'
import type { MemoryNetwork } from '../../src/transport/memory/index.ts'

/** Decides the fate of frames at one node's transport port. */
export interface FrameTap {
  /** Called for every frame the node sends; true keeps it off the wire. */
  onSend?: (peerId: string, channel: ChannelName, body: Uint8Array) => boolean
  /** Called for every frame delivered to the node; true drops it unread. */
  onReceive?: (link: LinkInfo, channel: ChannelName, body: Uint8Array) => boolean
}

/** A node's transport with the tap in front, and a way around the tap for the harness. */
export interface TappedTransport extends LinkTransport {
  /** Sends without the tap (adversary frames the harness writes itself). */
  sendRaw: (peerId: string, channel: ChannelName, body: Uint8Array) => Promise<void>
}

/** Microtask turns awaited after a delivery pass: deeper than any promise chain of one hop. */
const MICROTASK_TURNS = 24

/** The network and its delivery loop. */
export interface RoundNetwork {
  /** A transport listening on `/memory/<name>` once started. */
  createTransport: (identity: KeyPairIdentity, clock: Clock, name: string, tap: FrameTap) => TappedTransport
  /**
   * Delivers until the network is quiet: passes of `deliverAll()` with the microtasks they
   * start, then a macrotask turn (zero-delay timers such as link-state triggers and
   * `setImmediate` work fire there), until a macrotask turn adds nothing. Returns the
   * frames delivered. At most `maxPasses` delivery passes.
   */
  drain: (maxPasses: number) => Promise<number>
  /** Frames delivered so far. */
  readonly delivered: number
}

/** An empty network. */
export function createRoundNetwork (): RoundNetwork {
  const memory: MemoryNetwork = createMemoryNetwork({ delivery: 'manual' })
  let delivered = 0
  return {
    get delivered () {
      return delivered
    },
    createTransport: (identity, clock, name, tap) => tapTransport(
      memory.createTransport({ identity, clock }, { address: `/memory/${name}`, slowReaderCutoffMs: Number.POSITIVE_INFINITY }),
      tap
    ),
    drain: async (maxPasses) => {
      let total = 0
      let passes = 0
      while (passes < maxPasses) {
        // Hops without timers: deliver, let the handlers' promise chains run, again.
        let burst = 0
        for (;;) {
          const count = memory.deliverAll()
          passes++
          await microtasks()
          burst += count
          if (count === 0 || passes >= maxPasses) break
        }
        total += burst
        await macrotask()
        if (burst > 0) continue
        // Quiet before the turn: quiet for good unless the turn's timers sent something.
        const late = memory.deliverAll()
        passes++
        await microtasks()
        total += late
        if (late === 0) break
      }
      delivered += total
      return total
    }
  }
}

/** Wraps `inner` so `tap` sees every frame. */
export function tapTransport (inner: LinkTransport, tap: FrameTap): TappedTransport {
  return {
    get localPeerId () {
      return inner.localPeerId
    },
    start: async (handlers: LinkHandlers) => {
      const onReceive = tap.onReceive
      await inner.start(onReceive === undefined
        ? handlers
        : {
            ...handlers,
            onFrame: (link, channel, body) => {
              if (!onReceive(link, channel, body)) handlers.onFrame(link, channel, body)
            }
          })
    },
    stop: async () => { await inner.stop() },
    listenAddresses: () => inner.listenAddresses(),
    dial: async (address, options) => await inner.dial(address, options),
    send: async (peerId, channel, body, options) => {
      if (tap.onSend?.(peerId, channel, body) === true) return
      await inner.send(peerId, channel, body, options)
    },
    sendRaw: async (peerId, channel, body) => { await inner.send(peerId, channel, body) },
    close: async (peerId, reason) => { await inner.close(peerId, reason) },
    links: () => inner.links(),
    queuedBytes: (peerId, channel) => inner.queuedBytes(peerId, channel)
  }
}

async function microtasks (): Promise<void> {
  for (let i = 0; i < MICROTASK_TURNS; i++) await Promise.resolve()
}

/** One turn of the event loop: due zero-delay timers and `setImmediate` callbacks run. */
async function macrotask (): Promise<void> {
  await new Promise((resolve) => { setTimeout(resolve, 0) })
}
