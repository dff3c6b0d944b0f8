/**
 * Link liveness (DESIGN §6): pings on an idle link every interval; the peer is dead only
 * after `maxMisses` unanswered pings *and* no byte read for `staleReadMs` — never on one
 * missed ping, and never while bytes keep arriving. With the defaults (1 s, 3 misses, 3 s)
 * a silent peer is found dead within 4 s of its last byte. Pure: time is passed in; the
 * caller owns the timer, sends the pings and closes the link.
 *
 * @example
 * ```ts
 * const monitor = new HeartbeatMonitor({ openedAtMs: clock.now() })
 * // every intervalMs:
 * if (monitor.check(clock.now()).isDead) closeLink('heartbeat_timeout')
 * monitor.pingSent(seq, clock.now())
 * // on every frame: monitor.bytesRead(clock.now()); on a pong:
 * const rttMs = monitor.pongReceived(seq, clock.now())
 * ```
 */
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_MISSES, HEARTBEAT_MAX_OUTSTANDING_PINGS, HEARTBEAT_STALE_READ_MS } from './constants.ts'

/** Options of {@link HeartbeatMonitor}. */
export interface HeartbeatMonitorInit {
  /** A ping unanswered for this long counts as missed, in ms. @default HEARTBEAT_INTERVAL_MS (1 s) */
  intervalMs?: number
  /** Missed pings needed (with a stale read) to call the peer dead. @default HEARTBEAT_MAX_MISSES (3) */
  maxMisses?: number
  /** Time without a byte read needed (with the misses) to call the peer dead, in ms. @default HEARTBEAT_STALE_READ_MS (3 s) */
  staleReadMs?: number
  /** Unanswered pings remembered; the oldest beyond this count as missed. @default HEARTBEAT_MAX_OUTSTANDING_PINGS (16) */
  maxOutstandingPings?: number
  /** When the link opened, in ms; counts as the last read until a byte arrives. @default the time of the first call */
  openedAtMs?: number
}

/** What {@link HeartbeatMonitor.check} finds. */
export interface HeartbeatStatus {
  /** True when the peer is to be treated as gone: misses ≥ maxMisses and msSinceRead ≥ staleReadMs. */
  isDead: boolean
  /** Pings sent after the last answered one and unanswered for at least the interval. */
  misses: number
  /** Time since the last byte read from the peer, in ms. */
  msSinceRead: number
}

/** Liveness of one link from its pings, pongs and reads. */
export class HeartbeatMonitor {
  readonly #config: Required<Omit<HeartbeatMonitorInit, 'openedAtMs'>>
  /** Unanswered pings, seq → sent at, in sending order. */
  readonly #outstanding = new Map<number, number>()
  /** Unanswered pings dropped to keep the map bounded; each counts as missed. */
  #droppedUnanswered = 0
  #lastReadAtMs: number | undefined

  /** @throws {RangeError} when an option is out of range (the message names it) */
  constructor (init: HeartbeatMonitorInit = {}) {
    this.#config = {
      intervalMs: init.intervalMs ?? HEARTBEAT_INTERVAL_MS,
      maxMisses: init.maxMisses ?? HEARTBEAT_MAX_MISSES,
      staleReadMs: init.staleReadMs ?? HEARTBEAT_STALE_READ_MS,
      maxOutstandingPings: init.maxOutstandingPings ?? HEARTBEAT_MAX_OUTSTANDING_PINGS
    }
    const { intervalMs, maxMisses, staleReadMs, maxOutstandingPings } = this.#config
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw rangeError('intervalMs', 'a positive number', intervalMs)
    if (!(Number.isFinite(staleReadMs) && staleReadMs >= 0)) throw rangeError('staleReadMs', 'a non-negative number', staleReadMs)
    if (!(Number.isSafeInteger(maxMisses) && maxMisses > 0)) throw rangeError('maxMisses', 'a positive integer', maxMisses)
    if (!(Number.isSafeInteger(maxOutstandingPings) && maxOutstandingPings > 0)) throw rangeError('maxOutstandingPings', 'a positive integer', maxOutstandingPings)
    if (init.openedAtMs !== undefined && !Number.isFinite(init.openedAtMs)) throw rangeError('openedAtMs', 'a finite number', init.openedAtMs)
    this.#lastReadAtMs = init.openedAtMs
  }

  /** Pings awaiting a pong (at most `maxOutstandingPings`). */
  get outstandingPings (): number {
    return this.#outstanding.size
  }

  /** Records a ping sent at `atMs`; sending a seq again restarts its wait. */
  pingSent (seq: number, atMs: number): void {
    this.#lastReadAtMs ??= atMs
    this.#outstanding.delete(seq)
    if (this.#outstanding.size >= this.#config.maxOutstandingPings) {
      const [oldest] = this.#outstanding.keys()
      if (oldest !== undefined) this.#outstanding.delete(oldest)
      this.#droppedUnanswered++
    }
    this.#outstanding.set(seq, atMs)
  }

  /**
   * Records a pong (which is also a read). For an outstanding ping, forgets it and every
   * older ping — the peer has answered, so the misses start again from zero — and returns
   * the RTT sample in ms; for an unknown, repeated or dropped seq returns undefined.
   */
  pongReceived (seq: number, atMs: number): number | undefined {
    this.bytesRead(atMs)
    const sentAtMs = this.#outstanding.get(seq)
    if (sentAtMs === undefined) return undefined
    for (const [pending] of this.#outstanding) {
      this.#outstanding.delete(pending)
      if (pending === seq) break
    }
    this.#droppedUnanswered = 0
    return Math.max(0, atMs - sentAtMs)
  }

  /** Records that a frame (on any channel) was read from the peer at `atMs`. */
  bytesRead (atMs: number): void {
    this.#lastReadAtMs = Math.max(this.#lastReadAtMs ?? atMs, atMs)
  }

  /** The liveness of the link at `atMs`. */
  check (atMs: number): HeartbeatStatus {
    this.#lastReadAtMs ??= atMs
    let misses = this.#droppedUnanswered
    // A ping is missed when the next check finds it unanswered. Checks come once per
    // interval on a timer that fires late or (measured on the monotonic clock) a little
    // early, so "a full interval old" would be a coin toss at every beat and could add a
    // beat to the detection; half an interval tells a ping of an earlier beat from none.
    for (const sentAtMs of this.#outstanding.values()) {
      if (atMs - sentAtMs >= this.#config.intervalMs / 2) misses++
    }
    const msSinceRead = Math.max(0, atMs - this.#lastReadAtMs)
    return {
      isDead: misses >= this.#config.maxMisses && msSinceRead >= this.#config.staleReadMs,
      misses,
      msSinceRead
    }
  }
}

function rangeError (field: string, expected: string, value: unknown): RangeError {
  return new RangeError(`Cannot create heartbeat monitor: "${field}" must be ${expected}, got ${String(value)}`)
}
