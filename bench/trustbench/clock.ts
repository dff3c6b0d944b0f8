/**
 * The round clock of a cell (TRUSTBENCH §2 "Round r is clock time r × 1 s"): one injected
 * {@link Clock} shared by every node; `now()` is a fixed epoch plus r × 1,000 ms and
 * `monotonic()` is r × 1,000 ms. Only the harness moves it.
 */
import type { Clock } from '../../src/config/clock.ts'

/** Wall time of round 0 (2024-01-01T00:00:00Z): any fixed date works, timestamps only need to be plausible. */
export const ROUND_ZERO_EPOCH_MS = Date.UTC(2024, 0, 1)
/** One round of simulated time. */
export const ROUND_MS = 1000

/** The clock and its hand. */
export interface RoundClock extends Clock {
  /** The current round. */
  readonly round: number
  /** Moves to round `round` (never backwards). */
  setRound: (round: number) => void
  /** Wall time of `round`, ms since the epoch. */
  timeOf: (round: number) => number
}

/** A clock at round 0. */
export function createRoundClock (): RoundClock {
  let round = 0
  return {
    get round () {
      return round
    },
    now: () => ROUND_ZERO_EPOCH_MS + round * ROUND_MS,
    monotonic: () => round * ROUND_MS,
    setRound: (next) => {
      if (!Number.isSafeInteger(next) || next < round) throw new RangeError(`Cannot move round clock from ${round} to ${next}`)
      round = next
    },
    timeOf: (at) => ROUND_ZERO_EPOCH_MS + at * ROUND_MS
  }
}
