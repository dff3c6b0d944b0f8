import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Clock } from '../../config/clock.ts'
import { createEventLog } from '../../observability/event-log.ts'
import type { EventLog } from '../../observability/event-log.ts'
import { SILENT_LOGGER } from '../../observability/logger.ts'
import { createCountingMetrics } from '../../observability/metrics.ts'
import type { CountingMetrics } from '../../observability/metrics.ts'
import { AUTOMATIC_DEMOTION_EVENTS, UNTRUSTED_COOLDOWN_MS } from '../../protocol/trust/index.ts'
import type { TrustEvent } from '../../protocol/trust/index.ts'
import { createMemoryPeerStore } from '../../store/index.ts'
import type { RttSummary } from '../../transport/rtt-summary.ts'
import type { LinkedPeer } from '../../runtime/ports.ts'
import { createPeerRegistry } from './index.ts'
import type { PeerRegistry, PeerRegistryInit, PeerStore } from './index.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const NODE = 'f0'.repeat(32)
const ALICE = 'a1'.repeat(32)
const BOB = 'b2'.repeat(32)
const ROOT = 'c3'.repeat(32)
const PUBKEY = Buffer.alloc(32, 5).toString('base64')

interface Harness {
  registry: PeerRegistry
  store: PeerStore
  clock: Clock & { nowMs: number }
  events: EventLog
  metrics: CountingMetrics
}

/** A registry over `store` (a fresh memory store by default) with a fake clock, an event log and counting metrics. */
function harnessOf (init: PeerRegistryInit = {}, store: PeerStore = createMemoryPeerStore(), nowMs = NOW): Harness {
  const clock = { nowMs, now: () => clock.nowMs, monotonic: () => clock.nowMs }
  const events = createEventLog({ node: NODE, clock, logger: SILENT_LOGGER })
  const metrics = createCountingMetrics()
  const registry = createPeerRegistry({ store, clock, events, logger: SILENT_LOGGER, metrics }, init)
  return { registry, store, clock, events, metrics }
}

function linkedPeer (fingerprint: string, overrides: Partial<LinkedPeer> = {}): LinkedPeer {
  return { fingerprint, agentId: 'alice', pubkey: PUBKEY, peerId: '12D3KooWAlice', address: '/ip4/10.0.0.1/tcp/4701', capabilities: ['cip', 'mesh'], ...overrides }
}

const RTT: RttSummary = { smoothedMs: 12.5, minMs: 10, p50Ms: 12, p95Ms: 20, lastMs: 13, samples: 9 }

describe('PeerRegistry.applyTrust()', () => {
  it('PeerRegistry.applyTrust() persists the transition with its reason and causes before the trust_transition event', () => {
    const calls: string[] = []
    const inner = createMemoryPeerStore()
    const spy: PeerStore = {
      loadPeers: () => inner.loadPeers(),
      savePeer: (row) => {
        calls.push(`savePeer ${row.trust}`)
        inner.savePeer(row)
      },
      recordTransition: (record, row) => {
        calls.push(`recordTransition ${record.from}->${record.to}`)
        assert.equal(row.trust, record.to, 'the row saved with the record carries the new state')
        inner.recordTransition(record, row)
      },
      listTransitions: (options) => inner.listTransitions(options)
    }
    const h = harnessOf({}, spy)
    h.events.subscribe((event) => {
      if (event.event_type === 'trust_transition') {
        calls.push(`event ${String(event.payload.from)}->${String(event.payload.to)}`)
        // By the time anyone hears of it, the store has it.
        assert.equal(inner.listTransitions({ peer: ALICE }).at(-1)?.to, event.payload.to)
        assert.equal(h.registry.trustOf(ALICE), event.payload.to)
      }
    })
    const result = h.registry.applyTrust(ALICE, 'handshake_valid', { reason: 'valid CIP handshake', causeMsgIds: ['m-1', 'm-2'] })
    assert.deepEqual(result, { from: 'unknown', to: 'probing', event: 'handshake_valid', reason: 'valid CIP handshake', ignored: false })
    const recordAt = calls.indexOf('recordTransition unknown->probing')
    const eventAt = calls.indexOf('event unknown->probing')
    assert.ok(recordAt !== -1 && eventAt > recordAt, calls.join(', '))
    assert.deepEqual(inner.listTransitions(), [{ peer: ALICE, from: 'unknown', to: 'probing', event: 'handshake_valid', reason: 'valid CIP handshake', causeMsgIds: ['m-1', 'm-2'], at: NOW }])
    const [event] = h.events.since().filter((entry) => entry.event_type === 'trust_transition')
    assert.deepEqual(event?.payload, { from: 'unknown', to: 'probing', event: 'handshake_valid', reason: 'valid CIP handshake', cause_msg_ids: ['m-1', 'm-2'] })
    assert.equal(event.peer, ALICE)
    assert.equal(h.metrics.value('web4_trust_transitions_total', { to: 'probing' }), 1)
  })

  it('PeerRegistry.applyTrust() logs the table\'s reason when the cause gives none', () => {
    const h = harnessOf()
    const result = h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] })
    assert.match(result.reason, /first valid handshake/)
    assert.equal(h.registry.transitions()[0]?.reason, result.reason)
  })

  it('PeerRegistry.applyTrust() records nothing and emits nothing for an ignored event', () => {
    const h = harnessOf()
    h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] })
    const result = h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: ['m-3'] })
    assert.equal(result.ignored, true)
    assert.equal(h.registry.transitions().length, 1)
    assert.equal(h.events.since().filter((event) => event.event_type === 'trust_transition').length, 1)
  })

  it('PeerRegistry.applyTrust() keeps an untrusted peer out until the cooldown has passed on the clock', () => {
    const h = harnessOf()
    h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] })
    h.registry.applyTrust(ALICE, 'conflict', { causeMsgIds: ['m-9'] })
    assert.equal(h.registry.get(ALICE)?.untrustedSinceMs, NOW)
    h.clock.nowMs = NOW + UNTRUSTED_COOLDOWN_MS - 1
    const early = h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] })
    assert.equal(early.ignored, true)
    assert.match(early.reason, /cooldown/)
    assert.equal(h.registry.trustOf(ALICE), 'untrusted')
    h.clock.nowMs = NOW + UNTRUSTED_COOLDOWN_MS
    assert.equal(h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] }).to, 'probing')
  })

  it('PeerRegistry.applyTrust() uses the configured cooldown', () => {
    const h = harnessOf({ cooldownMs: 1000 })
    h.registry.applyTrust(ALICE, 'handshake_failed', { causeMsgIds: [] })
    h.clock.nowMs += 999
    assert.equal(h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] }).ignored, true)
    h.clock.nowMs += 1
    assert.equal(h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] }).to, 'probing')
  })

  it('PeerRegistry.trustOf() is "unknown" for a peer never seen', () => {
    const h = harnessOf()
    assert.equal(h.registry.trustOf(BOB), 'unknown')
    assert.equal(h.registry.get(BOB), undefined)
    assert.equal(h.registry.agentIdOf(BOB), undefined)
  })
})

describe('PeerRegistry pinned roots', () => {
  it('createPeerRegistry() makes pinned roots trusted at creation, with a logged reason', () => {
    const h = harnessOf({ trustedFingerprints: [ROOT] })
    const row = h.registry.get(ROOT)
    assert.equal(row?.trust, 'trusted')
    assert.equal(row.isPinned, true)
    const [record] = h.registry.transitions({ peer: ROOT })
    assert.equal(record?.from, 'unknown')
    assert.equal(record.to, 'trusted')
    assert.match(record.reason, /pinned root/)
    assert.ok(h.events.since().some((event) => event.event_type === 'trust_transition' && event.peer === ROOT))
  })

  it('PeerRegistry.applyTrust() never demotes a pinned root on an automatic event', () => {
    const h = harnessOf({ trustedFingerprints: [ROOT] })
    const before = h.registry.transitions().length
    for (const event of AUTOMATIC_DEMOTION_EVENTS) {
      const result = h.registry.applyTrust(ROOT, event, { causeMsgIds: ['m-1'] })
      assert.equal(result.ignored, true, event)
      assert.equal(h.registry.trustOf(ROOT), 'trusted', event)
    }
    assert.equal(h.registry.transitions().length, before)
  })

  it('PeerRegistry.applyTrust() blacklists a pinned root on cryptographic evidence, and a restart does not re-trust it', () => {
    const store = createMemoryPeerStore()
    const h = harnessOf({ trustedFingerprints: [ROOT] }, store)
    assert.equal(h.registry.applyTrust(ROOT, 'cryptographic_evidence', { reason: 'equivocation', causeMsgIds: ['m-1', 'm-2'] }).to, 'blacklisted')
    assert.equal(h.registry.trustOf(ROOT), 'blacklisted')
    const restarted = harnessOf({ trustedFingerprints: [ROOT] }, store)
    assert.equal(restarted.registry.trustOf(ROOT), 'blacklisted')
    assert.equal(restarted.registry.get(ROOT)?.isPinned, true)
  })

  it('PeerRegistry lets a human change a pinned root', () => {
    const h = harnessOf({ trustedFingerprints: [ROOT] })
    assert.equal(h.registry.applyTrust(ROOT, 'manual_set_probing', { causeMsgIds: [] }).to, 'probing')
  })

  it('createPeerRegistry() drops the pin of a root removed from the config, which then demotes like any peer', () => {
    const store = createMemoryPeerStore()
    harnessOf({ trustedFingerprints: [ROOT] }, store)
    const h = harnessOf({ trustedFingerprints: [] }, store)
    const row = h.registry.get(ROOT)
    assert.equal(row?.isPinned, false)
    assert.equal(row.trust, 'trusted', 'the earned state stays; only the shield goes')
    assert.equal(h.registry.applyTrust(ROOT, 'temporary_anomaly', { causeMsgIds: [] }).to, 'probing')
  })

  it('createPeerRegistry() pins a known peer added to the config, and trusts it', () => {
    const store = createMemoryPeerStore()
    const first = harnessOf({}, store)
    first.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: [] })
    const h = harnessOf({ trustedFingerprints: [ALICE] }, store)
    assert.equal(h.registry.get(ALICE)?.isPinned, true)
    assert.equal(h.registry.trustOf(ALICE), 'trusted')
  })
})

describe('PeerRegistry rows', () => {
  it('PeerRegistry.recordPeer() stores what a handshake established', () => {
    const h = harnessOf()
    h.registry.recordPeer(linkedPeer(ALICE), NOW + 5)
    const row = h.registry.get(ALICE)
    assert.deepEqual(row, {
      fingerprint: ALICE, agentId: 'alice', pubkey: PUBKEY, peerId: '12D3KooWAlice', addresses: ['/ip4/10.0.0.1/tcp/4701'], trust: 'unknown',
      isPinned: false, untrustedSinceMs: null, capabilities: ['cip', 'mesh'], firstSeenMs: NOW + 5, lastSeenMs: NOW + 5, rtt: null, presence: null, lri: null
    })
    assert.equal(h.registry.agentIdOf(ALICE), 'alice')
    assert.deepEqual(h.store.loadPeers(), [row])
  })

  it('PeerRegistry.recordPeer() keeps known fields a later handshake leaves empty and adds new addresses once', () => {
    const h = harnessOf()
    h.registry.recordPeer(linkedPeer(ALICE), NOW)
    h.registry.recordPeer(linkedPeer(ALICE, { agentId: '', peerId: null, address: null, capabilities: [] }), NOW + 1)
    h.registry.recordPeer(linkedPeer(ALICE, { address: '/ip4/10.0.0.2/tcp/4701' }), NOW + 2)
    h.registry.recordPeer(linkedPeer(ALICE, { address: '/ip4/10.0.0.2/tcp/4701' }), NOW + 3)
    const row = h.registry.get(ALICE)
    assert.equal(row?.agentId, 'alice')
    assert.equal(row.peerId, '12D3KooWAlice')
    assert.deepEqual(row.capabilities, ['cip', 'mesh'])
    assert.deepEqual(row.addresses, ['/ip4/10.0.0.1/tcp/4701', '/ip4/10.0.0.2/tcp/4701'])
    assert.equal(row.firstSeenMs, NOW)
    assert.equal(row.lastSeenMs, NOW + 3)
  })

  it('PeerRegistry.recordState(), recordRtt() and markSeen() update a known peer\'s row', () => {
    const h = harnessOf()
    h.registry.recordPeer(linkedPeer(ALICE), NOW)
    h.registry.recordState(ALICE, { presence: 'overloaded', lri: 87.5 }, NOW + 1)
    assert.equal(h.registry.get(ALICE)?.presence, 'overloaded')
    assert.equal(h.registry.get(ALICE)?.lri, 87.5)
    assert.equal(h.registry.get(ALICE)?.lastSeenMs, NOW + 1)
    h.registry.recordRtt(ALICE, RTT, NOW + 2)
    assert.deepEqual(h.registry.get(ALICE)?.rtt, RTT)
    assert.equal(h.registry.get(ALICE)?.lastSeenMs, NOW + 2)
    h.registry.markSeen(ALICE, NOW + 3)
    assert.notDeepEqual(h.store.loadPeers()[0], h.registry.get(ALICE), 'markSeen() is not written per frame')
    h.registry.flushSeen()
    assert.equal(h.registry.get(ALICE)?.lastSeenMs, NOW + 3)
    assert.deepEqual(h.store.loadPeers()[0], h.registry.get(ALICE))
  })

  it('PeerRegistry.recordState(), recordRtt() and markSeen() ignore a peer never seen', () => {
    const h = harnessOf()
    h.registry.recordState(BOB, { presence: 'focused', lri: 1 }, NOW)
    h.registry.recordRtt(BOB, RTT, NOW)
    h.registry.markSeen(BOB, NOW)
    assert.equal(h.registry.get(BOB), undefined)
    assert.deepEqual(h.store.loadPeers(), [])
  })

  it('createPeerRegistry() reloaded from the same store keeps peers, trust, cooldowns and the transition log (restart)', () => {
    const store = createMemoryPeerStore()
    const h = harnessOf({ trustedFingerprints: [ROOT] }, store)
    h.registry.recordPeer(linkedPeer(ALICE), NOW)
    h.registry.applyTrust(ALICE, 'handshake_valid', { causeMsgIds: ['m-1'] })
    h.registry.recordState(ALICE, { presence: 'engaged', lri: 40 }, NOW + 1)
    h.registry.recordRtt(ALICE, RTT, NOW + 2)
    h.registry.applyTrust(BOB, 'handshake_failed', { causeMsgIds: ['m-2'] })
    const rows = h.registry.list()
    const log = h.registry.transitions()

    const restarted = harnessOf({ trustedFingerprints: [ROOT] }, store, NOW + 10)
    assert.deepEqual(restarted.registry.list().sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)), rows.sort((a, b) => a.fingerprint.localeCompare(b.fingerprint)))
    assert.deepEqual(restarted.registry.transitions(), log, 'pinning an already-trusted root again logs nothing')
    assert.equal(restarted.registry.trustOf(ALICE), 'probing')
    // The cooldown survives the restart too.
    assert.equal(restarted.registry.applyTrust(BOB, 'handshake_valid', { causeMsgIds: [] }).ignored, true)
    assert.deepEqual(restarted.registry.transitions({ peer: ALICE, limit: 1 })[0]?.causeMsgIds, ['m-1'])
  })

  it('PeerRegistry.get() and list() return copies', () => {
    const h = harnessOf()
    h.registry.recordPeer(linkedPeer(ALICE), NOW)
    const row = h.registry.get(ALICE) as { trust: string, addresses: string[], capabilities: string[] }
    row.trust = 'trusted'
    row.addresses.push('/ip4/6.6.6.6/tcp/1')
    row.capabilities.length = 0
    const listed = h.registry.list()[0] as { agentId: string, addresses: string[] }
    listed.agentId = 'mallory'
    listed.addresses.length = 0
    const fresh = h.registry.get(ALICE)
    assert.equal(fresh?.trust, 'unknown')
    assert.equal(fresh.agentId, 'alice')
    assert.deepEqual(fresh.addresses, ['/ip4/10.0.0.1/tcp/4701'])
    assert.deepEqual(fresh.capabilities, ['cip', 'mesh'])
  })

  it('PeerRegistry.recordPeer() keeps its own copy of the capabilities it was given', () => {
    const h = harnessOf()
    const peer = linkedPeer(ALICE)
    h.registry.recordPeer(peer, NOW)
    peer.capabilities.push('root')
    assert.deepEqual(h.registry.get(ALICE)?.capabilities, ['cip', 'mesh'])
  })

  it('PeerRegistry.transitions() filters by peer and limits to the newest', () => {
    const h = harnessOf()
    const events: Array<[string, TrustEvent]> = [[ALICE, 'handshake_valid'], [BOB, 'handshake_valid'], [ALICE, 'conflict'], [ALICE, 'manual_set_probing']]
    for (const [peer, event] of events) h.registry.applyTrust(peer, event, { causeMsgIds: [] })
    assert.deepEqual(h.registry.transitions({ peer: ALICE }).map((record) => record.to), ['probing', 'untrusted', 'probing'])
    assert.deepEqual(h.registry.transitions({ limit: 2 }).map((record) => `${record.peer === ALICE ? 'A' : 'B'}:${record.to}`), ['A:untrusted', 'A:probing'])
  })
})
