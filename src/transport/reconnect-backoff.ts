/**
 * Reconnect delays (DESIGN §6): tiers 1 s, 5 s, 15 s, then doubling from the last tier up
 * to 10 min, each delay multiplied by a jitter factor in [1 − jitter, 1 + jitter]; reset on
 * a successful connection. The cap applies before jitter, so jittered delays spread around
 * the cap instead of bunching on it (at most 12 min with the defaults). Pure: randomness
 * is injected, and the caller owns the timer.
 *
 * @example
 * ```ts
 * const backoff = new ReconnectBackoff({ random: Math.random })
 * const delayMs = backoff.nextDelayMs() // schedule the next dial after it
 * backoff.reset() // once a dial succeeds
 * ```
 */
import { RECONNECT_JITTER, RECONNECT_MAX_DELAY_MS, RECONNECT_TIERS_MS } from './constants.ts'

/** Growth of the delay per attempt past the last tier. */
const GROWTH_FACTOR = 2
/** Jitter position used when `random` returns something that is not a number. */
const NEUTRAL_RANDOM = 0.5

/** Options of {@link ReconnectBackoff}. */
export interface ReconnectBackoffInit {
  /** Delays of the first attempts, in ms: positive and non-decreasing. @default RECONNECT_TIERS_MS (1 s, 5 s, 15 s) */
  tiersMs?: readonly number[]
  /** Largest delay before jitter, in ms. @default RECONNECT_MAX_DELAY_MS (10 min) */
  maxDelayMs?: number
  /** Relative jitter, in [0, 1). @default RECONNECT_JITTER (0.2 = ±20 %) */
  jitter?: number
  /** Uniform random numbers in [0, 1) (e.g. `Math.random`); values outside are clamped, NaN counts as 0.5. */
  random: () => number
}

/** The delay before each reconnect attempt of one peer. */
export class ReconnectBackoff {
  readonly #tiersMs: readonly number[]
  readonly #maxDelayMs: number
  readonly #jitter: number
  readonly #random: () => number
  #attempts = 0

  /** @throws {RangeError} when an option is out of range (the message names it) */
  constructor (init: ReconnectBackoffInit) {
    const tiersMs = init.tiersMs ?? RECONNECT_TIERS_MS
    const maxDelayMs = init.maxDelayMs ?? RECONNECT_MAX_DELAY_MS
    const jitter = init.jitter ?? RECONNECT_JITTER
    const isAscending = tiersMs.every((tier, i) => Number.isFinite(tier) && tier > 0 && tier >= (tiersMs[i - 1] ?? 0))
    if (tiersMs.length === 0 || !isAscending) throw rangeError('tiersMs', 'a non-empty, non-decreasing list of positive numbers', `[${tiersMs.join(', ')}]`)
    if (!(Number.isFinite(maxDelayMs) && maxDelayMs > 0)) throw rangeError('maxDelayMs', 'a positive number', maxDelayMs)
    if (!(jitter >= 0 && jitter < 1)) throw rangeError('jitter', 'in [0, 1)', jitter)
    this.#tiersMs = [...tiersMs]
    this.#maxDelayMs = maxDelayMs
    this.#jitter = jitter
    this.#random = init.random
  }

  /** Delays handed out since the last reset. */
  get attempts (): number {
    return this.#attempts
  }

  /** The delay before the next attempt, in ms; counts the attempt. */
  nextDelayMs (): number {
    const baseMs = this.#baseDelayMs(this.#attempts)
    this.#attempts++
    return baseMs * (1 + this.#jitter * (2 * this.#draw() - 1))
  }

  /** Starts over from the first tier (after a successful connection). */
  reset (): void {
    this.#attempts = 0
  }

  /** The unjittered delay of attempt `attempt` (0-based): a tier, then doubling, capped. */
  #baseDelayMs (attempt: number): number {
    const lastTier = this.#tiersMs.length - 1
    const tierMs = this.#tiersMs[Math.min(attempt, lastTier)] ?? this.#maxDelayMs
    const doublings = Math.max(0, attempt - lastTier)
    return Math.min(this.#maxDelayMs, tierMs * GROWTH_FACTOR ** doublings)
  }

  #draw (): number {
    const value = this.#random()
    return Number.isNaN(value) ? NEUTRAL_RANDOM : Math.min(1, Math.max(0, value))
  }
}

function rangeError (field: string, expected: string, value: unknown): RangeError {
  return new RangeError(`Cannot create reconnect backoff: "${field}" must be ${expected}, got ${String(value)}`)
}
