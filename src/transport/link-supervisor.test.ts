import assert from 'node:assert/strict'
import { describe, it, mock } from 'node:test'
import type { TestContext } from 'node:test'
import { recordLinks } from '../../test/compliance/link-transport.suite.ts'
import type { LinkRecorder } from '../../test/compliance/link-transport.suite.ts'
import type { Clock } from '../config/clock.ts'
import type { EventType, MeshEvents } from '../observability/events.ts'
import { SILENT_LOGGER } from '../observability/logger.ts'
import { generateKeyPairIdentity } from '../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../protocol/identity/index.ts'
import { decodeHeartbeat, encodePong } from './channels.ts'
import { createLinkSupervisor } from './link-supervisor.ts'
import type { LinkSupervisor } from './link-supervisor.ts'
import type { LinkTransport } from './link-transport.ts'
import { createMemoryNetwork } from './memory/index.ts'
import type { MemoryNetwork } from './memory/index.ts'

const [ALICE, BOB, CAROL] = [generateKeyPairIdentity(), generateKeyPairIdentity(), generateKeyPairIdentity()]
/** Simulated time per step; frames sent in one step are read at the end of it, answers in the next (RTT = one step). */
const STEP_MS = 10

interface RecordedEvent {
  type: EventType
  peer: string | null
  payload: Record<string, unknown>
  atMs: number
}

interface Supervised {
  supervisor: LinkSupervisor
  transport: LinkTransport
  upper: LinkRecorder
  events: RecordedEvent[]
  address: string
}

/** Supervisors and bare peers on a manual memory network, with node:test mock timers and a clock that move together. */
interface Harness {
  network: MemoryNetwork
  nowMs: () => number
  /** Moves time by `ms` in steps: timers fire, frames are delivered, promises settle; `onStep` runs after each step. */
  advance: (ms: number, onStep?: (atMs: number) => void) => Promise<void>
  supervise: (identity: KeyPairIdentity, random?: () => number) => Promise<Supervised>
  /** A bare transport that answers pings while `shouldAnswer(seq)` says so. */
  responder: (identity: KeyPairIdentity, shouldAnswer?: (seq: number) => boolean) => Promise<{ transport: LinkTransport, recorder: LinkRecorder, address: string }>
}

function harness (t: TestContext): Harness {
  mock.timers.enable({ apis: ['setInterval', 'setTimeout'] })
  let ms = 0
  const clock: Clock = { now: () => 1_700_000_000_000 + ms, monotonic: () => ms }
  const network = createMemoryNetwork({ delivery: 'manual' })
  const stops: Array<() => Promise<void>> = []
  t.after(async () => {
    try {
      for (const stop of stops) await stop()
    } finally {
      mock.timers.reset()
    }
  })
  const settle = async (): Promise<void> => {
    await new Promise((resolve) => { setImmediate(resolve) })
  }
  return {
    network,
    nowMs: () => ms,
    advance: async (total, onStep) => {
      for (let elapsed = 0; elapsed < total; elapsed += STEP_MS) {
        ms += STEP_MS
        mock.timers.tick(STEP_MS)
        await settle()
        network.deliverAll()
        await settle()
        onStep?.(ms)
      }
    },
    supervise: async (identity, random = () => 0.5) => {
      const transport = network.createTransport({ identity, clock })
      const events: RecordedEvent[] = []
      const recorder: MeshEvents = { emit: (type, peer, payload) => { events.push({ type, peer, payload, atMs: ms }) } }
      const supervisor = createLinkSupervisor({ transport, clock, events: recorder, logger: SILENT_LOGGER, random })
      const upper = recordLinks()
      await supervisor.start(upper.handlers)
      stops.push(async () => { await supervisor.stop() })
      return { supervisor, transport, upper, events, address: transport.listenAddresses()[0]! }
    },
    responder: async (identity, shouldAnswer = () => true) => {
      const transport = network.createTransport({ identity, clock })
      const recorder = recordLinks()
      const onFrame = recorder.handlers.onFrame
      recorder.handlers.onFrame = (link, channel, body) => {
        onFrame(link, channel, body)
        const heartbeat = channel === 'control' ? decodeHeartbeat(body) : undefined
        if (heartbeat?.kind === 'ping' && shouldAnswer(heartbeat.seq)) void transport.send(link.peerId, 'control', encodePong(heartbeat.seq))
      }
      await transport.start(recorder.handlers)
      stops.push(async () => { await transport.stop() })
      return { transport, recorder, address: transport.listenAddresses()[0]! }
    }
  }
}

/** The events of `types`, in order. */
function eventsOf (events: RecordedEvent[], ...types: EventType[]): RecordedEvent[] {
  return events.filter((event) => types.includes(event.type))
}

/** Supervisor A dialing a bare responder B, with the link up and pongs flowing for 2 s. */
async function supervisedLink (t: TestContext, shouldAnswer?: (seq: number) => boolean): Promise<{ h: Harness, a: Supervised, b: Awaited<ReturnType<Harness['responder']>> }> {
  const h = harness(t)
  const b = await h.responder(BOB, shouldAnswer)
  const a = await h.supervise(ALICE, () => 0.75)
  a.supervisor.addDialTarget(b.address)
  await h.advance(2000)
  assert.deepEqual(eventsOf(a.events, 'session_open').map((event) => event.peer), [BOB.fingerprint])
  return { h, a, b }
}

describe('createLinkSupervisor() over the memory transport', () => {
  it('LinkSupervisor pings every link and rttOf() summarises the pongs; heartbeats never reach the layer above', async (t) => {
    const h = harness(t)
    const a = await h.supervise(ALICE)
    const b = await h.supervise(BOB)
    a.supervisor.addDialTarget(b.address)
    await h.advance(5000)
    for (const [end, other] of [[a, b], [b, a]] as const) {
      const rtt = end.supervisor.rttOf(other.transport.localPeerId)
      assert.ok(rtt !== undefined, 'an RTT summary')
      assert.ok(rtt.samples >= 5, `${rtt.samples} samples in 5 s`)
      assert.equal(rtt.lastMs, STEP_MS)
      assert.equal(rtt.minMs, STEP_MS)
      assert.ok(rtt.smoothedMs >= STEP_MS && rtt.smoothedMs <= 2 * STEP_MS)
      assert.equal(end.upper.opens.length, 1)
      assert.deepEqual(end.upper.frames, [], 'pings and pongs stay below the supervisor')
      assert.deepEqual(eventsOf(end.events, 'heartbeat_timeout', 'session_close', 'reconnect'), [])
    }
    const [sample] = eventsOf(a.events, 'rtt_sample')
    assert.deepEqual(sample?.payload, { rtt_ms: STEP_MS, smoothed_ms: 2 * STEP_MS })
    assert.equal(a.supervisor.rttOf('not-a-peer'), undefined)
  })

  it('LinkSupervisor declares a peer that stopped reading dead only after 3 misses and 3 s without a read', async (t) => {
    const { h, a, b } = await supervisedLink(t)
    await h.advance(500)
    const lastReadMs = h.nowMs() - 500 + STEP_MS // the pong to the ping at 2000 ms arrived one step later
    h.network.pauseDelivery(b.transport)
    // Pings at 3, 4 and 5 s go unanswered; at 5 s only two count as missed, and the last read is 2.99 s old.
    await h.advance(5990 - h.nowMs())
    assert.deepEqual(eventsOf(a.events, 'heartbeat_timeout', 'session_close'), [], 'alive until the 6 s beat')
    await h.advance(STEP_MS)
    const [timeout, close] = eventsOf(a.events, 'heartbeat_timeout', 'session_close')
    assert.deepEqual(timeout, { type: 'heartbeat_timeout', peer: BOB.fingerprint, payload: { misses: 3, ms_since_read: 6000 - lastReadMs }, atMs: 6000 })
    assert.ok(6000 - lastReadMs <= 4000, 'found dead within 4 s of the last byte')
    assert.deepEqual(close?.payload, { peer_id: BOB.fingerprint, reason: 'heartbeat_timeout' })
    assert.deepEqual(a.upper.closes, [{ peerId: BOB.fingerprint, reason: 'heartbeat_timeout' }])
    assert.deepEqual(b.recorder.closes, [{ peerId: ALICE.fingerprint, reason: 'remote_close' }])
  })

  it('LinkSupervisor does not declare a peer dead for one missed ping', async (t) => {
    const { h, a } = await supervisedLink(t, (seq) => seq !== 4)
    await h.advance(10_000)
    assert.deepEqual(eventsOf(a.events, 'heartbeat_timeout', 'session_close'), [])
    assert.equal(a.transport.links().length, 1)
    assert.ok((a.supervisor.rttOf(BOB.fingerprint)?.samples ?? 0) >= 10)
  })

  it('LinkSupervisor keeps a peer whose other frames keep arriving, and declares it dead 3 to 4 s after they stop', async (t) => {
    let isAnswering = true
    const { h, a, b } = await supervisedLink(t, () => isAnswering)
    isAnswering = false
    let lastSentMs = 0
    await h.advance(10_000, (atMs) => {
      if (atMs % 500 !== 0) return
      lastSentMs = atMs
      void b.transport.send(ALICE.fingerprint, 'state', Uint8Array.of(1))
    })
    assert.deepEqual(eventsOf(a.events, 'heartbeat_timeout'), [], 'no pongs for 10 s, but state frames every 500 ms')
    assert.ok(a.upper.bodiesOn('state').length >= 19)
    const lastReadMs = lastSentMs + STEP_MS
    await h.advance(lastReadMs + 2990 - h.nowMs())
    assert.deepEqual(eventsOf(a.events, 'heartbeat_timeout'), [], 'alive while the last read is under 3 s old')
    await h.advance(1010)
    const [timeout] = eventsOf(a.events, 'heartbeat_timeout')
    assert.ok(timeout !== undefined, 'dead within 4 s of the last read')
    assert.ok(timeout.atMs - lastReadMs >= 3000 && timeout.atMs - lastReadMs <= 4000, `dead ${timeout.atMs - lastReadMs} ms after the last read`)
    assert.equal(timeout.payload.misses, 13, 'every ping since the answers stopped (3 s to 15 s)')
  })

  it('LinkSupervisor reconnects a dead dial target: heartbeat_timeout, session_close, reconnect, session_open, in that order', async (t) => {
    const { h, a, b } = await supervisedLink(t)
    const since = a.events.length
    h.network.pauseDelivery(b.transport)
    await h.advance(4500)
    h.network.resumeDelivery(b.transport)
    await h.advance(3000)
    const later = a.events.slice(since).filter((event) => event.type !== 'rtt_sample')
    assert.deepEqual(later.map((event) => [event.type, event.peer]), [
      ['heartbeat_timeout', BOB.fingerprint], ['session_close', BOB.fingerprint], ['reconnect', BOB.fingerprint], ['session_open', BOB.fingerprint]
    ])
    const [timeout, , reconnect, open] = later
    assert.deepEqual(reconnect?.payload, { address: b.address, attempt: 1, delay_ms: 1100 })
    assert.equal((open?.atMs ?? 0) - (timeout?.atMs ?? 0), 1100, 'redialled after the first tier (1 s, jitter ×1.1)')
    assert.equal(a.upper.opens.length, 2)
    assert.equal(b.recorder.opens.length, 2)
  })

  it('LinkSupervisor redials after 1 s, 5 s and 15 s (jittered by the injected random) until the peer is reachable, then starts over', async (t) => {
    const h = harness(t)
    const draws = [0, 0.5, 1, 0.5]
    const a = await h.supervise(ALICE, () => draws.shift() ?? 0.5)
    const b = await h.supervise(BOB)
    a.supervisor.addDialTarget(b.address)
    await h.advance(100)
    const partitionedAtMs = h.nowMs()
    h.network.partition(a.transport, b.transport)
    await h.advance(800 + 5000 + 18_000 - STEP_MS)
    assert.deepEqual(eventsOf(a.events, 'reconnect').map((event) => [event.atMs - partitionedAtMs, event.payload.attempt, event.payload.delay_ms]), [
      [0, 1, 800], [800, 2, 5000], [5800, 3, 18_000]
    ])
    assert.deepEqual(eventsOf(a.events, 'transport_error').map((event) => event.atMs - partitionedAtMs), [800, 5800], 'each redial fails while partitioned')
    h.network.heal(a.transport, b.transport)
    await h.advance(STEP_MS)
    const opens = eventsOf(a.events, 'session_open')
    assert.deepEqual(opens.map((event) => event.atMs - partitionedAtMs), [-100 + STEP_MS, 23_800], 'relinked at the third tier')
    h.network.partition(a.transport, b.transport)
    h.network.heal(a.transport, b.transport)
    await h.advance(1000)
    assert.deepEqual(eventsOf(a.events, 'reconnect').at(-1)?.payload, { address: b.address, attempt: 1, delay_ms: 1000 }, 'the backoff starts over after a success')
    assert.equal(eventsOf(a.events, 'session_open').length, 3)
  })

  it('LinkSupervisor.stop() closes links with shutdown, cancels heartbeats and reconnects, and is idempotent', async (t) => {
    const h = harness(t)
    const a = await h.supervise(ALICE)
    const b = await h.responder(BOB)
    const c = await h.responder(CAROL)
    a.supervisor.addDialTarget(b.address)
    a.supervisor.addDialTarget(c.address)
    await h.advance(1000)
    h.network.partition(a.transport, c.transport)
    assert.equal(eventsOf(a.events, 'reconnect').length, 1, 'a redial of C is pending')
    await Promise.all([a.supervisor.stop(), a.supervisor.stop()])
    await a.supervisor.stop()
    const pingsAtStop = b.recorder.bodiesOn('control').length
    const eventsAtStop = a.events.length
    await h.advance(60_000)
    assert.deepEqual(a.events.slice(eventsAtStop), [], 'no beat, reconnect or dial after stop()')
    assert.deepEqual(eventsOf(a.events, 'session_close').map((event) => event.payload.reason), ['remote_close', 'shutdown'])
    assert.deepEqual(a.upper.closes.map((close) => close.reason), ['remote_close', 'shutdown'])
    assert.deepEqual(b.recorder.closes, [{ peerId: ALICE.fingerprint, reason: 'remote_close' }])
    assert.equal(b.recorder.bodiesOn('control').length, pingsAtStop)
    assert.deepEqual(a.transport.listenAddresses(), [])
  })
})
