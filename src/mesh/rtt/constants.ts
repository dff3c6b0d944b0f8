/** Bounds of the mesh-wide RTT view (`docs/LIMITS.md`). */

/** Destinations whose end-to-end RTT is kept; the least recently measured is dropped first. A mesh has ≤ 50 nodes. */
export const PATH_RTT_MAX_DESTINATIONS = 1_024

/** Samples per destination kept for p50 / p95 (a delivery is a sample). */
export const PATH_RTT_WINDOW_SAMPLES = 64
