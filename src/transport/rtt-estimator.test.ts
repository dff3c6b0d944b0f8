import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { RttEstimator } from './rtt-estimator.ts'
import type { RttSummary } from './rtt-summary.ts'

const SEED = 20261126
const ALPHA = 1 / 8
/** Relative slack for floating-point comparisons. */
const EPSILON = 1e-9

function feed (samples: number[], estimator = new RttEstimator()): RttEstimator {
  for (const sample of samples) estimator.addSample(sample)
  return estimator
}

/** The summary after `samples`, which must contain an accepted one. */
function summaryOf (samples: number[], estimator = new RttEstimator()): RttSummary {
  const summary = feed(samples, estimator).summary()
  assert.ok(summary !== undefined)
  return summary
}

const rttSample = fc.oneof(fc.double({ min: 0, max: 10_000, noNaN: true }), fc.integer({ min: 0, max: 3 }))

describe('RttEstimator.summary()', () => {
  it('is undefined before the first accepted sample', () => {
    const estimator = new RttEstimator()
    assert.equal(estimator.summary(), undefined)
    estimator.addSample(-1)
    assert.equal(estimator.summary(), undefined)
    assert.equal(estimator.smoothedMs, undefined)
  })

  it('starts a new link at twice its first RTT', () => {
    assert.deepEqual(feed([10]).summary(), { smoothedMs: 20, minMs: 10, p50Ms: 10, p95Ms: 10, lastMs: 10, samples: 1 })
  })

  it('folds later samples in with α = 1/8', () => {
    assert.equal(feed([10, 10]).smoothedMs, 18.75)
    assert.equal(feed([10, 10, 10]).smoothedMs, 17.656_25)
    assert.equal(feed([8, 4]).smoothedMs, 16 + (4 - 16) / 8)
  })

  it('clamps a sample to twice the previous sample, so one outlier moves the estimate by α of the clamp', () => {
    const summary = summaryOf([10, 10, 1000])
    assert.equal(summary.smoothedMs, 18.75 + (20 - 18.75) / 8)
    assert.equal(summary.lastMs, 1000, 'the raw sample is still reported')
    assert.equal(summary.p95Ms, 1000)
    assert.equal(summary.minMs, 10)
  })

  it('follows a lasting change from its second sample on', () => {
    const estimator = feed(new Array<number>(50).fill(10))
    const before = estimator.smoothedMs ?? 0
    estimator.addSample(100)
    const afterFirst = estimator.smoothedMs ?? 0
    assert.equal(afterFirst, before + ALPHA * (20 - before))
    estimator.addSample(100)
    assert.equal(estimator.smoothedMs, afterFirst + ALPHA * (100 - afterFirst))
  })

  it('does not freeze at 0 ms after zero samples (loopback)', () => {
    const estimator = feed([0, 0, 5])
    assert.equal(estimator.smoothedMs, 0)
    estimator.addSample(5)
    assert.equal(estimator.smoothedMs, 5 * ALPHA)
  })

  it('reports nearest-rank p50 and p95', () => {
    const summary = summaryOf(Array.from({ length: 100 }, (_, i) => 100 - i))
    assert.equal(summary.p50Ms, 50)
    assert.equal(summary.p95Ms, 95)
    const ten = summaryOf([3, 1, 4, 1, 5, 9, 2, 6, 5, 3])
    assert.equal(ten.p50Ms, 3)
    assert.equal(ten.p95Ms, 9)
  })

  it('computes percentiles over the last 128 samples only, and the minimum over all', () => {
    const summary = summaryOf(Array.from({ length: 200 }, (_, i) => i + 1))
    assert.equal(summary.samples, 200)
    assert.equal(summary.minMs, 1)
    assert.equal(summary.p50Ms, 73 + 63)
    assert.equal(summary.p95Ms, 73 + 121)
    const small = summaryOf([100, 1, 2], new RttEstimator({ windowSamples: 2 }))
    assert.equal(small.p95Ms, 2)
    assert.equal(small.minMs, 1)
  })
})

describe('RttEstimator.addSample()', () => {
  it('ignores negative, NaN and infinite samples and counts them', () => {
    const estimator = feed([10])
    const before = estimator.summary()
    for (const bad of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.equal(estimator.addSample(bad), false)
    }
    assert.equal(estimator.rejectedSamples, 5)
    assert.deepEqual(estimator.summary(), before)
    assert.equal(estimator.addSample(0), true)
    assert.equal(estimator.samples, 2)
  })

  it('rejects invalid options with a RangeError naming the field', () => {
    for (const alpha of [0, -0.1, 1.5, Number.NaN]) {
      assert.throws(() => new RttEstimator({ alpha }), (err: Error) => err instanceof RangeError && err.message.includes('alpha'))
    }
    for (const windowSamples of [0, 1.5, -3]) {
      assert.throws(() => new RttEstimator({ windowSamples }), (err: Error) => err instanceof RangeError && err.message.includes('windowSamples'))
    }
  })

  it('keeps min ≤ p50 ≤ p95 ≤ max and the smoothed RTT within [min, 2 × max] (property)', () => {
    fc.assert(fc.property(fc.array(rttSample, { minLength: 1, maxLength: 300 }), (samples) => {
      const estimator = new RttEstimator()
      for (const [i, sample] of samples.entries()) {
        estimator.addSample(sample)
        const summary = estimator.summary()
        assert.ok(summary !== undefined)
        const seen = samples.slice(0, i + 1)
        const max = Math.max(...seen)
        assert.equal(summary.minMs, Math.min(...seen))
        assert.ok(summary.minMs <= summary.p50Ms && summary.p50Ms <= summary.p95Ms && summary.p95Ms <= max)
        assert.ok(summary.smoothedMs >= summary.minMs * (1 - EPSILON), `smoothed ${summary.smoothedMs} below min`)
        assert.ok(summary.smoothedMs <= 2 * max * (1 + EPSILON), `smoothed ${summary.smoothedMs} above 2 × max`)
        assert.equal(summary.lastMs, sample)
        assert.equal(summary.samples, i + 1)
      }
    }), { seed: SEED, numRuns: 300 })
  })

  it('lets one sample move the smoothed RTT up by at most α of the clamp, 2 × the previous sample (property)', () => {
    fc.assert(fc.property(fc.array(rttSample, { minLength: 1, maxLength: 50 }), rttSample, (history, outlier) => {
      const estimator = feed(history)
      const before = estimator.smoothedMs ?? 0
      const previous = history.at(-1) ?? 0
      estimator.addSample(outlier * 1000)
      const rise = (estimator.smoothedMs ?? 0) - before
      assert.ok(rise <= ALPHA * 2 * previous * (1 + EPSILON) + EPSILON, `rise ${rise} beyond α × ${2 * previous}`)
    }), { seed: SEED, numRuns: 300 })
  })

  it('never lets an outlier after a steady run double the estimate (property)', () => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 1000, noNaN: true }), fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1e9, noNaN: true }), (level, run, outlier) => {
      const estimator = feed(new Array<number>(run).fill(level))
      const before = estimator.smoothedMs ?? 0
      estimator.addSample(outlier)
      assert.ok((estimator.smoothedMs ?? 0) <= before * (1 + ALPHA) * (1 + EPSILON))
    }), { seed: SEED, numRuns: 300 })
  })

  it('bases p50 / p95 on the last window of samples only (property)', () => {
    fc.assert(fc.property(fc.array(rttSample, { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 130 }), (samples, windowSamples) => {
      const full = feed(samples, new RttEstimator({ windowSamples })).summary()
      const recent = feed(samples.slice(-windowSamples), new RttEstimator({ windowSamples })).summary()
      assert.equal(full?.p50Ms, recent?.p50Ms)
      assert.equal(full?.p95Ms, recent?.p95Ms)
    }), { seed: SEED, numRuns: 200 })
  })
})
