/**
 * One link of a test mesh as a TCP relay between the dialing node and the node it dials:
 * the harness's stand-in for a network path (these kernels have no `tc netem`). The relay
 * can
 *
 * - add latency and jitter: every chunk is held `delayMs ± jitterMs` (uniform, seeded),
 *   never overtaking an earlier chunk in the same direction, so the byte stream stays intact;
 * - be cut and healed: `cut('reset')` closes every connection at once (both ends see the
 *   connection drop, as after a RST) and refuses new ones; `cut('blackhole')` silently
 *   stops every byte both ways, like a path that drops packets — ends only notice through
 *   their heartbeats, new connections hang — and `heal()` then resets whatever was held
 *   open across it, as the far end would;
 * - stall one direction: it stops reading from the sending end, so TCP back-pressure
 *   reaches that node's send queues while the other direction keeps flowing — a peer
 *   that stops reading but still talks.
 *
 * `sourceHost` makes the relayed connection leave from the dialing node's own loopback
 * address (127.0.0.x), so the dialed node sees each neighbour at its own address and its
 * per-address limits apply per node, not to "the relay".
 */
import { connect, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { seededRandom } from './seeded-random.ts'

/** `forward` carries what the dialing end sends; `backward` what the dialed end answers. */
export type RelayDirection = 'forward' | 'backward'

/** How a cut behaves: an immediate close, or silence. */
export type CutMode = 'reset' | 'blackhole'

export interface LinkRelayOptions {
  /** The dialed node's listening address. */
  targetHost: string
  targetPort: number
  /** Where the relay listens (port chosen by the system). @default '127.0.0.1' */
  listenHost?: string
  /** Source address of the relay's connection to the target (the dialing node's address). @default the system's choice */
  sourceHost?: string
  /** Mean one-way delay added to every chunk, in ms. @default 0 */
  delayMs?: number
  /** Half-width of the uniform jitter around the delay, in ms. @default 0 */
  jitterMs?: number
  /** Seed of the jitter. @default 1 */
  seed?: number
}

/** A running relay. */
export interface LinkRelay {
  readonly host: string
  readonly port: number
  /** The relay's address for the dialed node's `peerId` (a multiaddr with `/p2p/`). */
  addressFor: (peerId: string) => string
  /** Changes the latency of chunks that arrive from now on. */
  setLatency: (latency: { delayMs: number, jitterMs?: number }) => void
  /** Cuts the link until `heal()`. */
  cut: (mode?: CutMode) => void
  heal: () => void
  /** Stops reading from the sending end of `direction` until `resume(direction)`. */
  stall: (direction: RelayDirection) => void
  resume: (direction: RelayDirection) => void
  /** True between `cut()` and `heal()`. */
  readonly isCut: boolean
  /** Relayed connections open now. */
  readonly connections: number
  close: () => Promise<void>
}

/** One relayed connection: the dialer's socket, the socket to the target, and each direction's pipe. */
interface Pair {
  readonly client: Socket
  readonly upstream: Socket
  readonly pipes: Record<RelayDirection, Pipe>
}

/** One direction of one connection: a queue released in arrival order. */
interface Pipe {
  readonly from: Socket
  /** Re-evaluates whether bytes may flow (after a stall, resume, cut or heal). */
  update: () => void
}

/** Starts a relay. */
export async function startLinkRelay (options: LinkRelayOptions): Promise<LinkRelay> {
  const random = seededRandom(options.seed ?? 1)
  let latency = { delayMs: options.delayMs ?? 0, jitterMs: options.jitterMs ?? 0 }
  const pairs = new Set<Pair>()
  const stalled = new Set<RelayDirection>()
  /** Sockets accepted while blackholed: held silent until the heal resets them. */
  const held = new Set<Socket>()
  let cutMode: CutMode | undefined
  const delayOf = (): number => Math.max(0, latency.delayMs + (random() * 2 - 1) * latency.jitterMs)
  const isFlowing = (direction: RelayDirection): boolean => cutMode === undefined && !stalled.has(direction)

  const pipe = (from: Socket, to: Socket, direction: RelayDirection): Pipe => {
    const queue: Array<{ chunk: Buffer, releaseAt: number }> = []
    let timer: NodeJS.Timeout | undefined
    const flush = (): void => {
      timer = undefined
      if (!isFlowing(direction)) return
      while (queue.length > 0 && (queue[0]?.releaseAt ?? 0) <= Date.now()) {
        const next = queue.shift()
        if (next !== undefined && !to.destroyed) to.write(next.chunk)
      }
      schedule()
    }
    const schedule = (): void => {
      const head = queue[0]
      if (timer !== undefined || head === undefined || !isFlowing(direction)) return
      timer = setTimeout(flush, Math.max(0, head.releaseAt - Date.now()))
      timer.unref()
    }
    from.on('data', (chunk: Buffer) => {
      // A blackhole loses what arrives; a stall never reads it (the socket is paused).
      if (cutMode === 'blackhole') return
      const previous = queue.at(-1)?.releaseAt ?? 0
      queue.push({ chunk, releaseAt: Math.max(Date.now() + delayOf(), previous) })
      schedule()
    })
    return {
      from,
      update: () => {
        if (stalled.has(direction)) {
          from.pause()
          return
        }
        from.resume()
        schedule()
      }
    }
  }

  const destroyPair = (pair: Pair): void => {
    pairs.delete(pair)
    pair.client.destroy()
    pair.upstream.destroy()
  }

  const server: Server = createServer((client) => {
    client.on('error', () => { /* the other side closes too */ })
    if (cutMode === 'reset') {
      client.destroy()
      return
    }
    if (cutMode === 'blackhole') {
      held.add(client)
      client.on('close', () => { held.delete(client) })
      return
    }
    const upstream = connect({ port: options.targetPort, host: options.targetHost, ...(options.sourceHost === undefined ? {} : { localAddress: options.sourceHost }) })
    const pair: Pair = { client, upstream, pipes: { forward: pipe(client, upstream, 'forward'), backward: pipe(upstream, client, 'backward') } }
    pairs.add(pair)
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true)
      socket.on('error', () => { /* the other side closes too */ })
      // In a blackhole the close cannot cross either: the far end learns it from its heartbeat, or at the heal.
      socket.on('close', () => { if (cutMode !== 'blackhole') destroyPair(pair) })
    }
    for (const direction of stalled) pair.pipes[direction].update()
  })
  const listenHost = options.listenHost ?? '127.0.0.1'
  await new Promise<void>((resolve) => { server.listen(0, listenHost, resolve) })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('relay has no port')
  const updateAll = (): void => {
    for (const pair of pairs) {
      pair.pipes.forward.update()
      pair.pipes.backward.update()
    }
  }
  return {
    host: listenHost,
    port: address.port,
    addressFor: (peerId) => `/ip4/${listenHost}/tcp/${address.port}/p2p/${peerId}`,
    setLatency: (next) => { latency = { delayMs: next.delayMs, jitterMs: next.jitterMs ?? 0 } },
    cut: (mode = 'reset') => {
      cutMode = mode
      if (mode === 'reset') {
        for (const pair of [...pairs]) destroyPair(pair)
      }
      updateAll()
    },
    heal: () => {
      const wasBlackhole = cutMode === 'blackhole'
      cutMode = undefined
      if (wasBlackhole) {
        // The ends gave up on these connections during the silence; the first packet after it meets a reset.
        for (const pair of [...pairs]) destroyPair(pair)
        for (const socket of held) socket.destroy()
      }
      updateAll()
    },
    stall: (direction) => {
      stalled.add(direction)
      updateAll()
    },
    resume: (direction) => {
      stalled.delete(direction)
      updateAll()
    },
    get isCut () { return cutMode !== undefined },
    get connections () { return pairs.size },
    close: async () => {
      for (const pair of [...pairs]) destroyPair(pair)
      for (const socket of held) socket.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
      })
    }
  }
}
