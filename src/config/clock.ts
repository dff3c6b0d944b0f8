/**
 * The clock port (STYLE §5): everything that reads time takes a `Clock`, so tests and
 * simulations drive time themselves.
 */

/** A source of time. */
export interface Clock {
  /** Wall-clock time in ms since the epoch (timestamps, windows). */
  now: () => number
  /** Monotonic time in ms with sub-millisecond resolution (RTT, timeouts). */
  monotonic: () => number
}

/**
 * The system clock. `WEB4MESH_CLOCK_OFFSET_MS` (test-only) shifts its wall time, so
 * skew and replay-window tests can run a node ahead of or behind the others.
 */
export const systemClock: Clock = Object.freeze({
  now: (): number => Date.now() + CLOCK_OFFSET_MS,
  monotonic: (): number => performance.now()
})

/** Read once, when the process loads this module: `now()` runs several times per hop. */
const CLOCK_OFFSET_MS = clockOffsetMs()

function clockOffsetMs (): number {
  const text = process.env.WEB4MESH_CLOCK_OFFSET_MS
  if (text === undefined || text === '') return 0
  const offset = Number(text)
  return Number.isFinite(offset) ? offset : 0
}
