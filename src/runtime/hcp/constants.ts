/**
 * HCP safety and social-trust tunables (SPEC §6, §8, §15.14), each with the reason for
 * its value.
 */

/**
 * Pressure at or above which the agent slows down and defers (SPEC §8 "pressure ≥ 80").
 * On the 0–100 scale of `state.human.pressure`.
 */
export const PRESSURE_DEFER_AT = 80

/**
 * Clarity at or below which the agent slows down and defers (SPEC §8 "clarity ≤ 30").
 * On the 0–100 scale of `state.human.clarity`.
 */
export const CLARITY_DEFER_AT = 30

/**
 * Lowest HCP_FEEDBACK `satisfaction` (0–100) that counts as a validating feedback.
 * 80 matches the pressure line of SPEC §8: the top fifth of the scale is a clear signal,
 * while a lukewarm 60–70 says "acceptable", not "we understand each other".
 */
export const VALIDATION_SATISFACTION_MIN = 80

/**
 * Consecutive validating feedbacks (satisfaction ≥ {@link VALIDATION_SATISFACTION_MIN},
 * no corrections) that make mutual validation (HCP social trust `probing → trusted`).
 * Two, so that one polite "thanks, great" does not earn trust on its own.
 */
export const VALIDATION_STREAK = 2

/**
 * Consecutive feedbacks carrying corrections that make a repeated misunderstanding
 * (HCP social trust `trusted → probing`). Two: one correction is ordinary conversation,
 * a second in a row means the agent has lost the thread.
 */
export const MISUNDERSTANDING_STREAK = 2
