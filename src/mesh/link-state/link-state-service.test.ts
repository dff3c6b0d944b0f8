// The link-state service (DESIGN §3 Mesh routing, §6 link-state row): origination under a
// persisted sequence, debounce and pacing, refresh, flooding, database sync, ageing,
// withdrawal and route recomputation, driven by fakes and node:test mock timers.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TestContext } from 'node:test'
import fc from 'fast-check'
import type { Clock } from '../../config/clock.ts'
import { createEventLog } from '../../observability/event-log.ts'
import type { EventLog } from '../../observability/event-log.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { CountingMetrics } from '../../observability/metrics.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { createMemorySequenceStore } from '../../store/index.ts'
import type { ChannelName } from '../../transport/channels.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import type { FrameSender } from '../../runtime/ports.ts'
import type { SequenceStore } from '../sequence-store.ts'
import { LSA_MAX_AGE_MS, LSA_MIN_INTERVAL_MS, LSA_REFRESH_MS, LSA_TRIGGER_DELAY_MS } from './constants.ts'
import { LINK_STATE_TICK_MS, LSA_SEQUENCE_NAME, LinkStateService } from './link-state-service.ts'
import type { Neighbour } from './link-state-service.ts'
import { openLsa, sealLsa } from './lsa.ts'
import type { Lsa, LsaNeighbour } from './lsa.ts'

const SEED = 20261126
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
/** Every timer of the service fires at a multiple of this (delays are multiples of the clock's steps). */
const STEP_MS = 10

const SELF = generateKeyPairIdentity()
const BOB = generateKeyPairIdentity()
const CAROL = generateKeyPairIdentity()
const DAVE = generateKeyPairIdentity()
const ERIN = generateKeyPairIdentity()

interface SentFrame {
  peerId: string
  channel: ChannelName
  bytes: Uint8Array
}

interface Harness {
  readonly service: LinkStateService
  readonly clock: Clock & { ms: number }
  readonly sent: SentFrame[]
  /** Calls to the sequence store and to the sender, in the order they happened. */
  readonly calls: string[]
  /** The neighbours `neighbours()` returns; tests edit it. */
  readonly neighbours: Neighbour[]
  readonly trust: Map<string, TrustState>
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly sequences: SequenceStore
}

function peerIdOf (identity: KeyPairIdentity): string {
  return `peer-${identity.fingerprint.slice(0, 8)}`
}

function linkOf (identity: KeyPairIdentity): LinkInfo {
  return { peerId: peerIdOf(identity), publicKeyRaw: identity.publicKeyRaw, fingerprint: identity.fingerprint, direction: 'outbound', remoteAddr: `/memory/${peerIdOf(identity)}` }
}

function neighbourOf (identity: KeyPairIdentity, rttMs: number | undefined = 10): Neighbour {
  return { link: linkOf(identity), rttMs }
}

/** A service for SELF with fake sender, neighbours, clock and a sequence store that logs its calls. */
function harnessOf (options: { neighbours?: Neighbour[], sequences?: SequenceStore, init?: ConstructorParameters<typeof LinkStateService>[1] } = {}): Harness {
  const clock = { ms: 0, now: () => NOW + clock.ms, monotonic: () => clock.ms }
  const sent: SentFrame[] = []
  const calls: string[] = []
  const neighbours = options.neighbours ?? [neighbourOf(BOB)]
  const trust = new Map<string, TrustState>()
  const store = options.sequences ?? createMemorySequenceStore()
  const sequences: SequenceStore = {
    current: (name) => store.current(name),
    next: (name, atLeast) => {
      const value = store.next(name, atLeast)
      calls.push(`persist ${value}`)
      return value
    }
  }
  const sender: FrameSender = {
    localPeerId: peerIdOf(SELF),
    send: (peerId, channel, bytes) => {
      calls.push(`send ${peerId}`)
      sent.push({ peerId, channel, bytes })
      return Promise.resolve()
    },
    close: () => Promise.resolve()
  }
  const events = createEventLog({ node: SELF.fingerprint, clock, logger: SILENT_LOGGER })
  const metrics = createCountingMetrics()
  const service = new LinkStateService({
    identity: SELF, agentId: 'self', sender, sequences,
    trustOf: (fingerprint) => trust.get(fingerprint) ?? 'probing',
    neighbours: () => neighbours,
    addresses: () => ['/memory/self'],
    clock, events, logger: SILENT_LOGGER, metrics
  }, options.init)
  return { service, clock, sent, calls, neighbours, trust, events, metrics, sequences: store }
}

/** Advances the fake clock and the mock timers together, in steps, so each timer sees its own time. */
function advance (t: TestContext, harness: Harness, ms: number): void {
  for (let elapsed = 0; elapsed < ms; elapsed += STEP_MS) {
    const step = Math.min(STEP_MS, ms - elapsed)
    harness.clock.ms += step
    t.mock.timers.tick(step)
  }
}

function enableTimers (t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval'] })
}

/** Every LSA sent, opened (so its signature is checked), with where it went. */
function lsasSent (harness: Harness, from = 0): Array<{ peerId: string, lsa: Lsa }> {
  return harness.sent.slice(from).map(({ peerId, channel, bytes }) => {
    assert.equal(channel, 'control')
    return { peerId, lsa: openLsa(parseJson(bytes) as object, { nowMs: harness.clock.now() }) }
  })
}

/** The sequence numbers of our own LSAs sent since `from`, one per origination. */
function ownSeqs (harness: Harness, from = 0): number[] {
  return [...new Set(lsasSent(harness, from).filter(({ lsa }) => lsa.origin === SELF.fingerprint).map(({ lsa }) => lsa.seq))]
}

function lsaOf (identity: KeyPairIdentity, harness: Harness, init: { seq?: number, neighbours?: LsaNeighbour[], addresses?: string[], withdrawn?: boolean } = {}): Lsa {
  return sealLsa(identity, {
    agentId: `agent-${identity.fingerprint.slice(0, 4)}`,
    seq: init.seq ?? 1,
    nowMs: harness.clock.now(),
    addresses: init.addresses ?? [],
    neighbours: init.neighbours ?? [],
    withdrawn: init.withdrawn ?? false
  })
}

function routeEvents (harness: Harness): Array<{ peer: string | null, reason: unknown }> {
  return harness.events.since().filter((event) => event.event_type === 'route_changed').map((event) => ({ peer: event.peer, reason: event.payload.reason }))
}

describe('LinkStateService origination', () => {
  it('LinkStateService.start() originates seq 1, persisted before any frame is sent', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB, 12.3456), { link: linkOf(CAROL), rttMs: undefined }] })
    harness.service.start()
    assert.deepEqual(harness.calls, ['persist 1', `send ${peerIdOf(BOB)}`, `send ${peerIdOf(CAROL)}`])
    assert.equal(harness.sequences.current(LSA_SEQUENCE_NAME), 1)
    const sent = lsasSent(harness)
    assert.deepEqual(sent.map(({ peerId }) => peerId), [peerIdOf(BOB), peerIdOf(CAROL)])
    const lsa = sent[0]!.lsa
    assert.equal(lsa.seq, 1)
    assert.equal(lsa.origin, SELF.fingerprint)
    assert.equal(lsa.withdrawn, false)
    assert.deepEqual(lsa.addresses, ['/memory/self'])
    assert.deepEqual(lsa.neighbours, [
      { fingerprint: BOB.fingerprint, rtt_ms: 12.346, trust: 'probing' },
      { fingerprint: CAROL.fingerprint, rtt_ms: 0, trust: 'probing' }
    ])
    assert.deepEqual(harness.service.lsas().map((held) => held.seq), [1], 'its own LSA is in the database')
    assert.ok(harness.service.isKnown(SELF.fingerprint))
  })

  it('LinkStateService.start() continues past the old sequence when restarted with the same sequence store', async (t) => {
    enableTimers(t)
    const store = createMemorySequenceStore()
    const first = harnessOf({ sequences: store })
    first.service.start()
    first.service.trigger()
    advance(t, first, 1000)
    await first.service.stop()
    const used = lsasSent(first).map(({ lsa }) => lsa.seq)
    assert.deepEqual([...new Set(used)], [1, 2, 3], 'start, one trigger, the withdrawal')
    const second = harnessOf({ sequences: store })
    second.service.start()
    assert.deepEqual(ownSeqs(second), [4])
    assert.ok(Math.min(...ownSeqs(second)) > Math.max(...used))
    await second.service.stop()
  })

  it('LinkStateService.trigger() sends one LSA for several changes within the trigger delay', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    advance(t, harness, 2000)
    const before = harness.sent.length
    for (let i = 0; i < 4; i++) {
      harness.service.trigger()
      advance(t, harness, 50)
    }
    // The first trigger was 200 ms ago: its timer fires now, and the three later ones joined it.
    assert.deepEqual(ownSeqs(harness, before), [2])
    advance(t, harness, 3000)
    assert.deepEqual(ownSeqs(harness, before), [2], 'nothing more without a change')
  })

  it('LinkStateService.trigger() waits the trigger delay, and sends at most one LSA per min interval', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    advance(t, harness, 5000)
    let mark = harness.sent.length
    harness.service.trigger()
    advance(t, harness, LSA_TRIGGER_DELAY_MS - STEP_MS)
    assert.deepEqual(ownSeqs(harness, mark), [], 'not before the trigger delay')
    advance(t, harness, STEP_MS)
    assert.deepEqual(ownSeqs(harness, mark), [2])
    // Right after an origination, a new trigger waits for the min interval, not just the delay.
    mark = harness.sent.length
    advance(t, harness, STEP_MS)
    harness.service.trigger()
    advance(t, harness, LSA_MIN_INTERVAL_MS - 2 * STEP_MS)
    assert.deepEqual(ownSeqs(harness, mark), [], 'not within a second of the last one')
    advance(t, harness, STEP_MS)
    assert.deepEqual(ownSeqs(harness, mark), [3])
  })

  it('LinkStateService.trigger() keeps originations at least min interval apart and strictly increasing (property)', (t) => {
    const delays = fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 1, maxLength: 25 })
    fc.assert(fc.property(delays, (gaps) => {
      t.mock.timers.reset()
      enableTimers(t)
      const harness = harnessOf()
      const originatedAt: number[] = []
      const seqs: number[] = []
      let counted = 0
      const count = (): void => {
        for (const seq of ownSeqs(harness, counted)) {
          if (!seqs.includes(seq)) {
            seqs.push(seq)
            originatedAt.push(harness.clock.ms)
          }
        }
        counted = harness.sent.length
      }
      harness.service.start()
      count()
      for (const gap of gaps) {
        harness.service.trigger()
        for (let i = 0; i < gap; i++) {
          advance(t, harness, STEP_MS)
          count()
        }
      }
      for (let i = 0; i < 150; i++) {
        advance(t, harness, STEP_MS)
        count()
      }
      for (let i = 1; i < seqs.length; i++) {
        assert.ok(seqs[i]! > seqs[i - 1]!, `sequence numbers increase: ${seqs.join(',')}`)
        assert.ok(originatedAt[i]! - originatedAt[i - 1]! >= LSA_MIN_INTERVAL_MS, `at ${originatedAt.join(',')}`)
      }
      // Every trigger is answered: the last origination comes after the last trigger.
      assert.ok(seqs.length >= 2)
    }), { seed: SEED, numRuns: 20 })
  })

  it('LinkStateService.trigger() pending when the refresh goes out sends nothing within the min interval after it', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    advance(t, harness, LSA_REFRESH_MS - 100)
    harness.service.trigger()
    advance(t, harness, 100)
    assert.deepEqual(ownSeqs(harness), [1, 2], 'the refresh went out')
    const refreshedAt = harness.clock.ms
    const mark = harness.sent.length
    advance(t, harness, LSA_MIN_INTERVAL_MS - STEP_MS)
    assert.deepEqual(ownSeqs(harness, mark), [], `no second LSA within ${LSA_MIN_INTERVAL_MS} ms of the refresh at ${refreshedAt} ms`)
  })

  it('LinkStateService refreshes its LSA every refresh period when nothing changes', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    advance(t, harness, LSA_REFRESH_MS - STEP_MS)
    assert.deepEqual(ownSeqs(harness), [1])
    advance(t, harness, STEP_MS)
    assert.deepEqual(ownSeqs(harness), [1, 2])
    advance(t, harness, LSA_REFRESH_MS)
    assert.deepEqual(ownSeqs(harness), [1, 2, 3])
  })

  it('LinkStateService re-originates on a significant RTT change (≥ 20 % and ≥ 5 ms) and not on a smaller one', (t) => {
    enableTimers(t)
    const bob = neighbourOf(BOB, 50)
    const harness = harnessOf({ neighbours: [bob] })
    harness.service.start()
    bob.rttMs = 54 // 8 % and 4 ms: waits for the refresh
    advance(t, harness, 5 * LINK_STATE_TICK_MS)
    assert.deepEqual(ownSeqs(harness), [1])
    bob.rttMs = 58 // 16 % and 8 ms: still not enough
    advance(t, harness, 5 * LINK_STATE_TICK_MS)
    assert.deepEqual(ownSeqs(harness), [1])
    bob.rttMs = 60 // 20 % and 10 ms
    advance(t, harness, LINK_STATE_TICK_MS + LSA_TRIGGER_DELAY_MS)
    assert.deepEqual(ownSeqs(harness), [1, 2])
    assert.equal(lsasSent(harness).at(-1)?.lsa.neighbours[0]?.rtt_ms, 60)
    // Measured against what was advertised last (60), not the first value.
    bob.rttMs = 63
    advance(t, harness, 5 * LINK_STATE_TICK_MS)
    assert.deepEqual(ownSeqs(harness), [1, 2])
  })

  it('LinkStateService.stop() withdraws with a higher sequence number to every neighbour and stops its timers', async (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL)] })
    harness.service.start()
    const mark = harness.sent.length
    await harness.service.stop()
    const withdrawals = lsasSent(harness, mark)
    assert.deepEqual(withdrawals.map(({ peerId }) => peerId), [peerIdOf(BOB), peerIdOf(CAROL)])
    for (const { lsa } of withdrawals) {
      assert.equal(lsa.withdrawn, true)
      assert.equal(lsa.seq, 2)
      assert.deepEqual(lsa.neighbours, [])
    }
    assert.equal(harness.sequences.current(LSA_SEQUENCE_NAME), 2)
    const after = harness.sent.length
    harness.service.trigger()
    advance(t, harness, 2 * LSA_REFRESH_MS)
    assert.equal(harness.sent.length, after, 'nothing is sent after stop()')
    await harness.service.stop()
    assert.equal(harness.sent.length, after, 'stop() is idempotent')
  })
})

describe('LinkStateService.onLsa()', () => {
  it('LinkStateService.onLsa() floods a new LSA to every neighbour except the one it came from, and a duplicate to none', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL), neighbourOf(DAVE)] })
    harness.service.start()
    const erin = lsaOf(ERIN, harness, { seq: 3 })
    let mark = harness.sent.length
    harness.service.onLsa(linkOf(BOB), erin)
    assert.deepEqual(lsasSent(harness, mark).map(({ peerId, lsa }) => [peerId, lsa.origin, lsa.seq]), [
      [peerIdOf(CAROL), ERIN.fingerprint, 3],
      [peerIdOf(DAVE), ERIN.fingerprint, 3]
    ])
    assert.ok(harness.service.isKnown(ERIN.fingerprint))
    mark = harness.sent.length
    harness.service.onLsa(linkOf(CAROL), structuredClone(erin))
    assert.equal(harness.sent.length, mark, 'a duplicate is not flooded')
    // A newer one is flooded again, now except to CAROL.
    harness.service.onLsa(linkOf(CAROL), lsaOf(ERIN, harness, { seq: 4 }))
    assert.deepEqual(lsasSent(harness, mark).map(({ peerId }) => peerId), [peerIdOf(BOB), peerIdOf(DAVE)])
  })

  it('LinkStateService.onLsa() refuses a stale LSA as a typed ReplayError (envelope_rejected), counts it and floods nothing', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL)] })
    harness.service.start()
    harness.service.onLsa(linkOf(BOB), lsaOf(ERIN, harness, { seq: 5 }))
    const mark = harness.sent.length
    harness.service.onLsa(linkOf(CAROL), lsaOf(ERIN, harness, { seq: 4 }))
    assert.equal(harness.sent.length, mark)
    assert.equal(harness.metrics.value('web4_mesh_lsa_refused_total', { reason: 'stale' }), 1)
    const rejected = harness.events.since().filter((event) => event.event_type === 'envelope_rejected')
    assert.deepEqual(rejected.map(({ peer, payload }) => [peer, payload.error, payload.reason, payload.origin, payload.seq]), [
      [CAROL.fingerprint, 'ReplayError', 'lsa_stale', ERIN.fingerprint, 4]
    ])
    assert.deepEqual(harness.service.lsas().find((lsa) => lsa.origin === ERIN.fingerprint)?.seq, 5)
  })

  it('LinkStateService.onLsa() emits envelope_rejected with reason lsa_conflict for two LSAs with one sequence number', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL)] })
    harness.service.start()
    const first = lsaOf(ERIN, harness, { seq: 5, addresses: ['/memory/erin'] })
    harness.service.onLsa(linkOf(BOB), first)
    const mark = harness.sent.length
    harness.service.onLsa(linkOf(CAROL), lsaOf(ERIN, harness, { seq: 5, addresses: ['/memory/elsewhere'] }))
    assert.equal(harness.sent.length, mark, 'a conflicting LSA is not flooded')
    assert.equal(harness.metrics.value('web4_mesh_lsa_refused_total', { reason: 'conflict' }), 1)
    const rejected = harness.events.since().filter((event) => event.event_type === 'envelope_rejected')
    assert.deepEqual(rejected.map(({ peer, payload }) => [peer, payload.reason, payload.origin, payload.seq]), [
      [CAROL.fingerprint, 'lsa_conflict', ERIN.fingerprint, 5]
    ], 'reported against the link that delivered it')
    assert.deepEqual(harness.service.lsas().find((lsa) => lsa.origin === ERIN.fingerprint)?.addresses, ['/memory/erin'], 'the first one is kept')
  })

  it('LinkStateService.onLsa() refuses a forged LSA with a typed error and keeps nothing', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    const genuine = lsaOf(ERIN, harness, { seq: 5 })
    const mark = harness.sent.length
    assert.throws(() => { harness.service.onLsa(linkOf(BOB), { ...genuine, seq: 6 }) }, { name: 'SignatureMismatchError' })
    assert.throws(() => { harness.service.onLsa(linkOf(BOB), { lsa: '1.0' }) }, { name: 'InvalidEnvelopeError' })
    assert.equal(harness.sent.length, mark)
    assert.equal(harness.service.isKnown(ERIN.fingerprint), false)
  })

  it('LinkStateService.onLsa() jumps past our own LSA echoed back with a higher sequence number, and ignores a lower one', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL)] })
    harness.service.start()
    let mark = harness.sent.length
    harness.service.onLsa(linkOf(BOB), lsaOf(SELF, harness, { seq: 1 }))
    assert.equal(harness.sent.length, mark, 'an echo of the current one changes nothing')
    // An LSA of ours from before a lost database, still circulating.
    harness.service.onLsa(linkOf(BOB), lsaOf(SELF, harness, { seq: 41 }))
    const jumped = lsasSent(harness, mark)
    assert.deepEqual(jumped.map(({ peerId, lsa }) => [peerId, lsa.seq]), [[peerIdOf(BOB), 42], [peerIdOf(CAROL), 42]], 'sent at once, to every neighbour')
    assert.equal(harness.sequences.current(LSA_SEQUENCE_NAME), 42)
    assert.deepEqual(harness.service.lsas().filter((lsa) => lsa.origin === SELF.fingerprint).map((lsa) => lsa.seq), [42])
    mark = harness.sent.length
    harness.service.onLsa(linkOf(BOB), lsaOf(SELF, harness, { seq: 30 }))
    assert.equal(harness.sent.length, mark)
  })
})

describe('LinkStateService routes and database', () => {
  /** BOB's LSA naming SELF (so the SELF–BOB link is advertised by both ends) and ERIN behind it. */
  function bobLsa (harness: Harness, seq = 1): Lsa {
    return lsaOf(BOB, harness, { seq, neighbours: [{ fingerprint: SELF.fingerprint, rtt_ms: 10, trust: 'probing' }, { fingerprint: ERIN.fingerprint, rtt_ms: 5, trust: 'probing' }] })
  }

  function erinLsa (harness: Harness, seq = 1): Lsa {
    return lsaOf(ERIN, harness, { seq, neighbours: [{ fingerprint: BOB.fingerprint, rtt_ms: 5, trust: 'probing' }] })
  }

  it('LinkStateService.onLsa() recomputes routes and emits route_changed for each new destination', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    const changes: number[] = []
    harness.service.onChange(() => { changes.push(harness.service.routes().length) })
    harness.service.onLsa(linkOf(BOB), bobLsa(harness))
    assert.equal(harness.service.nextHop(BOB.fingerprint), BOB.fingerprint)
    assert.equal(harness.service.nextHop(ERIN.fingerprint), undefined, 'ERIN does not confirm the link yet')
    harness.service.onLsa(linkOf(BOB), erinLsa(harness))
    assert.equal(harness.service.nextHop(ERIN.fingerprint), BOB.fingerprint)
    const route = harness.service.routes().find((candidate) => candidate.destination === ERIN.fingerprint)
    assert.deepEqual([route?.path, route?.cost], [[BOB.fingerprint, ERIN.fingerprint], 15])
    assert.deepEqual(routeEvents(harness), [{ peer: BOB.fingerprint, reason: 'new' }, { peer: ERIN.fingerprint, reason: 'new' }])
    assert.equal(harness.metrics.value('web4_mesh_route_changes_total'), 2)
    assert.deepEqual(changes, [1, 2], 'listeners hear every recomputation')
  })

  it('LinkStateService.onLsa() recomputes once for a burst of LSAs in one turn; a read of the routes in between sees them', async (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    const changes: number[] = []
    harness.service.onChange(() => { changes.push(harness.service.routes().length) })
    harness.service.onLsa(linkOf(BOB), bobLsa(harness))
    harness.service.onLsa(linkOf(BOB), erinLsa(harness))
    assert.deepEqual(changes, [], 'nothing recomputed inside the burst')
    await Promise.resolve()
    assert.deepEqual(changes, [2], 'one recomputation for both')
    harness.service.onLsa(linkOf(BOB), erinLsa(harness, 2))
    assert.equal(harness.service.nextHop(ERIN.fingerprint), BOB.fingerprint, 'a read recomputes first')
  })

  it('LinkStateService.onLsa() takes an exact copy of the stored LSA without checking it again', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL)] })
    harness.service.start()
    const erin = erinLsa(harness)
    harness.service.onLsa(linkOf(BOB), erin)
    harness.clock.ms += LSA_MAX_AGE_MS + 10 * 60_000
    harness.service.onLsa(linkOf(CAROL), structuredClone(erin))
    assert.throws(() => { harness.service.onLsa(linkOf(CAROL), { ...structuredClone(erin), addresses: ['/memory/elsewhere'] }) }, { name: 'TimestampError' }, 'anything else is checked in full')
  })

  it('LinkStateService ages out an origin not refreshed for the max age and recomputes routes', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    harness.service.onLsa(linkOf(BOB), bobLsa(harness))
    harness.service.onLsa(linkOf(BOB), erinLsa(harness))
    advance(t, harness, LSA_MAX_AGE_MS - 1000)
    // BOB refreshes; ERIN does not.
    harness.service.onLsa(linkOf(BOB), bobLsa(harness, 2))
    advance(t, harness, 1000)
    assert.ok(harness.service.isKnown(ERIN.fingerprint), 'still there at exactly the max age')
    advance(t, harness, LINK_STATE_TICK_MS)
    assert.equal(harness.service.isKnown(ERIN.fingerprint), false)
    assert.ok(harness.service.isKnown(BOB.fingerprint))
    assert.equal(harness.service.nextHop(ERIN.fingerprint), undefined)
    assert.equal(harness.service.nextHop(BOB.fingerprint), BOB.fingerprint)
    assert.deepEqual(routeEvents(harness).at(-1), { peer: ERIN.fingerprint, reason: 'unreachable' })
    assert.ok(harness.service.isKnown(SELF.fingerprint), 'our own LSA is refreshed, never aged out')
  })

  it('LinkStateService.onNeighbourChange() sends the whole database to a new neighbour, then re-originates', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    harness.service.onLsa(linkOf(BOB), bobLsa(harness))
    harness.service.onLsa(linkOf(BOB), erinLsa(harness))
    advance(t, harness, 5000)
    harness.neighbours.push(neighbourOf(CAROL))
    let mark = harness.sent.length
    harness.service.onNeighbourChange(linkOf(CAROL), true)
    const synced = lsasSent(harness, mark)
    assert.ok(synced.every(({ peerId }) => peerId === peerIdOf(CAROL)))
    assert.deepEqual(synced.map(({ lsa }) => lsa.origin).sort(), [SELF.fingerprint, BOB.fingerprint, ERIN.fingerprint].sort())
    mark = harness.sent.length
    advance(t, harness, LSA_TRIGGER_DELAY_MS)
    const reoriginated = lsasSent(harness, mark)
    assert.deepEqual(reoriginated.map(({ peerId }) => peerId), [peerIdOf(BOB), peerIdOf(CAROL)])
    assert.deepEqual(reoriginated[0]?.lsa.neighbours.map((neighbour) => neighbour.fingerprint), [BOB.fingerprint, CAROL.fingerprint])
  })

  it('LinkStateService.onNeighbourChange() re-originates without the lost neighbour and the routes through it go', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    harness.service.onLsa(linkOf(BOB), bobLsa(harness))
    harness.service.onLsa(linkOf(BOB), erinLsa(harness))
    advance(t, harness, 5000)
    harness.neighbours.splice(0)
    harness.service.onNeighbourChange(linkOf(BOB), false)
    advance(t, harness, LSA_TRIGGER_DELAY_MS)
    assert.deepEqual(harness.service.lsas().find((lsa) => lsa.origin === SELF.fingerprint)?.neighbours, [])
    assert.equal(harness.service.nextHop(BOB.fingerprint), undefined)
    assert.equal(harness.service.nextHop(ERIN.fingerprint), undefined)
  })

  it('LinkStateService.onNeighbourChange() moves the routes through a lost neighbour at once, before its paced re-origination', (t) => {
    enableTimers(t)
    const harness = harnessOf({ neighbours: [neighbourOf(BOB), neighbourOf(CAROL, 50)] })
    harness.service.start()
    const toErin = (rttMs: number): LsaNeighbour => ({ fingerprint: ERIN.fingerprint, rtt_ms: rttMs, trust: 'probing' })
    const toSelf: LsaNeighbour = { fingerprint: SELF.fingerprint, rtt_ms: 10, trust: 'probing' }
    harness.service.onLsa(linkOf(BOB), lsaOf(BOB, harness, { neighbours: [toSelf, toErin(5)] }))
    harness.service.onLsa(linkOf(CAROL), lsaOf(CAROL, harness, { neighbours: [{ ...toSelf, rtt_ms: 50 }, toErin(50)] }))
    harness.service.onLsa(linkOf(BOB), lsaOf(ERIN, harness, { neighbours: [{ fingerprint: BOB.fingerprint, rtt_ms: 5, trust: 'probing' }, { fingerprint: CAROL.fingerprint, rtt_ms: 50, trust: 'probing' }] }))
    assert.equal(harness.service.nextHop(ERIN.fingerprint), BOB.fingerprint)
    // Our last origination was just now: the next one is paced to the min interval.
    const seqs = ownSeqs(harness)
    harness.neighbours.splice(0, 1)
    harness.service.onNeighbourChange(linkOf(BOB), false)
    assert.deepEqual(ownSeqs(harness), seqs, 'no LSA yet: the re-origination is paced')
    assert.equal(harness.service.nextHop(ERIN.fingerprint), CAROL.fingerprint, 'ERIN is reached through CAROL at once')
    assert.equal(harness.service.nextHop(BOB.fingerprint), CAROL.fingerprint, 'and so is BOB, over ERIN')
    assert.deepEqual(routeEvents(harness).slice(-2).map((event) => event.reason), ['failover', 'failover'])
    advance(t, harness, LSA_MIN_INTERVAL_MS)
    assert.deepEqual(harness.service.lsas().find((lsa) => lsa.origin === SELF.fingerprint)?.neighbours.map((neighbour) => neighbour.fingerprint), [CAROL.fingerprint])
    assert.equal(harness.service.nextHop(ERIN.fingerprint), CAROL.fingerprint)
  })

  it('LinkStateService routes around a node this node has blacklisted', (t) => {
    enableTimers(t)
    const harness = harnessOf()
    harness.service.start()
    harness.service.onLsa(linkOf(BOB), bobLsa(harness))
    harness.service.onLsa(linkOf(BOB), erinLsa(harness))
    assert.equal(harness.service.nextHop(ERIN.fingerprint), BOB.fingerprint)
    harness.trust.set(ERIN.fingerprint, 'blacklisted')
    harness.service.onLsa(linkOf(BOB), bobLsa(harness, 2))
    assert.equal(harness.service.nextHop(ERIN.fingerprint), undefined)
    assert.ok(harness.service.isKnown(ERIN.fingerprint), 'still known, just not routed to')
  })
})
