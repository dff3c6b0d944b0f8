/**
 * A TCP relay that adds latency and jitter (the harness's stand-in for `tc netem`, which
 * these kernels lack): every chunk is held for `delayMs ± jitterMs` (uniform, seeded),
 * never overtaking an earlier chunk in the same direction. `cut()` drops every
 * connection and refuses new ones until `heal()`.
 */
import { connect, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { seededRandom } from './seeded-random.ts'

export interface DelayProxyOptions {
  /** Where connections are relayed to. */
  targetPort: number
  targetHost?: string
  /** Mean one-way delay added to every chunk, in ms. */
  delayMs: number
  /** Half-width of the uniform jitter around the delay, in ms. */
  jitterMs?: number
  /** Seed of the jitter. @default 1 */
  seed?: number
}

/** A running relay. */
export interface DelayProxy {
  readonly port: number
  /** The proxy's address for `peerId` (a multiaddr with `/p2p/`). */
  addressFor: (peerId: string) => string
  cut: () => void
  heal: () => void
  close: () => Promise<void>
}

/** Starts a relay on 127.0.0.1. */
export async function startDelayProxy (options: DelayProxyOptions): Promise<DelayProxy> {
  const random = seededRandom(options.seed ?? 1)
  const sockets = new Set<Socket>()
  let isCut = false
  const delayOf = (): number => Math.max(0, options.delayMs + (random() * 2 - 1) * (options.jitterMs ?? 0))
  // One queue and one timer per direction: chunks leave strictly in arrival order (timers of
  // different durations that expire together may fire in any order, which would corrupt the stream).
  const pipe = (from: Socket, to: Socket): void => {
    const queue: Array<{ chunk: Buffer, releaseAt: number }> = []
    let timer: NodeJS.Timeout | undefined
    const flush = (): void => {
      timer = undefined
      while (queue.length > 0 && (queue[0]?.releaseAt ?? 0) <= Date.now()) {
        const next = queue.shift()
        if (next !== undefined && !to.destroyed) to.write(next.chunk)
      }
      schedule()
    }
    const schedule = (): void => {
      const head = queue[0]
      if (timer !== undefined || head === undefined) return
      timer = setTimeout(flush, Math.max(0, head.releaseAt - Date.now()))
      timer.unref()
    }
    from.on('data', (chunk: Buffer) => {
      const previous = queue.at(-1)?.releaseAt ?? 0
      queue.push({ chunk, releaseAt: Math.max(Date.now() + delayOf(), previous) })
      schedule()
    })
  }
  const server: Server = createServer((client) => {
    if (isCut) {
      client.destroy()
      return
    }
    const upstream = connect(options.targetPort, options.targetHost ?? '127.0.0.1')
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.setNoDelay(true)
      socket.on('error', () => { /* the other side closes too */ })
      socket.on('close', () => {
        sockets.delete(socket)
        client.destroy()
        upstream.destroy()
      })
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('proxy has no port')
  return {
    port: address.port,
    addressFor: (peerId) => `/ip4/127.0.0.1/tcp/${address.port}/p2p/${peerId}`,
    cut: () => {
      isCut = true
      for (const socket of sockets) socket.destroy()
    },
    heal: () => { isCut = false },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
      })
    }
  }
}
