import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { WindowSchedule } from './window-schedule.ts'

describe('WindowSchedule', () => {
  it('finds the earliest window still open, in any insertion order', () => {
    const schedule = new WindowSchedule()
    schedule.add('b', 2_000)
    schedule.add('a', 1_000)
    schedule.add('c', 3_000)
    const all = (): boolean => true
    assert.equal(schedule.nextEndMs(0, 2_000, all), 3_000)
    assert.equal(schedule.nextEndMs(3_000, 2_000, all), 4_000)
    assert.equal(schedule.nextEndMs(4_999, 2_000, all), 5_000)
    assert.equal(schedule.nextEndMs(5_000, 2_000, all), undefined)
    assert.equal(schedule.nextEndMs(0, 2_000, (id) => id !== 'a'), 4_000)
    assert.equal(schedule.size, 3)
  })

  it('agrees with a linear scan (property)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 40 }), fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 0, max: 3_000 }), (starts, nowMs, windowMs) => {
      const schedule = new WindowSchedule()
      starts.forEach((start, i) => { schedule.add(`c${i}`, start) })
      const isOpen = (id: string): boolean => Number(id.slice(1)) % 3 !== 0
      const ends = starts.filter((_, i) => isOpen(`c${i}`)).map((start) => start + windowMs).filter((end) => end > nowMs)
      assert.equal(schedule.nextEndMs(nowMs, windowMs, isOpen), ends.length === 0 ? undefined : Math.min(...ends))
    }), { seed: 20261126, numRuns: 300 })
  })
})
