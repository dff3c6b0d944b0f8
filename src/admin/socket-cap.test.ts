import assert from 'node:assert/strict'
import { createServer, get } from 'node:http'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, it } from 'node:test'
import { capSockets } from './socket-cap.ts'
import type { SocketCap } from './socket-cap.ts'

const CAP = 4

interface Fixture {
  server: Server
  cap: SocketCap
  port: number
  /** Requests to `/hold` wait until this is called. */
  release: () => void
}

let fixture: Fixture | undefined
const opened: Socket[] = []

afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy()
  const done = fixture
  fixture = undefined
  if (done === undefined) return
  done.release()
  done.server.closeAllConnections()
  await new Promise((resolve) => done.server.close(resolve))
})

async function startServer (): Promise<Fixture> {
  const held: Array<() => void> = []
  const server = createServer((request, response) => {
    if (request.url === '/hold') held.push(() => { response.end('held') })
    else response.end('ok')
  })
  const cap = capSockets(server, CAP)
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const port = (server.address() as AddressInfo).port
  fixture = { server, cap, port, release: () => { for (const done of held.splice(0)) done() } }
  return fixture
}

/** A socket that sends the start of a request and never finishes its headers. */
async function openSlowSocket (port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => { /* closed by the server */ })
  opened.push(socket)
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ')
  return socket
}

async function getStatus (port: number, path: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      response.resume()
      response.on('end', () => { resolve(response.statusCode ?? 0) })
    })
    request.on('error', reject)
  })
}

async function until (predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('capSockets()', () => {
  it('capSockets() answers a new request when the cap is held by sockets that never finish their headers, evicting the oldest', async () => {
    const { port, cap } = await startServer()
    const slow = await Promise.all(Array.from({ length: CAP }, async () => await openSlowSocket(port)))
    await until(() => cap.size === CAP)
    assert.equal(await getStatus(port, '/'), 200)
    assert.equal(cap.evicted, 1)
    assert.equal(cap.refused, 0)
    const oldest = slow[0]
    assert.ok(oldest !== undefined)
    await until(() => oldest.destroyed || oldest.readableEnded)
    assert.ok(slow.slice(1).every((socket) => !socket.destroyed), 'the younger slow sockets stay')
  })

  it('capSockets() refuses a new socket when every open socket has a request in progress', async () => {
    const { port, cap } = await startServer()
    const holding = Array.from({ length: CAP }, async () => await getStatus(port, '/hold'))
    await until(() => cap.size === CAP)
    // Let the server see every request before the newcomer arrives.
    await new Promise((resolve) => setTimeout(resolve, 50))
    await assert.rejects(getStatus(port, '/'), { code: 'ECONNRESET' })
    assert.equal(cap.refused, 1)
    assert.equal(cap.evicted, 0)
    fixture?.release()
    assert.deepEqual(await Promise.all(holding), Array.from({ length: CAP }, () => 200))
  })

  it('capSockets() never holds more than the cap open', async () => {
    const { port, cap } = await startServer()
    for (let i = 0; i < 3 * CAP; i++) await openSlowSocket(port)
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.ok(cap.size <= CAP, `open sockets ${cap.size}`)
    assert.equal(cap.evicted, 2 * CAP)
  })

  it('capSockets() refuses a cap that is not a positive integer with RangeError', () => {
    assert.throws(() => capSockets(createServer(), 0), RangeError)
    assert.throws(() => capSockets(createServer(), 1.5), RangeError)
  })
})
