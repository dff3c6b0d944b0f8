import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../../test/helpers/failure.ts'
import { checkFreshness, formatRfc3339, parseRfc3339 } from './freshness.ts'

const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)

function reasonOf (fn: () => unknown): string | undefined {
  const failure = failureOf(fn)
  if (failure !== undefined) assert.equal(failure.name, 'TimestampError')
  return failure?.reason
}

describe('parseRfc3339()', () => {
  it('parses Z, numeric offsets and fractions up to nanoseconds', () => {
    assert.equal(parseRfc3339('2026-11-26T04:00:00Z'), NOW)
    assert.equal(parseRfc3339('2026-11-26T04:00:00.250Z'), NOW + 250)
    assert.equal(parseRfc3339('2026-11-26T04:00:00.123456789Z'), NOW + 123)
    assert.equal(parseRfc3339('2026-11-26T04:00:00.5+00:00'), NOW + 500)
    assert.equal(parseRfc3339('2026-11-26T06:30:00+02:30'), NOW)
    assert.equal(parseRfc3339('2026-11-26T01:00:00-03:00'), NOW)
  })

  it('refuses text that is not an RFC 3339 date-time with reason "malformed"', () => {
    for (const text of ['', '2026-11-26', '2026-11-26 04:00:00Z', '2026-11-26T04:00:00', '2026-13-01T00:00:00Z',
      '2026-02-29T00:00:00Z', '2026-11-31T00:00:00Z', '2026-11-26T24:00:00Z', '2026-11-26T04:60:00Z',
      '2026-11-26T04:00:60Z', '2026-11-26T04:00:00+24:00', '2026-11-26T04:00:00.Z', '+2026-11-26T04:00:00Z',
      '2026-11-26t04:00:00z', '2026-11-26T04:00:00.1234567890Z']) {
      assert.equal(reasonOf(() => parseRfc3339(text)), 'malformed', text)
    }
  })

  it('accepts 29 February in a leap year', () => {
    assert.equal(parseRfc3339('2028-02-29T00:00:00Z'), Date.UTC(2028, 1, 29))
  })

  it('round-trips formatRfc3339() for any instant (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 253402300799999 }), (ms) => {
      assert.equal(parseRfc3339(formatRfc3339(ms)), ms)
    }), { seed: 20261126, numRuns: 500 })
  })
})

describe('checkFreshness()', () => {
  it('accepts timestamps up to 120 s either side and refuses beyond', () => {
    assert.equal(checkFreshness(formatRfc3339(NOW - 120_000), NOW), NOW - 120_000)
    assert.equal(checkFreshness(formatRfc3339(NOW + 120_000), NOW), NOW + 120_000)
    assert.equal(reasonOf(() => checkFreshness(formatRfc3339(NOW - 120_001), NOW)), 'stale')
    assert.equal(reasonOf(() => checkFreshness(formatRfc3339(NOW + 120_001), NOW)), 'future')
  })

  it('honours a custom window', () => {
    assert.equal(reasonOf(() => checkFreshness(formatRfc3339(NOW - 1001), NOW, 1000)), 'stale')
    assert.equal(checkFreshness(formatRfc3339(NOW - 10 ** 9), NOW, Number.POSITIVE_INFINITY), NOW - 10 ** 9)
  })
})
