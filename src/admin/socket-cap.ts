/**
 * The admin server's socket cap (DESIGN §6 "≤ 32 sockets"), made slowloris-proof. Node's
 * `server.maxConnections` refuses every connection past the cap, so a client holding the
 * cap with sockets that never finish their headers locks everyone out until the headers
 * timeout closes them, and again as soon as it reconnects. Here a connection past the cap
 * instead evicts the oldest socket that is not being answered — one still sending its
 * headers, or an idle keep-alive socket — so a client that sends its request at once
 * (curl, a Prometheus scrape) always gets in and the dribbling sockets are the ones closed.
 * Only when every socket has a request in progress is the newcomer refused.
 *
 * @example
 * ```ts
 * const server = createServer(handler)
 * const cap = capSockets(server, ADMIN_MAX_SOCKETS)
 * cap.evicted // sockets closed to make room
 * ```
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/** What the cap did so far. */
export interface SocketCap {
  /** Open sockets now. */
  readonly size: number
  /** Sockets closed to make room for a new one. */
  readonly evicted: number
  /** New sockets refused because every open one had a request in progress. */
  readonly refused: number
}

/**
 * Caps `server` at `maxSockets` open sockets, evicting idle or unfinished ones first.
 * Use instead of `server.maxConnections`.
 *
 * @throws {RangeError} when `maxSockets` is not a positive integer
 */
export function capSockets (server: Server, maxSockets: number): SocketCap {
  if (!Number.isSafeInteger(maxSockets) || maxSockets <= 0) throw new RangeError(`Cannot cap sockets: "maxSockets" must be a positive integer, got ${maxSockets}`)
  /** Open sockets, oldest first (a Set keeps insertion order). */
  const sockets = new Set<Socket>()
  /** Responses not yet finished, per socket. */
  const answering = new Map<Socket, number>()
  const counts = { evicted: 0, refused: 0 }

  server.on('connection', (socket: Socket) => {
    if (sockets.size >= maxSockets) {
      let victim: Socket | undefined
      for (const candidate of sockets) {
        if (!answering.has(candidate)) {
          victim = candidate
          break
        }
      }
      if (victim === undefined) {
        counts.refused++
        socket.destroy()
        return
      }
      counts.evicted++
      sockets.delete(victim)
      victim.destroy()
    }
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      answering.delete(socket)
    })
  })

  server.on('request', (request, response) => {
    const { socket } = request
    answering.set(socket, (answering.get(socket) ?? 0) + 1)
    response.once('close', () => {
      const left = (answering.get(socket) ?? 1) - 1
      if (left > 0) answering.set(socket, left)
      else answering.delete(socket)
    })
  })

  return {
    get size () { return sockets.size },
    get evicted () { return counts.evicted },
    get refused () { return counts.refused }
  }
}
