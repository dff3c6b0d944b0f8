/**
 * A victim's intake without sockets, for checking the generators fast: the real
 * DirectIntake (with the real link-state service behind `lsa` records) and the real
 * MeshRouter, over a memory peer registry, counting metrics and an event log. `offer()`
 * hands it one input and says how it was refused — the error name of the
 * `envelope_rejected` event, `drop:<reason>` for the router, `lsa:<reason>` for a
 * refused sequence — and how many refusals were counted.
 */
import { LinkStateService } from '../../src/mesh/link-state/link-state-service.ts'
import { sealLsa } from '../../src/mesh/link-state/lsa.ts'
import { createPeerRegistry } from '../../src/mesh/peers/index.ts'
import type { PeerRegistry } from '../../src/mesh/peers/index.ts'
import { MeshRouter } from '../../src/mesh/router/mesh-router.ts'
import { createEventLog } from '../../src/observability/event-log.ts'
import { SILENT_LOGGER } from '../../src/observability/logger.ts'
import { createCountingMetrics } from '../../src/observability/metrics.ts'
import type { CountingMetrics } from '../../src/observability/metrics.ts'
import { BODY_TYPES, MESH_OWN_TYPES } from '../../src/protocol/envelope/types.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { createReplayCache } from '../../src/protocol/replay-cache.ts'
import { DirectIntake } from '../../src/runtime/intake/direct-intake.ts'
import type { FrameSender } from '../../src/runtime/ports.ts'
import { createMemoryPeerStore, createMemorySequenceStore } from '../../src/store/index.ts'
import type { ChannelName } from '../../src/transport/channels.ts'
import type { LinkInfo } from '../../src/transport/link-transport.ts'

/** How one input was refused, and what was counted. */
export interface Offered {
  /** An error name, `drop:<reason>`, `lsa:<reason>`, or `accepted`. */
  outcome: string
  /** Refusal counters that grew: bad input, mesh drops, refused LSA sequences. */
  counted: number
  /** Handlers that ran (must stay 0). */
  dispatched: number
}

/** The in-memory victim. */
export interface ModelVictim {
  readonly registry: PeerRegistry
  readonly metrics: CountingMetrics
  offer: (channel: ChannelName, bytes: Uint8Array) => Offered
}

const REFUSAL_COUNTERS = new Set(['web4_bad_input_total', 'web4_mesh_dropped_total'])

function refusalsOf (metrics: CountingMetrics): number {
  return metrics.series()
    .filter(([name, labels]) => REFUSAL_COUNTERS.has(name) || (name === 'web4_mesh_lsa_refused_total' && labels.reason !== 'too_frequent'))
    .reduce((sum, [, , value]) => sum + value, 0)
}

/**
 * A victim holding a handshaken link to `attacker` (whose LSA it holds at `heldSeq`) and
 * one to `third` (known and routable), with its clock at `nowMs`.
 */
export function createModelVictim (parts: { victim: KeyPairIdentity, attacker: KeyPairIdentity, third: KeyPairIdentity, heldSeq: number, nowMs: number }): ModelVictim {
  const clock = { now: () => parts.nowMs, monotonic: () => performance.now() }
  const metrics = createCountingMetrics()
  const events = createEventLog({ node: parts.victim.fingerprint, clock, logger: SILENT_LOGGER })
  const registry = createPeerRegistry({ store: createMemoryPeerStore(), clock, events, logger: SILENT_LOGGER, metrics })
  const sender: FrameSender = {
    localPeerId: 'victim',
    send: async () => { await Promise.resolve() },
    close: async () => { await Promise.resolve() }
  }
  const common = { clock, events, logger: SILENT_LOGGER, metrics }
  const linkOf = (identity: KeyPairIdentity, peerId: string): LinkInfo => ({ peerId, publicKeyRaw: identity.publicKeyRaw, fingerprint: identity.fingerprint, direction: 'inbound', remoteAddr: '/ip4/127.0.0.1/tcp/1' })
  const linkState = new LinkStateService({
    ...common, identity: parts.victim, agentId: 'victim', sender, sequences: createMemorySequenceStore(),
    trustOf: (fingerprint) => registry.trustOf(fingerprint), neighbours: () => [], addresses: () => []
  })
  for (const [identity, seq] of [[parts.attacker, parts.heldSeq], [parts.third, 1]] as const) {
    linkState.onLsa(linkOf(identity, 'setup'), sealLsa(identity, { agentId: 'peer', seq, nowMs: parts.nowMs, addresses: [], neighbours: [], withdrawn: false }))
  }
  let dispatched = 0
  const intake = new DirectIntake({
    ...common, peers: registry, replay: createReplayCache(), sender,
    handlers: new Map(BODY_TYPES.map((type) => [type, () => { dispatched++ }])),
    isHandshaken: () => true,
    records: new Map([['lsa', (link: LinkInfo, value: unknown) => { linkState.onLsa(link, value) }]])
  })
  const third = linkOf(parts.third, 'third')
  const router = new MeshRouter({
    ...common, author: { identity: parts.victim, agentId: 'victim' }, sender, replay: createReplayCache(),
    linkState: { nextHop: (fingerprint) => fingerprint === third.fingerprint ? fingerprint : undefined, isKnown: (fingerprint) => linkState.isKnown(fingerprint), lsas: () => linkState.lsas() },
    trustOf: (fingerprint) => registry.trustOf(fingerprint),
    links: () => [third]
  })
  for (const type of [...BODY_TYPES, ...MESH_OWN_TYPES]) router.handle(type, () => { dispatched++ })
  let offers = 0
  return {
    registry,
    metrics,
    offer (channel, bytes) {
      // A fresh peer id per input: each has a full rate budget, as paced traffic would.
      const link = linkOf(parts.attacker, `attacker-${offers++}`)
      const before = { refusals: refusalsOf(metrics), lastSeq: events.lastSeq, dispatched, lsa: lsaRefusals(metrics), drops: dropsOf(metrics) }
      if (channel === 'mesh') router.onMeshFrame(link, bytes)
      else intake.accept(link, channel, bytes)
      const counted = refusalsOf(metrics) - before.refusals
      return { outcome: outcomeOf(), counted, dispatched: dispatched - before.dispatched }

      function outcomeOf (): string {
        const drop = [...dropsOf(metrics)].find(([reason, value]) => value > (before.drops.get(reason) ?? 0))
        if (drop !== undefined) return `drop:${drop[0]}`
        const lsa = [...lsaRefusals(metrics)].find(([reason, value]) => value > (before.lsa.get(reason) ?? 0))
        if (lsa !== undefined) return `lsa:${lsa[0]}`
        const rejected = events.since(before.lastSeq).find((event) => event.event_type === 'envelope_rejected')
        return typeof rejected?.payload.error === 'string' ? rejected.payload.error : 'accepted'
      }
    }
  }
}

function countsOf (metrics: CountingMetrics, name: string): Map<string, number> {
  return new Map(metrics.series().filter(([series]) => series === name).map(([, labels, value]) => [labels.reason ?? '', value]))
}

function dropsOf (metrics: CountingMetrics): Map<string, number> {
  return countsOf(metrics, 'web4_mesh_dropped_total')
}

function lsaRefusals (metrics: CountingMetrics): Map<string, number> {
  const counts = countsOf(metrics, 'web4_mesh_lsa_refused_total')
  counts.delete('too_frequent')
  return counts
}
