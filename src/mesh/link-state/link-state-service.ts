/**
 * Link-state routing with I/O (DESIGN §3 "Mesh routing", §6): originates this node's
 * signed LSA — its handshaken neighbours with smoothed RTT and its trust view of each —
 * on change (debounced, at most once a second) and every refresh period, with a
 * sequence number persisted before it is sent; accepts verified LSAs only from
 * handshaken links, keeps the newest per origin, floods what is new to the other
 * neighbours, ages entries out, withdraws its own LSA at shutdown, and recomputes routes
 * (with hysteresis) whenever the database changes.
 */
import { isDeepStrictEqual } from 'node:util'
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { BackpressureError, InvalidEnvelopeError } from '../../protocol/errors.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import type { FrameSender } from '../../runtime/ports.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import type { SequenceStore } from '../sequence-store.ts'
import {
  LSA_MAX_AGE_MS, LSA_MIN_INTERVAL_MS, LSA_REFRESH_MS, LSA_TRIGGER_DELAY_MS, LSDB_MAX_ORIGINS
} from './constants.ts'
import { buildGraph } from './graph.ts'
import { isSignificantRttChange, openLsa, sealLsa } from './lsa.ts'
import type { Lsa, LsaNeighbour } from './lsa.ts'
import { LinkStateDatabase } from './lsdb.ts'
import { RouteTable } from './route-table.ts'
import { shortestPaths } from './shortest-path.ts'

/** The name of the LSA sequence in the sequence store. */
export const LSA_SEQUENCE_NAME = 'lsa'
/** How often the database is aged and RTT changes are looked for. */
export const LINK_STATE_TICK_MS = 1000

/** A handshaken direct neighbour as link state sees it. */
export interface Neighbour {
  link: LinkInfo
  /** Smoothed RTT in ms, if measured. */
  rttMs: number | undefined
}

export interface LinkStateServiceComponents {
  identity: KeyPairIdentity
  agentId: string
  sender: FrameSender
  sequences: SequenceStore
  /** This node's trust view of a fingerprint. */
  trustOf: (fingerprint: string) => TrustState
  /** The handshaken direct neighbours, with their RTT. */
  neighbours: () => Neighbour[]
  /** The addresses this node advertises. */
  addresses: () => string[]
  /** Told of every new LSA of another origin that this node accepted (the trust mesh reads introductions from it). */
  onAccepted?: (lsa: Lsa) => void
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
}

export interface LinkStateServiceInit {
  /** @default LSA_REFRESH_MS (30 s) */
  refreshMs?: number
  /** @default LSA_MAX_AGE_MS (105 s) */
  maxAgeMs?: number
  /** @default LSA_TRIGGER_DELAY_MS (200 ms) */
  triggerDelayMs?: number
  /** @default LSA_MIN_INTERVAL_MS (1 s) */
  minIntervalMs?: number
}

/** What the router and operators read of link state. */
export interface LinkStateView {
  /** The next hop toward `fingerprint`, or undefined. */
  nextHop: (fingerprint: string) => string | undefined
  /** True when `fingerprint` has a live LSA (SPEC §9 rule 5: known to this node). */
  isKnown: (fingerprint: string) => boolean
  /** Every live LSA, this node's own included. */
  lsas: () => Lsa[]
}

type ChangeListener = () => void

/** The service. */
export class LinkStateService implements LinkStateView {
  readonly #components: LinkStateServiceComponents
  readonly #config: Required<LinkStateServiceInit>
  readonly #log: Logger
  readonly #lsdb: LinkStateDatabase
  readonly #routes = new RouteTable()
  readonly #listeners = new Set<ChangeListener>()
  readonly #lastAcceptedAt = new Map<string, number>()
  #advertisedRtt = new Map<string, number>()
  #own: Lsa | undefined
  #lastOriginatedAt = Number.NEGATIVE_INFINITY
  #triggerTimer: NodeJS.Timeout | undefined
  #tickTimer: NodeJS.Timeout | undefined
  #isStopped = false
  /** LSAs changed the database since the routes were last computed. */
  #isDirty = false

  constructor (components: LinkStateServiceComponents, init: LinkStateServiceInit = {}) {
    this.#components = components
    this.#config = {
      refreshMs: init.refreshMs ?? LSA_REFRESH_MS,
      maxAgeMs: init.maxAgeMs ?? LSA_MAX_AGE_MS,
      triggerDelayMs: init.triggerDelayMs ?? LSA_TRIGGER_DELAY_MS,
      minIntervalMs: init.minIntervalMs ?? LSA_MIN_INTERVAL_MS
    }
    this.#lsdb = new LinkStateDatabase({ maxOrigins: LSDB_MAX_ORIGINS, maxAgeMs: this.#config.maxAgeMs })
    this.#log = components.logger.child({ component: 'mesh:link-state' })
  }

  /** Originates the first LSA and starts the refresh and ageing timer. */
  start (): void {
    this.#originate()
    this.#tickTimer = setInterval(() => { this.#tick() }, LINK_STATE_TICK_MS)
    this.#tickTimer.unref()
  }

  /** Withdraws this node's LSA from its neighbours (best effort) and stops every timer. */
  async stop (): Promise<void> {
    if (this.#isStopped) return
    this.#isStopped = true
    clearTimeout(this.#triggerTimer)
    clearInterval(this.#tickTimer)
    const withdrawal = canonicalBytes(this.#seal([], true))
    await Promise.allSettled(this.#components.neighbours().map(async ({ link }) => {
      await this.#components.sender.send(link.peerId, 'control', withdrawal)
    }))
  }

  /** Calls `listener` after every change of the database or the routes. */
  onChange (listener: ChangeListener): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  nextHop (fingerprint: string): string | undefined {
    this.#recomputeIfDirty()
    return this.#routes.nextHop(fingerprint)
  }

  isKnown (fingerprint: string): boolean {
    const lsa = this.#lsdb.get(fingerprint)
    return lsa !== undefined && !lsa.withdrawn
  }

  lsas (): Lsa[] {
    return this.#lsdb.entries().map((entry) => entry.lsa).filter((lsa) => !lsa.withdrawn)
  }

  /** Every route, for `/v1/routes` and `inspect`. */
  routes (): ReturnType<RouteTable['routes']> {
    this.#recomputeIfDirty()
    return this.#routes.routes()
  }

  /** A neighbour completed its handshake or went away: re-originate, and sync the database to a new neighbour. */
  onNeighbourChange (link: LinkInfo, isUp: boolean): void {
    if (this.#isStopped) return
    if (isUp) {
      for (const entry of this.#lsdb.entries()) this.#sendLsa(link, canonicalBytes(entry.lsa))
    }
    this.#recompute()
    this.trigger()
  }

  /** Asks for a new LSA soon: debounced, and at most one per `minIntervalMs`. */
  trigger (): void {
    if (this.#isStopped || this.#triggerTimer !== undefined) return
    const nowMs = this.#components.clock.monotonic()
    const delayMs = Math.max(this.#config.triggerDelayMs, this.#lastOriginatedAt + this.#config.minIntervalMs - nowMs)
    this.#triggerTimer = setTimeout(() => {
      this.#triggerTimer = undefined
      this.#originate()
    }, delayMs)
    this.#triggerTimer.unref()
  }

  /**
   * An LSA arrived on a handshaken link: verify, store, flood what is new.
   *
   * @throws {InvalidEnvelopeError | SignatureMismatchError | TimestampError} for a bad LSA (the intake counts it)
   * @throws {BackpressureError} when its origin sends more than one per `minIntervalMs`
   */
  onLsa (link: LinkInfo, value: unknown): void {
    // A flooded copy of exactly what is stored changes nothing: skip its signature check.
    const origin = typeof value === 'object' && value !== null ? (value as { origin?: unknown }).origin : undefined
    if (typeof origin === 'string' && isDeepStrictEqual(this.#lsdb.get(origin), value)) return
    const nowMs = this.#components.clock.now()
    const lsa = openLsa(value as object, { nowMs, maxAgeMs: this.#config.maxAgeMs })
    if (lsa.origin === this.#components.identity.fingerprint) {
      this.#onOwnLsa(lsa)
      return
    }
    const result = this.#lsdb.accept(lsa, this.#components.clock.monotonic())
    switch (result.outcome) {
      case 'new':
      case 'updated':
      case 'withdrawn':
        this.#rateCheck(lsa)
        this.#flood(lsa, link.peerId)
        this.#recomputeSoon()
        if (!lsa.withdrawn) this.#components.onAccepted?.(lsa)
        return
      case 'duplicate':
        return
      case 'stale':
        // An older copy than the one held: a late flood or a replay; refused like one, at debug level (floods race).
        this.#components.metrics?.increment('web4_mesh_lsa_refused_total', { reason: 'stale' })
        this.#components.events.emit('envelope_rejected', link.fingerprint, { channel: 'control', error: 'ReplayError', reason: 'lsa_stale', origin: lsa.origin, seq: lsa.seq })
        this.#log.debug({ peer: link.fingerprint, origin: lsa.origin, seq: lsa.seq }, 'stale LSA refused')
        return
      case 'conflict':
        this.#components.metrics?.increment('web4_mesh_lsa_refused_total', { reason: 'conflict' })
        this.#components.events.emit('envelope_rejected', link.fingerprint, { channel: 'control', error: 'InvalidEnvelopeError', reason: 'lsa_conflict', origin: lsa.origin, seq: lsa.seq })
        this.#log.warn({ peer: link.fingerprint, origin: lsa.origin, seq: lsa.seq }, 'conflicting LSA refused')
        return
      case 'full':
        throw new InvalidEnvelopeError(`Cannot accept LSA of "${lsa.origin.slice(0, 16)}": link-state database holds ${LSDB_MAX_ORIGINS} origins`, { reason: 'lsdb_full', limit: LSDB_MAX_ORIGINS })
    }
  }

  /** Our own LSA came back; one with a higher sequence (a lost database) makes us jump past it. */
  #onOwnLsa (lsa: Lsa): void {
    if (this.#own === undefined || lsa.seq <= this.#own.seq) return
    this.#log.warn({ seq: lsa.seq, own: this.#own.seq }, 'saw our own LSA with a higher sequence; jumping past it')
    this.#originate(lsa.seq + 1)
  }

  #rateCheck (lsa: Lsa): void {
    const nowMs = this.#components.clock.monotonic()
    const last = this.#lastAcceptedAt.get(lsa.origin)
    this.#lastAcceptedAt.set(lsa.origin, nowMs)
    // Counted, not refused: the LSA is already stored, and refusing it would only delay convergence.
    if (last !== undefined && nowMs - last < this.#config.minIntervalMs / 2) {
      this.#components.metrics?.increment('web4_mesh_lsa_refused_total', { reason: 'too_frequent' })
    }
  }

  #originate (atLeast?: number): void {
    if (this.#isStopped) return
    // This LSA carries whatever a pending trigger would announce; sending both would break ≤ 1 LSA/s (DESIGN §6).
    clearTimeout(this.#triggerTimer)
    this.#triggerTimer = undefined
    const neighbours: LsaNeighbour[] = this.#components.neighbours().map(({ link, rttMs }) => ({
      fingerprint: link.fingerprint,
      rtt_ms: Math.round((rttMs ?? 0) * 1000) / 1000,
      trust: this.#components.trustOf(link.fingerprint)
    }))
    const lsa = this.#seal(neighbours, false, atLeast)
    this.#own = lsa
    this.#lastOriginatedAt = this.#components.clock.monotonic()
    this.#advertisedRtt = new Map(neighbours.map((neighbour) => [neighbour.fingerprint, neighbour.rtt_ms]))
    this.#lsdb.accept(lsa, this.#components.clock.monotonic())
    this.#flood(lsa, undefined)
    this.#recompute()
  }

  /** Seals an LSA under the next persisted sequence number (persisted before it is sent). */
  #seal (neighbours: LsaNeighbour[], withdrawn: boolean, atLeast?: number): Lsa {
    const seq = this.#components.sequences.next(LSA_SEQUENCE_NAME, atLeast)
    return sealLsa(this.#components.identity, {
      agentId: this.#components.agentId,
      seq,
      nowMs: this.#components.clock.now(),
      addresses: this.#components.addresses().slice(0, 16),
      neighbours,
      withdrawn
    })
  }

  #flood (lsa: Lsa, exceptPeerId: string | undefined): void {
    const bytes = canonicalBytes(lsa)
    for (const { link } of this.#components.neighbours()) {
      if (link.peerId !== exceptPeerId) this.#sendLsa(link, bytes)
    }
  }

  /** Sends the canonical bytes of one LSA (encoded once by the caller, however many links get it). */
  #sendLsa (link: LinkInfo, bytes: Uint8Array): void {
    this.#components.sender.send(link.peerId, 'control', bytes).catch((err: unknown) => {
      if (err instanceof BackpressureError) this.#components.metrics?.increment('web4_transport_backpressure_total', { channel: 'control' })
      this.#log.debug({ peer: link.fingerprint, err: (err as Error).message }, 'LSA not sent')
    })
  }

  /**
   * Recomputes once for a burst of LSAs (a flood delivers many in one turn of the event
   * loop); reads of the routes before then recompute first, so they never see stale routes.
   */
  #recomputeSoon (): void {
    if (this.#isDirty) return
    this.#isDirty = true
    queueMicrotask(() => { this.#recomputeIfDirty() })
  }

  #recomputeIfDirty (): void {
    if (this.#isDirty) this.#recompute()
  }

  #recompute (): void {
    this.#isDirty = false
    const self = this.#components.identity.fingerprint
    // Our own LSA names a lost neighbour until its paced re-origination (up to the min
    // interval later); the routes drop that link at once, so failover does not wait for it.
    const live = new Set(this.#components.neighbours().map(({ link }) => link.fingerprint))
    const lsas = this.lsas().map((lsa) => (lsa.origin === self ? { ...lsa, neighbours: lsa.neighbours.filter((neighbour) => live.has(neighbour.fingerprint)) } : lsa))
    const graph = buildGraph(lsas, { self, exclude: (fingerprint) => this.#components.trustOf(fingerprint) === 'blacklisted' })
    const changes = this.#routes.update(shortestPaths(graph, self), this.#components.clock.monotonic())
    for (const change of changes) {
      this.#components.events.emit('route_changed', change.destination, { from: change.from ?? null, to: change.to ?? null, reason: change.reason })
      this.#components.metrics?.increment('web4_mesh_route_changes_total')
    }
    for (const listener of this.#listeners) {
      try {
        listener()
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'link-state listener threw')
      }
    }
  }

  /** Ages the database, refreshes our LSA, and re-originates on a significant RTT change. */
  #tick (): void {
    const removed = this.#lsdb.prune(this.#components.clock.monotonic())
    if (removed.length > 0) this.#recompute()
    const nowMs = this.#components.clock.monotonic()
    if (nowMs - this.#lastOriginatedAt >= this.#config.refreshMs) {
      this.#originate()
      return
    }
    for (const { link, rttMs } of this.#components.neighbours()) {
      const advertised = this.#advertisedRtt.get(link.fingerprint)
      if (advertised === undefined || (rttMs !== undefined && isSignificantRttChange(advertised, rttMs))) {
        this.trigger()
        return
      }
    }
  }
}
