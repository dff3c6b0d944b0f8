import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ReconnectBackoff } from './reconnect-backoff.ts'

const SEED = 20261126
const MID = (): number => 0.5

function delays (backoff: ReconnectBackoff, count: number): number[] {
  return Array.from({ length: count }, () => backoff.nextDelayMs())
}

/** Naive reference of the unjittered delay of attempt `n`. */
function referenceBaseMs (n: number, tiersMs: number[], maxDelayMs: number): number {
  let delayMs = tiersMs[Math.min(n, tiersMs.length - 1)] ?? 0
  for (let i = tiersMs.length - 1; i < n; i++) delayMs *= 2
  return Math.min(delayMs, maxDelayMs)
}

describe('ReconnectBackoff.nextDelayMs()', () => {
  it('walks the tiers 1 s, 5 s, 15 s, then doubles up to 10 min (no jitter drawn)', () => {
    assert.deepEqual(delays(new ReconnectBackoff({ random: MID }), 11), [
      1000, 5000, 15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 600_000, 600_000, 600_000
    ])
  })

  it('multiplies each delay by a factor in [1 − jitter, 1 + jitter] drawn from random', () => {
    assert.deepEqual(delays(new ReconnectBackoff({ random: () => 0 }), 3), [800, 4000, 12_000])
    assert.deepEqual(delays(new ReconnectBackoff({ random: () => 1 }), 3), [1200, 6000, 18_000])
    const capped = new ReconnectBackoff({ random: () => 1, tiersMs: [1000], maxDelayMs: 1500 })
    assert.deepEqual(delays(capped, 3), [1200, 1800, 1800], 'the cap applies before jitter')
    assert.deepEqual(delays(new ReconnectBackoff({ random: () => 0.25, jitter: 0.5 }), 1), [750])
  })

  it('clamps random values outside [0, 1] and treats NaN as no jitter', () => {
    assert.equal(new ReconnectBackoff({ random: () => -3 }).nextDelayMs(), 800)
    assert.equal(new ReconnectBackoff({ random: () => 7 }).nextDelayMs(), 1200)
    assert.equal(new ReconnectBackoff({ random: () => Number.NaN }).nextDelayMs(), 1000)
  })

  it('follows custom tiers and caps, and survives very many attempts', () => {
    const backoff = new ReconnectBackoff({ random: MID, tiersMs: [100], maxDelayMs: 1000, jitter: 0 })
    assert.deepEqual(delays(backoff, 6), [100, 200, 400, 800, 1000, 1000])
    const many = new ReconnectBackoff({ random: MID })
    delays(many, 5000)
    assert.equal(many.nextDelayMs(), 600_000)
  })

  it('stays within its jitter bounds, monotone and capped before jitter (property)', () => {
    const init = fc.record({
      tiersMs: fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 5 }).map((tiers) => tiers.sort((a, b) => a - b)),
      maxDelayMs: fc.integer({ min: 1, max: 1_000_000 }),
      jitter: fc.double({ min: 0, max: 0.99, noNaN: true })
    })
    const step = fc.oneof({ weight: 9, arbitrary: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }) }, { weight: 1, arbitrary: fc.constant('reset' as const) })
    fc.assert(fc.property(init, fc.array(step, { maxLength: 60 }), ({ tiersMs, maxDelayMs, jitter }, steps) => {
      let draw = 0
      const backoff = new ReconnectBackoff({ tiersMs, maxDelayMs, jitter, random: () => draw })
      let previousBaseMs = 0
      for (const value of steps) {
        if (value === 'reset') {
          backoff.reset()
          assert.equal(backoff.attempts, 0)
          previousBaseMs = 0
          continue
        }
        draw = value
        const baseMs = referenceBaseMs(backoff.attempts, tiersMs, maxDelayMs)
        const delayMs = backoff.nextDelayMs()
        assert.ok(baseMs >= previousBaseMs, 'monotone before jitter')
        assert.ok(baseMs <= maxDelayMs, 'capped before jitter')
        assert.ok(delayMs >= baseMs * (1 - jitter) * (1 - 1e-12) && delayMs <= baseMs * (1 + jitter) * (1 + 1e-12), `delay ${delayMs} outside jitter of ${baseMs}`)
        assert.ok(delayMs > 0)
        previousBaseMs = baseMs
      }
    }), { seed: SEED, numRuns: 300 })
  })
})

describe('ReconnectBackoff.reset()', () => {
  it('counts attempts and starts over from the first tier', () => {
    const backoff = new ReconnectBackoff({ random: MID })
    delays(backoff, 4)
    assert.equal(backoff.attempts, 4)
    backoff.reset()
    assert.equal(backoff.attempts, 0)
    assert.equal(backoff.nextDelayMs(), 1000)
    assert.equal(backoff.attempts, 1)
  })
})

describe('new ReconnectBackoff()', () => {
  it('rejects invalid options with a RangeError naming the field', () => {
    const invalid: Array<[string, Partial<ConstructorParameters<typeof ReconnectBackoff>[0]>]> = [
      ['tiersMs', { tiersMs: [] }], ['tiersMs', { tiersMs: [5000, 1000] }], ['tiersMs', { tiersMs: [0, 1000] }],
      ['maxDelayMs', { maxDelayMs: 0 }], ['maxDelayMs', { maxDelayMs: Number.POSITIVE_INFINITY }],
      ['jitter', { jitter: 1 }], ['jitter', { jitter: -0.1 }], ['jitter', { jitter: Number.NaN }]
    ]
    for (const [field, init] of invalid) {
      assert.throws(() => new ReconnectBackoff({ random: MID, ...init }), (err: Error) => err instanceof RangeError && err.message.includes(field), field)
    }
  })
})
