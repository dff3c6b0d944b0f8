/**
 * Timestamps (SPEC §3): RFC 3339 parsing and the ±120 s acceptance window. Time is
 * passed in (`nowMs`), never read here.
 */
import { TIMESTAMP_SKEW_MS } from '../constants.ts'
import { TimestampError } from '../errors.ts'

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/

/**
 * Milliseconds since the epoch of an RFC 3339 date-time (`Z` or a numeric offset; a
 * fraction beyond milliseconds is truncated).
 *
 * @throws {TimestampError} with reason `malformed` when the text is not a valid RFC 3339 date-time
 */
export function parseRfc3339 (text: string): number {
  const match = RFC3339.exec(text)
  if (match === null) throw malformed(text)
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3))
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw malformed(text)
  }
  let offsetMinutes = 0
  if (match[8] !== 'Z') {
    const offsetHours = Number(match[10])
    const offsetRest = Number(match[11])
    if (offsetHours > 23 || offsetRest > 59) throw malformed(text)
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest)
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offsetMinutes * 60_000
}

/** RFC 3339 UTC text of an instant, with milliseconds (`2026-11-26T04:00:00.000Z`). */
export function formatRfc3339 (ms: number): string {
  return new Date(ms).toISOString()
}

/**
 * Checks that `timestamp` lies within `skewMs` of `nowMs`, either way.
 *
 * @returns the timestamp in milliseconds since the epoch
 * @throws {TimestampError} with reason `malformed`, `stale` (too old) or `future` (too far ahead)
 */
export function checkFreshness (timestamp: string, nowMs: number, skewMs: number = TIMESTAMP_SKEW_MS): number {
  const ms = parseRfc3339(timestamp)
  if (ms < nowMs - skewMs) {
    throw new TimestampError(`Cannot accept timestamp "${timestamp}": older than ${skewMs / 1000} s`, { reason: 'stale', limit: skewMs })
  }
  if (ms > nowMs + skewMs) {
    throw new TimestampError(`Cannot accept timestamp "${timestamp}": more than ${skewMs / 1000} s ahead`, { reason: 'future', limit: skewMs })
  }
  return ms
}

function daysInMonth (year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function malformed (text: string): TimestampError {
  return new TimestampError(`Cannot parse timestamp "${text.slice(0, 64)}": not an RFC 3339 date-time`, { reason: 'malformed' })
}
