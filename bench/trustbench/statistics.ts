/**
 * The small statistics TrustBench reports (TRUSTBENCH §3.5): the Wilson score interval's
 * upper bound for a proportion (FCA), nearest-rank percentiles (TTA), and a ratio that
 * stays finite where it can. Pure.
 */

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054

/**
 * The upper bound of the Wilson score interval of `successes` out of `trials` at `z`
 * (95 % by default). With no trials nothing is known: 1.
 *
 * @throws {RangeError} when the counts are not integers with 0 ≤ successes ≤ trials
 */
export function wilsonUpperBound (successes: number, trials: number, z = Z_95): number {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || trials < 0 || successes > trials) {
    throw new RangeError(`Cannot bound proportion: ${successes} of ${trials}`)
  }
  if (trials === 0) return 1
  const p = successes / trials
  const z2 = z * z
  const centre = p + z2 / (2 * trials)
  const spread = z * Math.sqrt((p * (1 - p) + z2 / (4 * trials)) / trials)
  return Math.min(1, (centre + spread) / (1 + z2 / trials))
}

/** The nearest-rank `q`-quantile (0 < q ≤ 1) of `values`, or undefined when there are none. */
export function percentile (values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.max(1, Math.ceil(q * sorted.length))
  return sorted[rank - 1]
}

/** `numerator / denominator`, or undefined when the denominator is 0. */
export function ratio (numerator: number, denominator: number): number | undefined {
  return denominator === 0 ? undefined : numerator / denominator
}

/** Expands a histogram `{ value: count }` into its values. */
export function valuesOf (histogram: Readonly<Record<string, number>>): number[] {
  const values: number[] = []
  for (const [value, count] of Object.entries(histogram)) for (let i = 0; i < count; i++) values.push(Number(value))
  return values
}
