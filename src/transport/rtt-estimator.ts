/**
 * Per-link round-trip time (DESIGN §6, SPEC §11): an EWMA with α = 1/8 over samples
 * clamped to twice the previous sample, starting at twice the first sample, plus the
 * minimum and p50 / p95 over a sliding window. Pure: samples are passed in.
 *
 * Clamp interpretation (DESIGN §6 says "samples clamped to 2× the previous value"): each
 * sample is clamped to 2× the previous *raw sample*. An isolated outlier after a steady
 * run therefore moves the estimate by at most α·(2p − s) ≈ +12.5 %, never doubling it;
 * a real, lasting change passes from its second sample on, so the estimate follows it at
 * the EWMA rate (a clamp against the smoothed value would cap growth at ×1.125 per sample:
 * 39 samples to go from 1 ms to 100 ms); and a 0 ms loopback sample cannot freeze the
 * clamp at 0, which a clamp against the smoothed or clamped value would do for good.
 *
 * @example
 * ```ts
 * const rtt = new RttEstimator()
 * rtt.addSample(pongAtMs - pingAtMs)
 * registry.setRtt(peer, rtt.summary())
 * ```
 */
import { RTT_EWMA_ALPHA, RTT_WINDOW_SAMPLES } from './constants.ts'
import type { RttSummary } from './rtt-summary.ts'

/** How much larger than the previous sample a sample may count (DESIGN §6). */
const CLAMP_FACTOR = 2
/** The smoothed RTT of a new link, as a multiple of its first sample (DESIGN §6). */
const FIRST_SAMPLE_FACTOR = 2
const P50 = 0.5
const P95 = 0.95

/** Options of {@link RttEstimator}. */
export interface RttEstimatorInit {
  /** Weight of a new sample in the smoothed RTT, in (0, 1]. @default RTT_EWMA_ALPHA (1/8) */
  alpha?: number
  /** Samples kept for p50 / p95. @default RTT_WINDOW_SAMPLES (128) */
  windowSamples?: number
}

/** Smoothed, minimum and percentile RTT of one link. */
export class RttEstimator {
  readonly #alpha: number
  /** Ring buffer of the last raw samples. */
  readonly #window: Float64Array
  #windowFilled = 0
  #windowNext = 0
  #smoothedMs: number | undefined
  #minMs = Number.POSITIVE_INFINITY
  #lastMs = 0
  #samples = 0
  #rejectedSamples = 0

  /** @throws {RangeError} when `alpha` is outside (0, 1] or `windowSamples` is not a positive integer */
  constructor (init: RttEstimatorInit = {}) {
    const alpha = init.alpha ?? RTT_EWMA_ALPHA
    const windowSamples = init.windowSamples ?? RTT_WINDOW_SAMPLES
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`Cannot create RTT estimator: "alpha" must be in (0, 1], got ${alpha}`)
    if (!Number.isSafeInteger(windowSamples) || windowSamples <= 0) {
      throw new RangeError(`Cannot create RTT estimator: "windowSamples" must be a positive integer, got ${windowSamples}`)
    }
    this.#alpha = alpha
    this.#window = new Float64Array(windowSamples)
  }

  /** The smoothed RTT in ms, or undefined before the first sample. */
  get smoothedMs (): number | undefined {
    return this.#smoothedMs
  }

  /** Samples accepted since the link opened. */
  get samples (): number {
    return this.#samples
  }

  /** Samples ignored because they were negative, NaN or infinite. */
  get rejectedSamples (): number {
    return this.#rejectedSamples
  }

  /**
   * Folds one RTT sample in; a negative, NaN or infinite one is ignored and counted in
   * {@link rejectedSamples}. Returns whether the sample was accepted.
   */
  addSample (rttMs: number): boolean {
    if (!Number.isFinite(rttMs) || rttMs < 0) {
      this.#rejectedSamples++
      return false
    }
    if (this.#smoothedMs === undefined) {
      this.#smoothedMs = FIRST_SAMPLE_FACTOR * rttMs
    } else {
      const clampedMs = Math.min(rttMs, CLAMP_FACTOR * this.#lastMs)
      this.#smoothedMs += this.#alpha * (clampedMs - this.#smoothedMs)
    }
    this.#minMs = Math.min(this.#minMs, rttMs)
    this.#lastMs = rttMs
    this.#samples++
    this.#window[this.#windowNext] = rttMs
    this.#windowNext = (this.#windowNext + 1) % this.#window.length
    this.#windowFilled = Math.min(this.#windowFilled + 1, this.#window.length)
    return true
  }

  /** The link's RTT so far, or undefined before the first accepted sample. */
  summary (): RttSummary | undefined {
    if (this.#smoothedMs === undefined) return undefined
    const sorted = this.#window.slice(0, this.#windowFilled).sort()
    return {
      smoothedMs: this.#smoothedMs,
      minMs: this.#minMs,
      p50Ms: nearestRank(sorted, P50),
      p95Ms: nearestRank(sorted, P95),
      lastMs: this.#lastMs,
      samples: this.#samples
    }
  }
}

/** The nearest-rank percentile `fraction` of ascending, non-empty `sorted`. */
function nearestRank (sorted: Float64Array, fraction: number): number {
  const rank = Math.max(1, Math.ceil(fraction * sorted.length))
  return sorted[rank - 1] ?? 0
}
