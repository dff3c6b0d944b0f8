// The routed CIP handshake (SPEC §15.1, §15.9): two services wired back to back by a fake
// `sendHello` that hands each HELLO, in a MESH_HELLO carrier, to the other service on a
// later microtask — as the router would once it opened the carrier end to end.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import type { Clock } from '../../config/clock.ts'
import { createPeerRegistry } from '../peers/index.ts'
import type { PeerRegistry } from '../peers/index.ts'
import { createEventLog } from '../../observability/event-log.ts'
import type { EventLog } from '../../observability/event-log.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { CountingMetrics } from '../../observability/metrics.ts'
import { buildMeshEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { CipEnvelope, MeshEnvelope } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError, isWeb4Error, NoRouteError } from '../../protocol/errors.ts'
import { generateKeyPairIdentity, signBytes } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { createMemoryPeerStore } from '../../store/index.ts'
import { sealLsa } from '../link-state/lsa.ts'
import type { Lsa } from '../link-state/lsa.ts'
import type { DeliveryReceipt } from '../router/mesh-router.ts'
import { ROUTED_HANDSHAKE_RETRY_MS, ROUTED_HANDSHAKE_TIMEOUT_MS, RoutedHandshakeService } from './routed-handshake.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)

// The lower fingerprint initiates: name the identities in fingerprint order.
const [LOW, HIGH, OTHER_1, OTHER_2, OTHER_3] = Array.from({ length: 5 }, () => generateKeyPairIdentity())
  .sort((x, y) => (x.fingerprint < y.fingerprint ? -1 : 1)) as [KeyPairIdentity, KeyPairIdentity, KeyPairIdentity, KeyPairIdentity, KeyPairIdentity]

/** What the fake router does with a HELLO: deliver it, lose it, fail with NoRouteError, or rewrite it. */
type WireMode = 'deliver' | 'lose' | 'no_route' | ((hello: CipEnvelope<'HELLO'>) => CipEnvelope<'HELLO'>)

interface Side {
  readonly author: EnvelopeAuthor
  readonly service: RoutedHandshakeService
  readonly registry: PeerRegistry
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly clock: Clock & { ms: number }
  /** Every HELLO this side handed to `sendHello`, with its destination. */
  readonly sent: Array<{ to: string, hello: CipEnvelope<'HELLO'> }>
  /** Fingerprints `hasRoute` is false for. */
  readonly unroutable: Set<string>
  /** Fingerprints `isDirectlyHandshaken` is true for. */
  readonly direct: Set<string>
  /** Where this side's HELLOs go, by destination fingerprint. */
  readonly peers: Map<string, Side>
  mode: WireMode
}

/** Deterministic random bytes: SHA-256 of a seed and a counter. */
function seededBytes (seed: string): (length: number) => Uint8Array {
  let counter = 0
  return (length) => new Uint8Array(createHash('sha256').update(`${seed}:${counter++}`).digest().subarray(0, length))
}

function sideOf (identity: KeyPairIdentity, agentId: string): Side {
  const clock = { ms: 0, now: () => NOW + clock.ms, monotonic: () => clock.ms }
  const events = createEventLog({ node: identity.fingerprint, clock, logger: SILENT_LOGGER })
  const metrics = createCountingMetrics()
  const registry = createPeerRegistry({ store: createMemoryPeerStore(), clock, events, logger: SILENT_LOGGER, metrics })
  const author: EnvelopeAuthor = { identity, agentId }
  const sent: Side['sent'] = []
  const unroutable = new Set<string>()
  const direct = new Set<string>()
  const peers = new Map<string, Side>()
  const sendHello = async (to: string, hello: CipEnvelope<'HELLO'>): Promise<DeliveryReceipt> => {
    sent.push({ to, hello })
    const { mode } = side
    if (mode === 'no_route') throw new NoRouteError(`Cannot send to "${to.slice(0, 16)}": no route`, { reason: 'no_path', fingerprint: to })
    await Promise.resolve()
    const peer = peers.get(to)
    if (mode === 'lose' || peer === undefined) return { to, hops: [to], rttMs: 1 }
    const delivered = typeof mode === 'function' ? mode(hello) : hello
    const receiver = { agent_id: hello.receiver.agent_id, fingerprint: to }
    const carrier = sealEnvelope<MeshEnvelope>(buildMeshEnvelope(author, { type: 'MESH_HELLO', payload: { body: delivered }, receiver }, { nowMs: clock.now() }), identity)
    try {
      peer.service.onMeshHello({ ...carrier, hops: [to] })
    } catch (err) {
      // The router answers a handler's error with a failed receipt, which rejects the send.
      throw new InvalidEnvelopeError(`Destination refused delivery: ${(err as Error).message}`, { reason: isWeb4Error(err) ? err.reason : 'refused' })
    }
    return { to, hops: [to], rttMs: 1 }
  }
  const service = new RoutedHandshakeService({
    author, sendHello, peers: registry, clock, events, logger: SILENT_LOGGER, metrics,
    isDirectlyHandshaken: (fingerprint) => direct.has(fingerprint),
    hasRoute: (fingerprint) => !unroutable.has(fingerprint),
    randomBytes: seededBytes(agentId)
  })
  const side: Side = { author, service, registry, events, metrics, clock, sent, unroutable, direct, peers, mode: 'deliver' }
  return side
}

/** LOW and HIGH, each able to reach the other. */
function pair (): { low: Side, high: Side } {
  const low = sideOf(LOW, 'low')
  const high = sideOf(HIGH, 'high')
  low.peers.set(HIGH.fingerprint, high)
  high.peers.set(LOW.fingerprint, low)
  return { low, high }
}

function lsaOf (identity: KeyPairIdentity, agentId: string, withdrawn = false): Lsa {
  return sealLsa(identity, { agentId, seq: 1, nowMs: NOW, addresses: [], neighbours: [], withdrawn })
}

/** Lets every queued delivery (microtasks) run. */
async function settle (): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => { setImmediate(resolve) })
}

function eventsOf (side: Side, type: string): Array<{ peer: string | null, payload: Record<string, unknown> }> {
  return side.events.since().filter((event) => event.event_type === type).map(({ peer, payload }) => ({ peer, payload }))
}

function enableTimeouts (t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout'] })
}

describe('RoutedHandshakeService', () => {
  it('RoutedHandshakeService.scan() completes the handshake on both ends when the lower fingerprint initiates', async (t) => {
    enableTimeouts(t)
    const { low, high } = pair()
    high.service.scan([lsaOf(LOW, 'low')])
    assert.equal(high.sent.length, 0, 'the higher fingerprint waits')
    low.service.scan([lsaOf(HIGH, 'high'), lsaOf(LOW, 'low')])
    await settle()
    assert.deepEqual(low.sent.map(({ to, hello }) => [to, hello.payload.challenge_response === undefined]), [[HIGH.fingerprint, true], [HIGH.fingerprint, false]], 'HELLO1, then HELLO3')
    assert.deepEqual(high.sent.map(({ to, hello }) => [to, hello.payload.challenge_response === undefined]), [[LOW.fingerprint, false]], 'HELLO2')
    for (const [self, other, role] of [[low, high, 'initiator'], [high, low, 'responder']] as const) {
      const fingerprint = other.author.identity.fingerprint
      assert.ok(self.service.isHandshaken(fingerprint))
      assert.equal(self.registry.trustOf(fingerprint), 'probing', 'TRUST GATE: unknown → probing')
      assert.equal(self.registry.get(fingerprint)?.agentId, other.author.agentId)
      assert.equal(self.registry.get(fingerprint)?.pubkey, other.author.identity.pubkey)
      const completed = eventsOf(self, 'handshake_completed')
      assert.deepEqual(completed.map(({ peer, payload }) => [peer, payload.role, payload.routed, payload.trust]), [[fingerprint, role, true, 'probing']])
      assert.equal(self.metrics.value('web4_handshakes_total', { result: 'completed' }), 1)
    }
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.equal(low.sent.length, 2, 'no second handshake once completed')
  })

  it('RoutedHandshakeService.scan() skips itself, withdrawn origins, nodes without a route, directly handshaken and blacklisted ones', async (t) => {
    enableTimeouts(t)
    const low = sideOf(LOW, 'low')
    low.unroutable.add(OTHER_1.fingerprint)
    low.direct.add(OTHER_2.fingerprint)
    low.registry.applyTrust(OTHER_3.fingerprint, 'manual_set_blacklisted', { reason: 'test', causeMsgIds: [] })
    low.service.scan([
      lsaOf(LOW, 'low'), lsaOf(HIGH, 'high', true), lsaOf(OTHER_1, 'no-route'), lsaOf(OTHER_2, 'direct'), lsaOf(OTHER_3, 'blacklisted')
    ])
    await settle()
    assert.equal(low.sent.length, 0)
    // A route appears: the next scan starts the handshake.
    low.unroutable.delete(OTHER_1.fingerprint)
    low.service.scan([lsaOf(OTHER_1, 'no-route')])
    assert.deepEqual(low.sent.map(({ to }) => to), [OTHER_1.fingerprint])
    low.service.scan([lsaOf(OTHER_1, 'no-route')])
    assert.equal(low.sent.length, 1, 'not twice while one is in flight')
    low.service.stop()
  })

  it('RoutedHandshakeService fails with bad_challenge_response and makes the origin untrusted when its response does not verify', async (t) => {
    enableTimeouts(t)
    const { low, high } = pair()
    // HIGH's second leg carries a response signed over the wrong bytes, still signed end to end by HIGH.
    high.mode = (hello) => {
      if (hello.payload.challenge_response === undefined) return hello
      const wrong = signBytes(HIGH, randomBytes(32))
      return sealEnvelope({ ...hello, payload: { ...hello.payload, challenge_response: wrong } }, HIGH)
    }
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.equal(low.service.isHandshaken(HIGH.fingerprint), false)
    const failed = eventsOf(low, 'handshake_failed')
    assert.deepEqual(failed.map(({ peer, payload }) => [peer, payload.reason, payload.routed, payload.error]), [[HIGH.fingerprint, 'bad_challenge_response', true, 'HandshakeError']])
    assert.equal(low.registry.trustOf(HIGH.fingerprint), 'untrusted')
    assert.equal(low.metrics.value('web4_handshakes_total', { result: 'bad_challenge_response' }), 1)
    assert.equal(low.sent.length, 1, 'no third leg')
    // The retry pause applies.
    low.service.scan([lsaOf(HIGH, 'high')])
    assert.equal(low.sent.length, 1)
  })

  it('RoutedHandshakeService fails with reason timeout when no answer comes, and retries only after the pause', async (t) => {
    enableTimeouts(t)
    const { low } = pair()
    low.mode = 'lose'
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.equal(low.sent.length, 1)
    t.mock.timers.tick(ROUTED_HANDSHAKE_TIMEOUT_MS - 1)
    assert.deepEqual(eventsOf(low, 'handshake_failed'), [])
    t.mock.timers.tick(1)
    assert.deepEqual(eventsOf(low, 'handshake_failed').map(({ peer, payload }) => [peer, payload.reason, payload.routed]), [[HIGH.fingerprint, 'timeout', true]])
    assert.equal(low.metrics.value('web4_handshakes_total', { result: 'timeout' }), 1)
    assert.equal(low.registry.trustOf(HIGH.fingerprint), 'unknown', 'a timeout blames no one')
    low.clock.ms += ROUTED_HANDSHAKE_RETRY_MS - 1
    low.service.scan([lsaOf(HIGH, 'high')])
    assert.equal(low.sent.length, 1, 'not within the retry pause')
    low.clock.ms += 1
    low.mode = 'deliver'
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.equal(low.sent.length, 3, 'HELLO1 again, then HELLO3')
    assert.ok(low.service.isHandshaken(HIGH.fingerprint))
  })

  it('RoutedHandshakeService takes no retry pause when sendHello() fails with NoRouteError: the next scan tries again', async (t) => {
    enableTimeouts(t)
    const { low } = pair()
    low.mode = 'no_route'
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.deepEqual(eventsOf(low, 'handshake_failed').map(({ payload }) => [payload.reason, payload.error]), [['no_path', 'NoRouteError']])
    low.mode = 'deliver'
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.equal(low.sent.length, 3, 'the failed HELLO1, then a completed handshake')
    assert.ok(low.service.isHandshaken(HIGH.fingerprint))
  })

  it('RoutedHandshakeService.onMeshHello() refuses a blacklisted origin with HandshakeError, which fails the initiator\'s send', async (t) => {
    enableTimeouts(t)
    const { low, high } = pair()
    high.registry.applyTrust(LOW.fingerprint, 'manual_set_blacklisted', { reason: 'test', causeMsgIds: [] })
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.equal(high.sent.length, 0)
    assert.equal(high.service.isHandshaken(LOW.fingerprint), false)
    assert.deepEqual(eventsOf(low, 'handshake_failed').map(({ payload }) => [payload.reason, payload.error]), [['blacklisted', 'InvalidEnvelopeError']])
  })

  it('RoutedHandshakeService.onMeshHello() answers a first HELLO anew after a completed handshake (the lower end restarted)', async (t) => {
    enableTimeouts(t)
    const { low, high } = pair()
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.ok(high.service.isHandshaken(LOW.fingerprint))
    low.service.stop()
    // LOW restarts with no memory of the handshake and starts another.
    const restarted = sideOf(LOW, 'low')
    restarted.peers.set(HIGH.fingerprint, high)
    high.peers.set(LOW.fingerprint, restarted)
    restarted.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    assert.ok(restarted.service.isHandshaken(HIGH.fingerprint))
    assert.ok(high.service.isHandshaken(LOW.fingerprint))
    assert.equal(eventsOf(high, 'handshake_completed').length, 2)
    assert.equal(high.registry.trustOf(LOW.fingerprint), 'probing')
  })

  it('RoutedHandshakeService.stop() clears attempts: nothing fails or starts afterwards', async (t) => {
    enableTimeouts(t)
    const { low } = pair()
    low.mode = 'lose'
    low.service.scan([lsaOf(HIGH, 'high')])
    await settle()
    low.service.stop()
    t.mock.timers.tick(ROUTED_HANDSHAKE_TIMEOUT_MS)
    assert.deepEqual(eventsOf(low, 'handshake_failed'), [])
    low.service.scan([lsaOf(OTHER_1, 'other')])
    assert.equal(low.sent.length, 1)
  })
})
