/**
 * Canonical JSON (SPEC §3): the byte form that signatures cover, identical to the
 * reference `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`.
 *
 * Python and JavaScript print numbers differently. Python keeps integers and floats
 * apart (`1` vs `1.0`) and writes floats with its own `repr` (`1e-05`, `1e+16`,
 * `100.0`); JavaScript has one number type. So:
 * - a safe integer prints as an integer;
 * - any other finite number prints as Python's `repr` of a float;
 * - a number that arrived on the wire as a float lexeme with an integral value
 *   (`1.0`, `1e2`) is remembered by `parseJson` in the {@link PYTHON_FLOATS} set of its
 *   container and prints as a float, so an envelope Python signed verifies here.
 *
 * @example
 * ```ts
 * canonicalize({ b: 1, a: [0.5, 'é'] }) // '{"a":[0.5,"é"],"b":1}'
 * ```
 */

/** A JSON value as this project handles it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject
/** A JSON object. */
export interface JsonObject { [key: string]: JsonValue }

/**
 * Symbol-keyed member of a parsed object (a `Set` of member names) or array (a `Set`
 * of indexes) naming the members whose number was written as a float with an integral
 * value. Symbol members are invisible to `Object.keys`, `JSON.stringify` and schema
 * validation.
 */
export const PYTHON_FLOATS: unique symbol = Symbol('web4.pythonFloats')

interface FloatMarked { [PYTHON_FLOATS]?: ReadonlySet<string | number> }

/** The canonical form of `value` as a string. Members named in `omit` are left out of the top-level object. */
export function canonicalize (value: unknown, omit?: ReadonlySet<string>): string {
  return writeValue(value, false, omit)
}

/** The canonical form of `value` as UTF-8 bytes: what a signature covers. */
export function canonicalBytes (value: unknown, omit?: ReadonlySet<string>): Uint8Array {
  const bytes = Buffer.from(canonicalize(value, omit), 'utf8')
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Python's `repr(float(x))`: the shortest round-trip digits, fixed notation for decimal
 * exponents -4…15, scientific otherwise, with `.0` on integral values.
 *
 * @throws {TypeError} when `x` is not finite (Python would print `NaN`/`Infinity`, which are not JSON)
 */
export function formatPythonFloat (x: number): string {
  if (!Number.isFinite(x)) throw new TypeError(`Cannot write number "${x}" as JSON: not finite`)
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const text = x.toExponential()
  const ePos = text.indexOf('e')
  const isNegative = text.startsWith('-')
  const sign = isNegative ? '-' : ''
  const digits = text.slice(isNegative ? 1 : 0, ePos).replace('.', '')
  const exponent = Number(text.slice(ePos + 1))
  if (exponent < -4 || exponent >= 16) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const magnitude = Math.abs(exponent)
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${magnitude < 10 ? '0' : ''}${magnitude}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const integerDigits = exponent + 1
  if (digits.length <= integerDigits) return `${sign}${digits}${'0'.repeat(integerDigits - digits.length)}.0`
  return `${sign}${digits.slice(0, integerDigits)}.${digits.slice(integerDigits)}`
}

/** Canonical text of one number; `isFloat` when the wire wrote it as a float. */
export function formatCanonicalNumber (x: number, isFloat: boolean): string {
  if (!isFloat && Number.isSafeInteger(x)) return Object.is(x, -0) ? '0' : String(x)
  return formatPythonFloat(x)
}

/**
 * Orders strings by Unicode code point, as Python's `sorted` does. UTF-16 order differs
 * only where a surrogate meets a unit at or above U+E000, so those units are remapped.
 */
export function compareCodePoints (a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

const SURROGATE = /[\ud800-\udfff]/

/** Keys in code-point order; without surrogates UTF-16 order is the same, and the native sort is faster. */
function sortKeys (keys: string[]): string[] {
  for (const key of keys) {
    if (SURROGATE.test(key)) return keys.sort(compareCodePoints)
  }
  return keys.sort()
}

function codePointRank (unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}

/** Characters that need escaping, and surrogates (which need a well-formedness check). */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/

function writeString (s: string): string {
  if (!NEEDS_CARE.test(s)) return `"${s}"`
  // JSON.stringify escapes exactly what Python's ensure_ascii=False does, for well-formed text.
  if (!s.isWellFormed()) throw new TypeError('Cannot write string as canonical JSON: lone surrogate')
  return JSON.stringify(s)
}

function writeValue (value: unknown, isFloat: boolean, omit?: ReadonlySet<string>): string {
  switch (typeof value) {
    case 'string': return writeString(value)
    case 'number': return formatCanonicalNumber(value, isFloat)
    case 'boolean': return value ? 'true' : 'false'
    case 'object':
      if (value === null) return 'null'
      return Array.isArray(value) ? writeArray(value) : writeObject(value as Record<string, unknown>, omit)
    default:
      throw new TypeError(`Cannot write value of type "${typeof value}" as JSON`)
  }
}

function writeArray (items: readonly unknown[]): string {
  const floats = (items as FloatMarked)[PYTHON_FLOATS]
  let out = '['
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ','
    out += writeValue(items[i], floats?.has(i) === true)
  }
  return out + ']'
}

function writeObject (object: Record<string, unknown>, omit?: ReadonlySet<string>): string {
  const prototype: unknown = Object.getPrototypeOf(object)
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError('Cannot write object as canonical JSON: not a plain object')
  }
  const floats = (object as FloatMarked)[PYTHON_FLOATS]
  const keys = sortKeys(Object.keys(object))
  let out = '{'
  let isFirst = true
  for (const key of keys) {
    const member = object[key]
    if (member === undefined || omit?.has(key) === true) continue
    out += `${isFirst ? '' : ','}${writeString(key)}:${writeValue(member, floats?.has(key) === true)}`
    isFirst = false
  }
  return out + '}'
}
