/**
 * The demo's bounded wait: asks `probe` until it reports everything done, reports
 * progress on each change, and fails with one line naming what it waited for when the
 * time is up. Aborting `signal` ends the wait at once with the signal's reason.
 */
import { setTimeout as sleepFor } from 'node:timers/promises'
import { CliError } from '../cli-error.ts'
import { DEMO_POLL_INTERVAL_MS, DEMO_STEP_TIMEOUT_MS } from './constants.ts'

/** How far a wait has come. */
export interface WaitProgress {
  readonly done: number
  readonly total: number
}

export interface WaitUntilOptions {
  /** What is awaited, for progress and the timeout message (`handshakes`). */
  what: string
  /** Longest wait. @default DEMO_STEP_TIMEOUT_MS */
  timeoutMs?: number
  /** Pause between probes. @default DEMO_POLL_INTERVAL_MS */
  intervalMs?: number
  /** Told after each probe. */
  onProgress?: (progress: WaitProgress) => void
  signal?: AbortSignal
  /** Monotonic milliseconds. @default performance.now */
  now?: () => number
  /** Waits `ms` (rejecting when `signal` aborts). @default node:timers/promises setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>
}

/**
 * Probes until `done >= total` and answers the last progress.
 *
 * @throws {CliError} when `timeoutMs` passes first: `Timed out after 15 s waiting for handshakes (3/4)`
 */
export async function waitUntil (probe: () => Promise<WaitProgress>, options: WaitUntilOptions): Promise<WaitProgress> {
  const now = options.now ?? (() => performance.now())
  const sleep = options.sleep ?? (async (ms: number, signal?: AbortSignal) => { await sleepFor(ms, undefined, { signal }) })
  const timeoutMs = options.timeoutMs ?? DEMO_STEP_TIMEOUT_MS
  const deadline = now() + timeoutMs
  for (;;) {
    options.signal?.throwIfAborted()
    const progress = await probe()
    options.onProgress?.(progress)
    if (progress.done >= progress.total) return progress
    if (now() >= deadline) {
      throw new CliError(`Timed out after ${timeoutMs / 1000} s waiting for ${options.what} (${progress.done}/${progress.total})`)
    }
    await sleep(options.intervalMs ?? DEMO_POLL_INTERVAL_MS, options.signal)
  }
}
