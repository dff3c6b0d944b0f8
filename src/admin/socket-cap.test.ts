import assert from 'node:assert/strict'
import { createServer, get } from 'node:http'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, it } from 'node:test'
import { capSockets } from './socket-cap.ts'
import type { SocketCap } from './socket-cap.ts'

const CAP = 4
const GRACE_MS = 100

interface Fixture {
  server: Server
  cap: SocketCap
  port: number
  /** Requests to `/hold` wait until this is called. */
  release: () => void
  /** Requests the server has seen. */
  seen: () => number
  /** Connections the server has accepted. */
  accepted: () => number
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
  let seen = 0
  let accepted = 0
  const server = createServer((request, response) => {
    seen++
    if (request.url === '/hold') held.push(() => { response.end('held') })
    else if (request.url === '/late') setTimeout(() => { response.end('late') }, 2 * GRACE_MS)
    else response.end('ok')
  })
  server.on('connection', () => { accepted++ })
  const cap = capSockets(server, CAP, GRACE_MS)
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  const port = (server.address() as AddressInfo).port
  fixture = { server, cap, port, release: () => { for (const done of held.splice(0)) done() }, seen: () => seen, accepted: () => accepted }
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

/** A raw client socket: `send` writes a request; `answer` is everything the server sent before the socket closed (empty after a reset). */
function rawClient (port: number): { send: (request: string) => void, answer: Promise<string> } {
  const socket = connect(port, '127.0.0.1')
  opened.push(socket)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => { chunks.push(chunk) })
  socket.on('error', () => { /* reset: the answer is what came before */ })
  const answer = new Promise<string>((resolve) => {
    socket.once('close', () => { resolve(Buffer.concat(chunks).toString('latin1')) })
  })
  return { send: (request) => { socket.write(request) }, answer }
}

describe('capSockets()', () => {
  it('capSockets() answers a client whose request comes after a burst of slow sockets reached the server behind its connection', async () => {
    const { port, cap, accepted } = await startServer()
    await Promise.all(Array.from({ length: CAP }, async () => await openSlowSocket(port)))
    await until(() => cap.size === CAP)
    // A client that writes once it is connected, on a machine busy enough that a burst of
    // reconnecting slow sockets is accepted in between: the burst must not push it out.
    const probe = rawClient(port)
    await until(() => accepted() === CAP + 1)
    for (let i = 0; i < CAP; i++) {
      const socket = connect(port, '127.0.0.1')
      socket.on('error', () => { /* closed by the server */ })
      opened.push(socket)
    }
    await until(() => accepted() === 2 * CAP + 1)
    probe.send('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    assert.match(await probe.answer, /^HTTP\/1\.1 200 /)
    await until(() => cap.size <= CAP)
    assert.equal(cap.refused, 0)
  })

  it('capSockets() makes room at the cap by closing the oldest idle socket whose grace is over, without going past the cap', async () => {
    const { port, cap, accepted } = await startServer()
    const slow = await Promise.all(Array.from({ length: CAP }, async () => await openSlowSocket(port)))
    await until(() => cap.size === CAP)
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 20))
    await openSlowSocket(port)
    await until(() => accepted() === CAP + 1)
    assert.equal(cap.size, CAP)
    assert.equal(cap.evicted, 1)
    const oldest = slow[0]
    assert.ok(oldest !== undefined)
    await until(() => oldest.destroyed || oldest.readableEnded)
    assert.ok(slow.slice(1).every((socket) => !socket.destroyed), 'the younger slow sockets stay')
  })

  it('capSockets() lets new sockets past the cap, up to twice it, and closes the oldest idle ones once their grace is over', async () => {
    const { port, cap } = await startServer()
    const slow: Socket[] = []
    let most = 0
    for (let i = 0; i < 3 * CAP; i++) {
      slow.push(await openSlowSocket(port))
      most = Math.max(most, cap.size)
    }
    assert.ok(most <= 2 * CAP, `open sockets at most ${most}`)
    await until(() => cap.size <= CAP)
    assert.equal(cap.evicted, 2 * CAP)
    const youngest = slow.slice(-CAP)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.ok(youngest.every((socket) => !socket.destroyed), 'the youngest slow sockets stay')
    assert.ok(slow.slice(0, 2 * CAP).every((socket) => socket.destroyed || socket.readableEnded), 'the oldest ones are closed')
  })

  it('capSockets() answers a newcomer when every socket has a request in progress, and refuses one only at twice the cap', async () => {
    const { port, cap, seen } = await startServer()
    const holding = Array.from({ length: CAP }, async () => await getStatus(port, '/hold'))
    await until(() => seen() === CAP)
    assert.equal(await getStatus(port, '/'), 200)
    holding.push(...Array.from({ length: CAP }, async () => await getStatus(port, '/hold')))
    await until(() => seen() === 2 * CAP + 1)
    await assert.rejects(getStatus(port, '/'), { code: 'ECONNRESET' })
    assert.equal(cap.refused, 1)
    assert.equal(cap.evicted, 0)
    fixture?.release()
    assert.deepEqual(await Promise.all(holding), Array.from({ length: 2 * CAP }, () => 200))
  })

  it('capSockets() closes a keep-alive socket over the cap once its late answer is sent and it sits idle', async () => {
    const { port, cap, seen } = await startServer()
    const holding = Array.from({ length: CAP }, async () => await getStatus(port, '/hold'))
    await until(() => seen() === CAP)
    // Answered after its grace: the sweep cannot close it while it is answered, only after.
    const keepAlive = rawClient(port)
    keepAlive.send('GET /late HTTP/1.1\r\nHost: x\r\n\r\n')
    assert.match(await keepAlive.answer, /^HTTP\/1\.1 200 [\s\S]*late$/)
    assert.equal(cap.evicted, 1)
    assert.equal(cap.size, CAP)
    fixture?.release()
    assert.deepEqual(await Promise.all(holding), Array.from({ length: CAP }, () => 200))
  })

  it('capSockets() refuses a cap that is not a positive integer, or a grace that is not a finite number ≥ 0, with RangeError', () => {
    assert.throws(() => capSockets(createServer(), 0, GRACE_MS), RangeError)
    assert.throws(() => capSockets(createServer(), 1.5, GRACE_MS), RangeError)
    assert.throws(() => capSockets(createServer(), CAP, -1), RangeError)
    assert.throws(() => capSockets(createServer(), CAP, Number.NaN), RangeError)
  })
})
