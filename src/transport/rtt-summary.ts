/** What a link's round-trip time looks like, as the transport reports it and the registry stores it. */
export interface RttSummary {
  /** EWMA (α = 1/8, samples clamped to 2× the previous value), in ms. */
  smoothedMs: number
  /** Smallest sample seen, in ms. */
  minMs: number
  /** Median of the recent window, in ms. */
  p50Ms: number
  /** 95th percentile of the recent window, in ms. */
  p95Ms: number
  /** The last sample, in ms. */
  lastMs: number
  /** Samples taken since the link opened. */
  samples: number
}
