/** Small predicates the record shapes are built from (shared by the memory and SQLite stores). */

/** Checks one field's value. */
export type FieldCheck = (value: unknown) => boolean

/** True for any string. */
export function isString (value: unknown): value is string {
  return typeof value === 'string'
}

/** True for a string with at least one character. */
export function isNonEmptyString (value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

/** True for an integer within ±(2^53 − 1): every `…Ms` timestamp. */
export function isSafeInteger (value: unknown): value is number {
  return Number.isSafeInteger(value)
}

/** True for a number that is not NaN or ±Infinity. */
export function isFiniteNumber (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** True for `true` or `false`. */
export function isBoolean (value: unknown): value is boolean {
  return typeof value === 'boolean'
}

/** True for an array of strings. */
export function isStringArray (value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isString)
}

/** `check`, or `null`. */
export function nullable (check: FieldCheck): FieldCheck {
  return (value) => value === null || check(value)
}

/** One of `values`. */
export function oneOf (values: readonly string[]): FieldCheck {
  return (value) => typeof value === 'string' && values.includes(value)
}

/** A plain object whose fields each pass their check (extra fields are ignored). */
export function objectOf (checks: Readonly<Record<string, FieldCheck>>): FieldCheck {
  return (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && findBadField(value as Record<string, unknown>, checks) === undefined
}

/** The first field of `value` that fails its check, or `undefined` when all pass. */
export function findBadField (value: Readonly<Record<string, unknown>>, checks: Readonly<Record<string, FieldCheck>>): string | undefined {
  for (const [field, check] of Object.entries(checks)) {
    if (!check(value[field])) return field
  }
  return undefined
}

/** `value` as text for an error message, whatever a caller passed at run time. */
export function describeValue (value: unknown): string {
  return String(value)
}
