/**
 * End-to-end round-trip times across the mesh (the brief's `mesh_rtt`): one
 * {@link RttEstimator} per destination, fed by the signed delivery receipts of routed
 * sends (send → receipt, however many hops), with the hop count of the last delivery.
 * Bounded: the least recently measured destination is dropped first. Pure: samples and
 * times are passed in.
 *
 * @example
 * ```ts
 * const table = new PathRttTable()
 * table.record(receipt.to, receipt.rttMs, receipt.hops.length, clock.now())
 * table.get(fingerprint) // { rtt: { smoothedMs, p50Ms, p95Ms, … }, hops, lastAtMs }
 * ```
 */
import { RttEstimator } from '../../transport/rtt-estimator.ts'
import type { RttSummary } from '../../transport/rtt-summary.ts'
import { PATH_RTT_MAX_DESTINATIONS, PATH_RTT_WINDOW_SAMPLES } from './constants.ts'

/** What is known of the round trip to one destination. */
export interface PathRtt {
  readonly destination: string
  readonly rtt: RttSummary
  /** Hops of the last delivery (1 for a neighbour). */
  readonly hops: number
  /** When the last sample was taken, ms since the epoch. */
  readonly lastAtMs: number
}

/** Options of {@link PathRttTable}. */
export interface PathRttTableInit {
  /** @default PATH_RTT_MAX_DESTINATIONS (1024) */
  maxDestinations?: number
  /** @default PATH_RTT_WINDOW_SAMPLES (64) */
  windowSamples?: number
}

interface Entry {
  readonly estimator: RttEstimator
  hops: number
  lastAtMs: number
}

/** Per-destination end-to-end RTT. */
export class PathRttTable {
  readonly #maxDestinations: number
  readonly #windowSamples: number
  /** In order of last sample, oldest first (a Map keeps insertion order). */
  readonly #entries = new Map<string, Entry>()

  /** @throws {RangeError} when a bound is not a positive integer */
  constructor (init: PathRttTableInit = {}) {
    this.#maxDestinations = init.maxDestinations ?? PATH_RTT_MAX_DESTINATIONS
    this.#windowSamples = init.windowSamples ?? PATH_RTT_WINDOW_SAMPLES
    if (!Number.isSafeInteger(this.#maxDestinations) || this.#maxDestinations <= 0) {
      throw new RangeError(`Cannot create path RTT table: "maxDestinations" must be a positive integer, got ${this.#maxDestinations}`)
    }
    if (!Number.isSafeInteger(this.#windowSamples) || this.#windowSamples <= 0) {
      throw new RangeError(`Cannot create path RTT table: "windowSamples" must be a positive integer, got ${this.#windowSamples}`)
    }
  }

  /**
   * Records one delivery to `destination` that took `rttMs` over `hops` hops. A sample
   * that is negative, NaN or infinite, or a hop count that is not a positive integer,
   * changes nothing; returns whether the sample counted.
   */
  record (destination: string, rttMs: number, hops: number, atMs: number): boolean {
    if (!Number.isSafeInteger(hops) || hops <= 0) return false
    const entry = this.#entries.get(destination) ?? { estimator: new RttEstimator({ windowSamples: this.#windowSamples }), hops, lastAtMs: atMs }
    if (!entry.estimator.addSample(rttMs)) return false
    entry.hops = hops
    entry.lastAtMs = atMs
    this.#entries.delete(destination)
    this.#entries.set(destination, entry)
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxDestinations) break
      this.#entries.delete(oldest)
    }
    return true
  }

  /** The round trip to `destination`, or undefined before its first delivery. */
  get (destination: string): PathRtt | undefined {
    const entry = this.#entries.get(destination)
    const rtt = entry?.estimator.summary()
    if (entry === undefined || rtt === undefined) return undefined
    return { destination, rtt, hops: entry.hops, lastAtMs: entry.lastAtMs }
  }

  /** Forgets `destination` (it left the mesh). */
  forget (destination: string): void {
    this.#entries.delete(destination)
  }

  /** Every destination measured, most recently measured last. */
  list (): PathRtt[] {
    return [...this.#entries.keys()].flatMap((destination) => {
      const entry = this.get(destination)
      return entry === undefined ? [] : [entry]
    })
  }

  get size (): number {
    return this.#entries.size
  }
}
