/**
 * The PeerRegistry (the brief's `peers`): everything this node knows of each peer —
 * identity, addresses, trust state and its transition log, capabilities, last seen,
 * RTT, presence / LRI — kept in memory and written through to a {@link PeerStore}
 * (SQLite in production), so it survives restarts. Trust moves only through the
 * TrustFSM table (SPEC §6); every transition is persisted with its reason and causes
 * before anyone acts on it, then announced as a `trust_transition` event.
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type { StateBlock } from '../../protocol/envelope/types.ts'
import { isCooldownElapsed, transitionTrust, UNTRUSTED_COOLDOWN_MS } from '../../protocol/trust/index.ts'
import type { TrustEvent, TrustState, TrustTransition } from '../../protocol/trust/index.ts'
import type { LinkedPeer, PeerBook, TrustCause } from '../../runtime/ports.ts'
import type { RttSummary } from '../../transport/rtt-summary.ts'
import type { PeerRow, PeerStore, TrustTransitionRecord } from './peer-store.ts'

export interface PeerRegistryInit {
  /** Operator-pinned roots (`trusted_fingerprints`): trusted, and never demoted automatically except on cryptographic evidence. @default [] */
  trustedFingerprints?: readonly string[]
  /** How long an untrusted peer waits before a valid handshake makes it probing again. @default UNTRUSTED_COOLDOWN_MS */
  cooldownMs?: number
}

export interface PeerRegistryComponents {
  store: PeerStore
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
}

/** The registry: the runtime's {@link PeerBook} plus what operators and the mesh read. */
export interface PeerRegistry extends PeerBook {
  /** One peer, or undefined. */
  get: (fingerprint: string) => Readonly<PeerRow> | undefined
  /** Every known peer. */
  list: () => Array<Readonly<PeerRow>>
  /** Trust transitions, oldest first. */
  transitions: (options?: { peer?: string, limit?: number }) => TrustTransitionRecord[]
  /** Stores the link's RTT summary. */
  recordRtt: (fingerprint: string, rtt: RttSummary, atMs: number) => void
  /** Notes that the peer was heard from (kept in memory; written by `flushSeen`, not per frame). */
  markSeen: (fingerprint: string, atMs: number) => void
  /** Writes the last-seen times noted since the previous flush. */
  flushSeen: () => void
}

/** Loads the registry from `components.store` and applies the pinned roots. */
export function createPeerRegistry (components: PeerRegistryComponents, init: PeerRegistryInit = {}): PeerRegistry {
  return new Registry(components, init)
}

class Registry implements PeerRegistry {
  readonly #components: PeerRegistryComponents
  readonly #cooldownMs: number
  readonly #rows = new Map<string, PeerRow>()
  readonly #pinned: ReadonlySet<string>
  /** Peers whose `lastSeenMs` changed in memory since the last flush. */
  readonly #unsavedSeen = new Set<string>()

  constructor (components: PeerRegistryComponents, init: PeerRegistryInit) {
    this.#components = components
    this.#cooldownMs = init.cooldownMs ?? UNTRUSTED_COOLDOWN_MS
    this.#pinned = new Set(init.trustedFingerprints ?? [])
    for (const row of components.store.loadPeers()) this.#rows.set(row.fingerprint, row)
    for (const fingerprint of this.#pinned) this.#pin(fingerprint)
    for (const row of this.#rows.values()) {
      if (row.isPinned && !this.#pinned.has(row.fingerprint)) this.#save({ ...row, isPinned: false })
    }
  }

  trustOf (fingerprint: string): TrustState {
    return this.#rows.get(fingerprint)?.trust ?? 'unknown'
  }

  agentIdOf (fingerprint: string): string | undefined {
    const agentId = this.#rows.get(fingerprint)?.agentId
    return agentId === '' ? undefined : agentId
  }

  get (fingerprint: string): Readonly<PeerRow> | undefined {
    const row = this.#rows.get(fingerprint)
    return row === undefined ? undefined : structuredClone(row)
  }

  list (): Array<Readonly<PeerRow>> {
    return [...this.#rows.values()].map((row) => structuredClone(row))
  }

  transitions (options?: { peer?: string, limit?: number }): TrustTransitionRecord[] {
    return this.#components.store.listTransitions(options)
  }

  applyTrust (fingerprint: string, event: TrustEvent, cause: TrustCause): TrustTransition {
    const nowMs = this.#components.clock.now()
    const row = this.#rowOf(fingerprint, nowMs)
    const result = transitionTrust(row.trust, event, {
      isPinned: row.isPinned,
      cooldownElapsed: row.untrustedSinceMs === null || isCooldownElapsed(row.untrustedSinceMs, nowMs, this.#cooldownMs)
    })
    if (result.ignored) return result
    const reason = cause.reason ?? result.reason
    const updated: PeerRow = { ...row, trust: result.to, untrustedSinceMs: result.to === 'untrusted' ? nowMs : row.untrustedSinceMs }
    const record: TrustTransitionRecord = { peer: fingerprint, from: result.from, to: result.to, event, reason, causeMsgIds: [...cause.causeMsgIds], at: nowMs }
    // Persist first (synchronous=FULL), then act and announce.
    this.#components.store.recordTransition(record, updated)
    this.#rows.set(fingerprint, updated)
    this.#components.metrics?.increment('web4_trust_transitions_total', { to: result.to })
    this.#components.events.emit('trust_transition', fingerprint, { from: result.from, to: result.to, event, reason, cause_msg_ids: record.causeMsgIds })
    return { ...result, reason }
  }

  recordPeer (peer: LinkedPeer, atMs: number): void {
    const row = this.#rowOf(peer.fingerprint, atMs)
    const addresses = peer.address === null || row.addresses.includes(peer.address) ? row.addresses : [...row.addresses, peer.address].slice(-8)
    this.#save({
      ...row,
      agentId: peer.agentId === '' ? row.agentId : peer.agentId,
      pubkey: peer.pubkey === '' ? row.pubkey : peer.pubkey,
      peerId: peer.peerId ?? row.peerId,
      addresses,
      capabilities: peer.capabilities.length > 0 ? [...peer.capabilities] : row.capabilities,
      lastSeenMs: atMs
    })
  }

  recordState (fingerprint: string, state: { presence: StateBlock['presence'], lri: number }, atMs: number): void {
    const row = this.#rows.get(fingerprint)
    if (row === undefined) return
    this.#save({ ...row, presence: state.presence, lri: state.lri, lastSeenMs: atMs })
  }

  recordRtt (fingerprint: string, rtt: RttSummary, atMs: number): void {
    const row = this.#rows.get(fingerprint)
    if (row === undefined) return
    this.#save({ ...row, rtt: { ...rtt }, lastSeenMs: atMs })
  }

  markSeen (fingerprint: string, atMs: number): void {
    const row = this.#rows.get(fingerprint)
    if (row === undefined) return
    // Called for every frame: a write each time would cost more than the frame itself.
    row.lastSeenMs = atMs
    this.#unsavedSeen.add(fingerprint)
  }

  flushSeen (): void {
    for (const fingerprint of this.#unsavedSeen) {
      const row = this.#rows.get(fingerprint)
      if (row !== undefined) this.#components.store.savePeer(row)
    }
    this.#unsavedSeen.clear()
  }

  /** A pinned root is trusted by the operator's configuration. */
  #pin (fingerprint: string): void {
    const nowMs = this.#components.clock.now()
    const row = this.#rowOf(fingerprint, nowMs)
    if (!row.isPinned) this.#save({ ...row, isPinned: true })
    if (this.#rows.get(fingerprint)?.trust !== 'trusted' && row.trust !== 'blacklisted') {
      this.applyTrust(fingerprint, 'manual_set_trusted', { reason: 'pinned root in trusted_fingerprints (DESIGN §3)', causeMsgIds: [] })
    }
  }

  #rowOf (fingerprint: string, nowMs: number): PeerRow {
    let row = this.#rows.get(fingerprint)
    if (row === undefined) {
      row = {
        fingerprint, agentId: '', pubkey: '', peerId: null, addresses: [], trust: 'unknown', isPinned: this.#pinned.has(fingerprint),
        untrustedSinceMs: null, capabilities: [], firstSeenMs: nowMs, lastSeenMs: null, rtt: null, presence: null, lri: null
      }
      this.#save(row)
    }
    return row
  }

  #save (row: PeerRow): void {
    this.#components.store.savePeer(row)
    this.#rows.set(row.fingerprint, row)
  }
}
