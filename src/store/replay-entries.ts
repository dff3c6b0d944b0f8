/** The shape of a `ReplayEntry`, checked on write by both replay stores and on SQLite reads. */
import type { ReplayEntry } from '../protocol/replay-cache.ts'
import { describeValue, findBadField, isNonEmptyString, isSafeInteger } from './shape-checks.ts'
import type { FieldCheck } from './shape-checks.ts'

const REPLAY_ENTRY_CHECKS: Readonly<Record<keyof ReplayEntry, FieldCheck>> = {
  sender: isNonEmptyString,
  msgId: isNonEmptyString,
  expiresAt: isSafeInteger
}

/** The first field of a would-be `ReplayEntry` with the wrong shape, or `undefined`. */
export function findBadReplayEntryField (value: Readonly<Record<string, unknown>>): string | undefined {
  return findBadField(value, REPLAY_ENTRY_CHECKS)
}

/**
 * Refuses an entry a replay store must not record.
 *
 * @throws {TypeError} naming the first field with the wrong shape
 */
export function assertReplayEntry (entry: ReplayEntry): void {
  const field = findBadReplayEntryField(entry as unknown as Record<string, unknown>)
  if (field !== undefined) throw new TypeError(`Cannot record replay entry "${describeValue(entry.msgId)}": field "${field}" has the wrong shape`)
}

/**
 * Refuses a time that is not a finite number (`load`, `prune`).
 *
 * @throws {RangeError} naming the value
 */
export function assertNowMs (nowMs: number): void {
  if (!Number.isFinite(nowMs)) throw new RangeError(`Cannot read replay entries: "nowMs" must be a finite number, got ${String(nowMs)}`)
}
