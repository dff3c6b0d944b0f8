/**
 * The admin server's socket cap (DESIGN §6 "≤ 32 sockets"), made slowloris-proof. Node's
 * `server.maxConnections` refuses every connection past the cap, so a client holding the
 * cap with sockets that never finish their headers locks everyone out until the headers
 * timeout closes them, and again as soon as it reconnects.
 *
 * Here a new socket always gets `graceMs` to send its request. At the cap it evicts the
 * oldest socket that is not being answered (still sending headers, or idle keep-alive) and
 * has had its own grace; when there is none it is let in past the cap, and once its grace
 * is over the oldest idle sockets are closed until `maxSockets` are left. Deciding at accept
 * time instead cannot tell a client that sends its request at once (curl, a Prometheus
 * scrape) from a slow one, because nothing has been read from either yet; when a burst of
 * reconnecting slow sockets is accepted between such a client's connect and its first
 * bytes, the client would be the one closed. Newcomers are bounded too: at twice the cap a new socket evicts
 * the oldest socket not being answered at once, and is refused only when every open socket
 * has a request in progress. So at most `2 × maxSockets` descriptors are open, and at most
 * `maxSockets` once every socket has had its grace.
 *
 * @example
 * ```ts
 * const server = createServer(handler)
 * const cap = capSockets(server, ADMIN_MAX_SOCKETS, ADMIN_FIRST_REQUEST_GRACE_MS)
 * cap.evicted // sockets closed to make room
 * ```
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** What the cap did so far. */
export interface SocketCap {
  /** Open sockets now. */
  readonly size: number
  /** Sockets closed to make room. */
  readonly evicted: number
  /** New sockets refused because twice the cap were open, every one with a request in progress. */
  readonly refused: number
}

/**
 * Caps `server` at `maxSockets` open sockets once each has had `graceMs` to send its
 * request (and at `2 × maxSockets` before), evicting idle or unfinished ones, oldest first.
 * Use instead of `server.maxConnections`.
 *
 * @throws {RangeError} when `maxSockets` is not a positive integer or `graceMs` is not a finite number ≥ 0
 */
export function capSockets (server: Server, maxSockets: number, graceMs: number): SocketCap {
  if (!Number.isSafeInteger(maxSockets) || maxSockets <= 0) throw new RangeError(`Cannot cap sockets: "maxSockets" must be a positive integer, got ${maxSockets}`)
  if (!Number.isFinite(graceMs) || graceMs < 0) throw new RangeError(`Cannot cap sockets: "graceMs" must be a finite number ≥ 0, got ${graceMs}`)
  const ceiling = 2 * maxSockets
  /** Open sockets and when each was accepted, oldest first (a Map keeps insertion order). */
  const sockets = new Map<Socket, number>()
  /** Responses not yet finished, per socket. */
  const answering = new Map<Socket, number>()
  const counts = { evicted: 0, refused: 0 }
  let sweepTimer: NodeJS.Timeout | undefined

  const evict = (socket: Socket): void => {
    counts.evicted++
    sockets.delete(socket)
    socket.destroy()
  }

  /** The oldest socket with no request being answered, if any; only those accepted before `acceptedBefore`. */
  const oldestIdle = (acceptedBefore: number): Socket | undefined => {
    for (const [socket, acceptedAt] of sockets) {
      if (acceptedAt >= acceptedBefore) return undefined
      if (!answering.has(socket)) return socket
    }
    return undefined
  }

  /**
   * Closes idle sockets whose grace is over until the cap holds. Comes back while idle
   * sockets still in their grace keep it from holding; sockets over the cap that are
   * being answered bring it back when their response ends.
   */
  const sweep = (): void => {
    sweepTimer = undefined
    const graceOverBefore = performance.now() - graceMs
    while (sockets.size > maxSockets) {
      const victim = oldestIdle(graceOverBefore)
      if (victim === undefined) break
      evict(victim)
    }
    const next = oldestIdle(Number.POSITIVE_INFINITY)
    if (next !== undefined) scheduleSweep((sockets.get(next) ?? 0) + graceMs - performance.now())
  }

  /** Sweeps in `delayMs` (a grace from now by default) while the cap does not hold, unless a sweep is due already. */
  const scheduleSweep = (delayMs = graceMs): void => {
    if (sweepTimer !== undefined || sockets.size <= maxSockets) return
    sweepTimer = setTimeout(sweep, Math.max(0, delayMs))
    sweepTimer.unref()
  }

  server.on('connection', (socket: Socket) => {
    if (sockets.size >= maxSockets) {
      // An idle socket whose grace is over makes room at once; at the ceiling any idle one does.
      const victim = oldestIdle(sockets.size >= ceiling ? Number.POSITIVE_INFINITY : performance.now() - graceMs)
      if (victim !== undefined) {
        evict(victim)
      } else if (sockets.size >= ceiling) {
        counts.refused++
        socket.destroy()
        return
      }
    }
    sockets.set(socket, performance.now())
    socket.once('close', () => {
      sockets.delete(socket)
      answering.delete(socket)
    })
    scheduleSweep()
  })

  server.on('request', (request, response) => {
    const { socket } = request
    answering.set(socket, (answering.get(socket) ?? 0) + 1)
    response.once('close', () => {
      const left = (answering.get(socket) ?? 1) - 1
      if (left > 0) answering.set(socket, left)
      else answering.delete(socket)
      // A socket that went idle over the cap is closed by the next sweep.
      scheduleSweep()
    })
  })

  server.once('close', () => {
    clearTimeout(sweepTimer)
    sweepTimer = undefined
  })

  return {
    get size () { return sockets.size },
    get evicted () { return counts.evicted },
    get refused () { return counts.refused }
  }
}
