import assert from 'node:assert/strict'
import { connect, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { startLinkRelay } from './link-relay.ts'
import type { LinkRelay, LinkRelayOptions } from './link-relay.ts'
import { waitFor } from './wait-for.ts'

/** An echo server that also records the address each connection came from. */
let echo: Server
let echoPort = 0
const remoteAddresses: string[] = []
const relays: LinkRelay[] = []

before(async () => {
  echo = createServer((socket) => {
    remoteAddresses.push(socket.remoteAddress ?? '')
    socket.on('error', () => { /* closed by the test */ })
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => { echo.listen(0, '127.0.0.1', resolve) })
  echoPort = (echo.address() as { port: number }).port
})
after(async () => {
  await Promise.allSettled(relays.map(async (relay) => { await relay.close() }))
  await new Promise((resolve) => { echo.close(resolve) })
})

async function relayTo (options: Partial<LinkRelayOptions> = {}): Promise<LinkRelay> {
  const relay = await startLinkRelay({ targetHost: '127.0.0.1', targetPort: echoPort, ...options })
  relays.push(relay)
  return relay
}

/** A client connection through `relay`, collecting what comes back and whether it closed. */
async function clientOf (relay: LinkRelay): Promise<{ socket: Socket, received: () => string, isClosed: () => boolean }> {
  const socket = connect(relay.port, relay.host)
  let received = ''
  let isClosed = false
  socket.setEncoding('utf8').on('data', (chunk: string) => { received += chunk })
  socket.on('error', () => { /* the test looks at isClosed */ })
  socket.on('close', () => { isClosed = true })
  await new Promise((resolve) => socket.once('connect', resolve))
  return { socket, received: () => received, isClosed: () => isClosed }
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

describe('LinkRelay', () => {
  it('startLinkRelay() delays each direction by delayMs ± jitterMs and keeps the byte order', async () => {
    const relay = await relayTo({ delayMs: 40, jitterMs: 30, seed: 5 })
    const client = await clientOf(relay)
    const startedAt = Date.now()
    const sent = Array.from({ length: 50 }, (_, i) => `${i};`).join('')
    for (let i = 0; i < 50; i++) {
      client.socket.write(`${i};`)
      await sleep(1)
    }
    await waitFor(() => client.received() === sent, { timeoutMs: 3000, what: 'the echo' })
    // Two crossings (there and back), each at least delayMs − jitterMs.
    assert.ok(Date.now() - startedAt >= 2 * 10, `round trip ${Date.now() - startedAt} ms`)
    client.socket.destroy()
  })

  it('setLatency() applies to what arrives afterwards', async () => {
    const relay = await relayTo()
    const client = await clientOf(relay)
    relay.setLatency({ delayMs: 150 })
    const startedAt = Date.now()
    client.socket.write('x')
    await waitFor(() => client.received() === 'x', { timeoutMs: 3000, what: 'the echo' })
    assert.ok(Date.now() - startedAt >= 290, `round trip ${Date.now() - startedAt} ms with 150 ms each way`)
    client.socket.destroy()
  })

  it('cut("reset") closes open connections at once and refuses new ones until heal()', async () => {
    const relay = await relayTo()
    const client = await clientOf(relay)
    await waitFor(() => relay.connections === 1, { what: 'the relayed connection' })
    relay.cut('reset')
    assert.equal(relay.isCut, true)
    await waitFor(client.isClosed, { timeoutMs: 1000, what: 'the close' })
    const refused = await clientOf(relay)
    await waitFor(refused.isClosed, { timeoutMs: 1000, what: 'the refusal' })
    relay.heal()
    const healed = await clientOf(relay)
    healed.socket.write('back')
    await waitFor(() => healed.received() === 'back', { timeoutMs: 1000, what: 'the echo after the heal' })
    healed.socket.destroy()
  })

  it('cut("blackhole") passes no byte and no close either way; heal() resets what was held open', async () => {
    const relay = await relayTo()
    const client = await clientOf(relay)
    client.socket.write('a')
    await waitFor(() => client.received() === 'a', { what: 'the echo before the cut' })
    relay.cut('blackhole')
    client.socket.write('lost')
    const late = await clientOf(relay)
    late.socket.write('never')
    await sleep(200)
    assert.equal(client.received(), 'a')
    assert.equal(late.received(), '')
    assert.equal(client.isClosed() || late.isClosed(), false, 'a blackhole closes nothing')
    relay.heal()
    await waitFor(() => client.isClosed() && late.isClosed(), { timeoutMs: 1000, what: 'the reset at the heal' })
    const fresh = await clientOf(relay)
    fresh.socket.write('ok')
    await waitFor(() => fresh.received() === 'ok', { timeoutMs: 1000, what: 'a new connection after the heal' })
    fresh.socket.destroy()
  })

  it('stall() holds one direction while the other flows, and resume() releases it in order', async () => {
    const relay = await relayTo()
    const client = await clientOf(relay)
    // The echo answers on the backward direction: stalled, nothing comes back, though the forward one delivers.
    relay.stall('backward')
    client.socket.write('one;')
    client.socket.write('two;')
    await sleep(200)
    assert.equal(client.received(), '')
    relay.resume('backward')
    await waitFor(() => client.received() === 'one;two;', { timeoutMs: 1000, what: 'the held echo' })
    relay.stall('forward')
    client.socket.write('three;')
    await sleep(200)
    assert.equal(client.received(), 'one;two;')
    relay.resume('forward')
    await waitFor(() => client.received() === 'one;two;three;', { timeoutMs: 1000, what: 'the held request' })
    client.socket.destroy()
  })

  it('sourceHost makes the target see the dialing node\'s own loopback address', async () => {
    const relay = await relayTo({ sourceHost: '127.0.0.9' })
    const client = await clientOf(relay)
    client.socket.write('hi')
    await waitFor(() => client.received() === 'hi', { what: 'the echo' })
    assert.equal(remoteAddresses.at(-1), '127.0.0.9')
    client.socket.destroy()
  })
})
