/**
 * Liveness, RTT and reconnect over any {@link LinkTransport} (SPEC §11, DESIGN §6):
 * heartbeat frames on the control channel every second; a link is dead after 3 missed
 * pings *and* 3 s without a byte read (a closed connection counts at once); RTT per
 * link from our own heartbeat timed on the monotonic clock; dial targets reconnected
 * with jittered tiers. Events come in a fixed order: `heartbeat_timeout`,
 * `session_close`, `reconnect`, `session_open`.
 */
import type { Clock } from '../config/clock.ts'
import type { MeshEvents } from '../observability/events.ts'
import type { Logger } from '../observability/logger.ts'
import type { MeshMetrics } from '../observability/metrics.ts'
import { decodeHeartbeat, encodePing, encodePong } from './channels.ts'
import type { ChannelName } from './channels.ts'
import {
  HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_MISSES, HEARTBEAT_STALE_READ_MS, RECONNECT_JITTER, RECONNECT_MAX_DELAY_MS,
  RECONNECT_TIERS_MS
} from './constants.ts'
import { HeartbeatMonitor } from './heartbeat-monitor.ts'
import type { LinkCloseReason, LinkHandlers, LinkInfo, LinkTransport } from './link-transport.ts'
import { ReconnectBackoff } from './reconnect-backoff.ts'
import { RttEstimator } from './rtt-estimator.ts'
import type { RttSummary } from './rtt-summary.ts'

/** Least time between two `rtt_sample` events of one link. */
export const RTT_SAMPLE_EVENT_INTERVAL_MS = 10_000

export interface LinkSupervisorInit {
  /** @default HEARTBEAT_INTERVAL_MS (1 s) */
  heartbeatIntervalMs?: number
  /** @default HEARTBEAT_MAX_MISSES (3) */
  heartbeatMaxMisses?: number
  /** @default HEARTBEAT_STALE_READ_MS (3 s) */
  heartbeatStaleReadMs?: number
  /** @default RECONNECT_TIERS_MS (1 s, 5 s, 15 s) */
  reconnectTiersMs?: number[]
  /** @default RECONNECT_MAX_DELAY_MS (10 min) */
  reconnectMaxDelayMs?: number
  /** @default RECONNECT_JITTER (±20 %) */
  reconnectJitter?: number
}

export interface LinkSupervisorComponents {
  transport: LinkTransport
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** Randomness for reconnect jitter. @default Math.random */
  random?: () => number
}

/** The supervisor's public face. */
export interface LinkSupervisor {
  /** Starts the transport with the supervisor in front of `upper`. */
  start: (upper: LinkHandlers) => Promise<void>
  /** Cancels timers and stops the transport. Idempotent. */
  stop: () => Promise<void>
  /** Dials `address` now and keeps a link to it, reconnecting when it drops. */
  addDialTarget: (address: string) => void
  /** The link's RTT so far. */
  rttOf: (peerId: string) => RttSummary | undefined
}

interface Supervised {
  readonly link: LinkInfo
  readonly monitor: HeartbeatMonitor
  readonly rtt: RttEstimator
  nextSeq: number
  lastRttEventAt: number
}

interface DialTarget {
  readonly address: string
  readonly backoff: ReconnectBackoff
  peerId: string | undefined
  fingerprint: string | null
  timer: NodeJS.Timeout | undefined
  isDialing: boolean
}

/** Close reasons after which a dial target is not redialled. */
const FINAL_REASONS: ReadonlySet<LinkCloseReason> = new Set(['shutdown', 'blacklisted'])

/** Creates the supervisor over `components.transport`. */
export function createLinkSupervisor (components: LinkSupervisorComponents, init: LinkSupervisorInit = {}): LinkSupervisor {
  return new Supervisor(components, {
    heartbeatIntervalMs: init.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS,
    heartbeatMaxMisses: init.heartbeatMaxMisses ?? HEARTBEAT_MAX_MISSES,
    heartbeatStaleReadMs: init.heartbeatStaleReadMs ?? HEARTBEAT_STALE_READ_MS,
    reconnectTiersMs: init.reconnectTiersMs ?? [...RECONNECT_TIERS_MS],
    reconnectMaxDelayMs: init.reconnectMaxDelayMs ?? RECONNECT_MAX_DELAY_MS,
    reconnectJitter: init.reconnectJitter ?? RECONNECT_JITTER
  })
}

class Supervisor implements LinkSupervisor {
  readonly #components: LinkSupervisorComponents
  readonly #config: Required<LinkSupervisorInit>
  readonly #log: Logger
  readonly #links = new Map<string, Supervised>()
  readonly #targets = new Map<string, DialTarget>()
  #upper: LinkHandlers | undefined
  #heartbeatTimer: NodeJS.Timeout | undefined
  #isStopped = false

  constructor (components: LinkSupervisorComponents, config: Required<LinkSupervisorInit>) {
    this.#components = components
    this.#config = config
    this.#log = components.logger.child({ component: 'transport:supervisor' })
  }

  async start (upper: LinkHandlers): Promise<void> {
    this.#upper = upper
    await this.#components.transport.start({
      onLinkOpen: (link) => { this.#onLinkOpen(link) },
      onLinkClose: (link, reason) => { this.#onLinkClose(link, reason) },
      onFrame: (link, channel, body) => { this.#onFrame(link, channel, body) },
      onBadFrame: (link, channel, error) => { upper.onBadFrame(link, channel, error) }
    })
    this.#heartbeatTimer = setInterval(() => { this.#beat() }, this.#config.heartbeatIntervalMs)
    this.#heartbeatTimer.unref()
  }

  async stop (): Promise<void> {
    if (this.#isStopped) return
    this.#isStopped = true
    clearInterval(this.#heartbeatTimer)
    for (const target of this.#targets.values()) clearTimeout(target.timer)
    await this.#components.transport.stop()
  }

  addDialTarget (address: string): void {
    if (this.#targets.has(address)) return
    const target: DialTarget = {
      address,
      backoff: new ReconnectBackoff({
        tiersMs: this.#config.reconnectTiersMs,
        maxDelayMs: this.#config.reconnectMaxDelayMs,
        jitter: this.#config.reconnectJitter,
        random: this.#components.random ?? Math.random
      }),
      peerId: undefined,
      fingerprint: null,
      timer: undefined,
      isDialing: false
    }
    this.#targets.set(address, target)
    this.#dial(target)
  }

  rttOf (peerId: string): RttSummary | undefined {
    return this.#links.get(peerId)?.rtt.summary()
  }

  #dial (target: DialTarget): void {
    if (this.#isStopped || target.isDialing) return
    target.isDialing = true
    this.#components.transport.dial(target.address)
      .then((link) => {
        target.peerId = link.peerId
        target.fingerprint = link.fingerprint
        target.backoff.reset()
      })
      .catch((err: unknown) => {
        this.#log.info({ address: target.address, err: (err as Error).message }, 'dial failed')
        this.#components.events.emit('transport_error', null, { address: target.address, reason: 'dial_failed', error: (err as Error).message })
        this.#scheduleReconnect(target)
      })
      .finally(() => { target.isDialing = false })
  }

  #scheduleReconnect (target: DialTarget): void {
    if (this.#isStopped || target.timer !== undefined) return
    const delayMs = target.backoff.nextDelayMs()
    this.#components.events.emit('reconnect', target.fingerprint, { address: target.address, attempt: target.backoff.attempts, delay_ms: Math.round(delayMs) })
    this.#components.metrics?.increment('web4_transport_reconnects_total')
    target.timer = setTimeout(() => {
      target.timer = undefined
      this.#dial(target)
    }, delayMs)
    target.timer.unref()
  }

  #onLinkOpen (link: LinkInfo): void {
    const now = this.#components.clock.monotonic()
    const supervised: Supervised = {
      link,
      monitor: new HeartbeatMonitor({
        intervalMs: this.#config.heartbeatIntervalMs,
        maxMisses: this.#config.heartbeatMaxMisses,
        staleReadMs: this.#config.heartbeatStaleReadMs
      }),
      rtt: new RttEstimator(),
      nextSeq: 1,
      lastRttEventAt: Number.NEGATIVE_INFINITY
    }
    supervised.monitor.bytesRead(now)
    this.#links.set(link.peerId, supervised)
    this.#components.events.emit('session_open', link.fingerprint, { peer_id: link.peerId, direction: link.direction, remote_addr: link.remoteAddr })
    this.#upper?.onLinkOpen(link)
    this.#ping(supervised, now)
  }

  #onLinkClose (link: LinkInfo, reason: LinkCloseReason): void {
    this.#links.delete(link.peerId)
    this.#components.events.emit('session_close', link.fingerprint, { peer_id: link.peerId, reason })
    this.#components.metrics?.increment('web4_transport_sessions_closed_total', { reason })
    this.#upper?.onLinkClose(link, reason)
    if (FINAL_REASONS.has(reason)) return
    for (const target of this.#targets.values()) {
      if (target.peerId === link.peerId) this.#scheduleReconnect(target)
    }
  }

  #onFrame (link: LinkInfo, channel: ChannelName, body: Uint8Array): void {
    const supervised = this.#links.get(link.peerId)
    const now = this.#components.clock.monotonic()
    supervised?.monitor.bytesRead(now)
    const heartbeat = channel === 'control' ? decodeHeartbeat(body) : undefined
    if (heartbeat === undefined) {
      this.#upper?.onFrame(link, channel, body)
      return
    }
    if (heartbeat.kind === 'ping') {
      this.#components.transport.send(link.peerId, 'control', encodePong(heartbeat.seq)).catch(() => { /* a missed pong is a missed ping to the peer */ })
      return
    }
    const sample = supervised?.monitor.pongReceived(heartbeat.seq, now)
    if (supervised === undefined || sample === undefined) return
    supervised.rtt.addSample(sample)
    if (now - supervised.lastRttEventAt >= RTT_SAMPLE_EVENT_INTERVAL_MS) {
      supervised.lastRttEventAt = now
      const summary = supervised.rtt.summary()
      this.#components.events.emit('rtt_sample', link.fingerprint, { rtt_ms: round(sample), smoothed_ms: round(summary?.smoothedMs ?? sample) })
    }
  }

  #beat (): void {
    const now = this.#components.clock.monotonic()
    for (const supervised of [...this.#links.values()]) {
      const health = supervised.monitor.check(now)
      if (health.isDead) {
        this.#links.delete(supervised.link.peerId)
        this.#components.events.emit('heartbeat_timeout', supervised.link.fingerprint, { misses: health.misses, ms_since_read: Math.round(health.msSinceRead) })
        this.#components.metrics?.increment('web4_heartbeat_timeouts_total')
        void this.#components.transport.close(supervised.link.peerId, 'heartbeat_timeout')
        continue
      }
      this.#ping(supervised, now)
    }
  }

  #ping (supervised: Supervised, now: number): void {
    const seq = supervised.nextSeq
    supervised.nextSeq = (seq + 1) >>> 0
    supervised.monitor.pingSent(seq, now)
    this.#components.transport.send(supervised.link.peerId, 'control', encodePing(seq)).catch(() => { /* counted as a miss */ })
  }
}

function round (ms: number): number {
  return Math.round(ms * 1000) / 1000
}
