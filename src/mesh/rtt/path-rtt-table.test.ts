import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PathRttTable } from './path-rtt-table.ts'

const B = 'b'.repeat(64)
const C = 'c'.repeat(64)
const D = 'd'.repeat(64)

describe('PathRttTable', () => {
  it('record() keeps an RTT estimate per destination with the hops and time of the last delivery', () => {
    const table = new PathRttTable()
    assert.equal(table.get(C), undefined)
    assert.equal(table.record(C, 10, 2, 1_000), true)
    assert.equal(table.record(C, 12, 3, 2_000), true)
    const entry = table.get(C)
    assert.ok(entry !== undefined)
    assert.deepEqual([entry.hops, entry.lastAtMs, entry.rtt.samples, entry.rtt.minMs, entry.rtt.lastMs], [3, 2_000, 2, 10, 12])
    assert.equal(entry.rtt.smoothedMs, 20 + (12 - 20) / 8, 'the transport estimator: twice the first sample, then EWMA 1/8')
    assert.equal(table.get(B), undefined, 'other destinations are unaffected')
  })

  it('record() ignores a sample that is not a finite non-negative number, or a hop count that is not a positive integer', () => {
    const table = new PathRttTable()
    for (const [rtt, hops] of [[-1, 1], [Number.NaN, 1], [Number.POSITIVE_INFINITY, 1], [5, 0], [5, 1.5], [5, -2]] as const) {
      assert.equal(table.record(C, rtt, hops, 0), false, `${rtt} ms over ${hops} hops`)
    }
    assert.equal(table.get(C), undefined)
    assert.equal(table.size, 0, 'a refused first sample leaves no entry behind')
  })

  it('drops the least recently measured destination beyond its bound', () => {
    const table = new PathRttTable({ maxDestinations: 2 })
    table.record(B, 1, 1, 1)
    table.record(C, 1, 1, 2)
    table.record(B, 1, 1, 3)
    table.record(D, 1, 1, 4)
    assert.deepEqual(table.list().map((entry) => entry.destination), [B, D], 'C was measured least recently')
  })

  it('forget() removes a destination; list() is ordered by last sample', () => {
    const table = new PathRttTable()
    table.record(B, 1, 1, 1)
    table.record(C, 2, 2, 2)
    table.forget(B)
    assert.deepEqual(table.list().map((entry) => entry.destination), [C])
  })

  it('refuses a bound that is not a positive integer', () => {
    assert.throws(() => new PathRttTable({ maxDestinations: 0 }), RangeError)
    assert.throws(() => new PathRttTable({ windowSamples: 0 }), RangeError)
  })
})
