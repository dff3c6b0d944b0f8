/**
 * Hardened JSON intake (DESIGN §6): the only way bytes from outside become objects.
 * One pass over the text refuses, with an {@link InvalidEnvelopeError} whose `reason`
 * names the rule, anything over the size, depth, key, array, string or integer limits,
 * duplicate keys, `__proto__` / `constructor` / `prototype` keys, lone surrogates,
 * invalid UTF-8 and non-JSON syntax — before any object reaches the rest of the code.
 *
 * Numbers written as floats with integral values (`1.0`) are recorded in
 * {@link PYTHON_FLOATS} so that canonical JSON reproduces the sender's bytes.
 *
 * @example
 * ```ts
 * const value = parseJson(bytes, { maxBytes: MAX_ENVELOPE_BYTES })
 * ```
 */
import { PYTHON_FLOATS } from './canonical-json.ts'
import type { JsonObject, JsonValue } from './canonical-json.ts'
import {
  MAX_ARRAY_ITEMS, MAX_JSON_DEPTH, MAX_MESSAGE_BYTES, MAX_OBJECT_KEYS, MAX_STRING_CHARS
} from './constants.ts'
import { InvalidEnvelopeError } from './errors.ts'

/** Limits of one parse; every field defaults to DESIGN §6. */
export interface JsonLimits {
  /** Largest input in UTF-8 bytes. @default MAX_MESSAGE_BYTES (1 MiB) */
  maxBytes?: number
  /** Deepest nesting of objects and arrays. @default MAX_JSON_DEPTH (32) */
  maxDepth?: number
  /** Most members in one object. @default MAX_OBJECT_KEYS (256) */
  maxKeys?: number
  /** Most items in one array. @default MAX_ARRAY_ITEMS (1,024) */
  maxArrayItems?: number
  /** Longest string, in UTF-16 code units. @default MAX_STRING_CHARS (65,536) */
  maxStringChars?: number
}

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const NEEDS_SLOW_PATH = /[\\\u0000-\u001f]/
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Parses untrusted JSON text or UTF-8 bytes under the limits of DESIGN §6.
 *
 * @throws {InvalidEnvelopeError} with `reason` one of `too_large`, `invalid_utf8`, `syntax`,
 *   `depth`, `too_many_keys`, `array_too_long`, `string_too_long`, `unsafe_integer`,
 *   `non_finite`, `duplicate_key`, `forbidden_key`, `lone_surrogate`
 */
export function parseJson (input: string | Uint8Array, limits: JsonLimits = {}): JsonValue {
  const maxBytes = limits.maxBytes ?? MAX_MESSAGE_BYTES
  let text: string
  if (typeof input === 'string') {
    // A string's UTF-8 length is at least its length and at most three times it.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input) > maxBytes)) {
      throw tooLarge(maxBytes)
    }
    text = input
  } else {
    if (input.byteLength > maxBytes) throw tooLarge(maxBytes)
    try {
      text = decoder.decode(input)
    } catch (cause) {
      throw new InvalidEnvelopeError('Cannot parse JSON: invalid UTF-8', { reason: 'invalid_utf8', cause })
    }
  }
  return new JsonParser(text, limits).parseDocument()
}

function tooLarge (maxBytes: number): InvalidEnvelopeError {
  return new InvalidEnvelopeError(`Cannot parse JSON: input exceeds ${maxBytes} bytes`, { reason: 'too_large', limit: maxBytes })
}

class JsonParser {
  readonly #text: string
  readonly #maxDepth: number
  readonly #maxKeys: number
  readonly #maxArrayItems: number
  readonly #maxStringChars: number
  #pos = 0
  #depth = 0

  constructor (text: string, limits: JsonLimits) {
    this.#text = text
    this.#maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH
    this.#maxKeys = limits.maxKeys ?? MAX_OBJECT_KEYS
    this.#maxArrayItems = limits.maxArrayItems ?? MAX_ARRAY_ITEMS
    this.#maxStringChars = limits.maxStringChars ?? MAX_STRING_CHARS
  }

  parseDocument (): JsonValue {
    this.#skipWhitespace()
    const value = this.#parseValue()
    this.#skipWhitespace()
    if (this.#pos !== this.#text.length) throw this.#syntax('unexpected data after the value')
    return value
  }

  #fail (reason: string, detail: string, limit?: number): InvalidEnvelopeError {
    return new InvalidEnvelopeError(`Cannot parse JSON at offset ${this.#pos}: ${detail}`, limit === undefined ? { reason } : { reason, limit })
  }

  #syntax (detail: string): InvalidEnvelopeError {
    return this.#fail('syntax', detail)
  }

  #skipWhitespace (): void {
    const text = this.#text
    let pos = this.#pos
    while (pos < text.length) {
      const c = text.charCodeAt(pos)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
      pos++
    }
    this.#pos = pos
  }

  #parseValue (): JsonValue {
    const c = this.#text.charCodeAt(this.#pos)
    switch (c) {
      case 0x7b: return this.#parseObject()
      case 0x5b: return this.#parseArray()
      case 0x22: return this.#parseString()
      case 0x74: return this.#parseLiteral('true', true)
      case 0x66: return this.#parseLiteral('false', false)
      case 0x6e: return this.#parseLiteral('null', null)
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#parseNumber().value
        throw this.#syntax(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character')
    }
  }

  #parseLiteral<T extends JsonValue> (word: string, value: T): T {
    if (!this.#text.startsWith(word, this.#pos)) throw this.#syntax('unexpected character')
    this.#pos += word.length
    return value
  }

  #enter (): void {
    if (++this.#depth > this.#maxDepth) throw this.#fail('depth', `nesting deeper than ${this.#maxDepth}`, this.#maxDepth)
  }

  #parseObject (): JsonObject {
    this.#enter()
    this.#pos++
    const object: JsonObject = {}
    let floats: Set<string> | undefined
    let count = 0
    this.#skipWhitespace()
    if (this.#text.charCodeAt(this.#pos) === 0x7d) {
      this.#pos++
      this.#depth--
      return object
    }
    while (true) {
      if (this.#text.charCodeAt(this.#pos) !== 0x22) throw this.#syntax('expected a member name')
      const key = this.#parseString()
      if (FORBIDDEN_KEYS.has(key)) throw this.#fail('forbidden_key', `member name "${key}" is not allowed`)
      if (Object.hasOwn(object, key)) throw this.#fail('duplicate_key', `duplicate member name "${key}"`)
      if (++count > this.#maxKeys) throw this.#fail('too_many_keys', `more than ${this.#maxKeys} members`, this.#maxKeys)
      this.#skipWhitespace()
      if (this.#text.charCodeAt(this.#pos) !== 0x3a) throw this.#syntax('expected ":"')
      this.#pos++
      this.#skipWhitespace()
      if (this.#isNumberStart()) {
        const number = this.#parseNumber()
        object[key] = number.value
        if (number.isIntegralFloat) (floats ??= new Set()).add(key)
      } else {
        object[key] = this.#parseValue()
      }
      this.#skipWhitespace()
      const c = this.#text.charCodeAt(this.#pos++)
      if (c === 0x7d) break
      if (c !== 0x2c) throw this.#syntax('expected "," or "}"')
      this.#skipWhitespace()
    }
    if (floats !== undefined) Object.defineProperty(object, PYTHON_FLOATS, { value: floats })
    this.#depth--
    return object
  }

  #parseArray (): JsonValue[] {
    this.#enter()
    this.#pos++
    const items: JsonValue[] = []
    let floats: Set<number> | undefined
    this.#skipWhitespace()
    if (this.#text.charCodeAt(this.#pos) === 0x5d) {
      this.#pos++
      this.#depth--
      return items
    }
    while (true) {
      if (items.length >= this.#maxArrayItems) throw this.#fail('array_too_long', `more than ${this.#maxArrayItems} items`, this.#maxArrayItems)
      if (this.#isNumberStart()) {
        const number = this.#parseNumber()
        if (number.isIntegralFloat) (floats ??= new Set()).add(items.length)
        items.push(number.value)
      } else {
        items.push(this.#parseValue())
      }
      this.#skipWhitespace()
      const c = this.#text.charCodeAt(this.#pos++)
      if (c === 0x5d) break
      if (c !== 0x2c) throw this.#syntax('expected "," or "]"')
      this.#skipWhitespace()
    }
    if (floats !== undefined) Object.defineProperty(items, PYTHON_FLOATS, { value: floats })
    this.#depth--
    return items
  }

  #isNumberStart (): boolean {
    const c = this.#text.charCodeAt(this.#pos)
    return c === 0x2d || (c >= 0x30 && c <= 0x39)
  }

  #parseNumber (): { value: number, isIntegralFloat: boolean } {
    const text = this.#text
    const start = this.#pos
    let pos = start
    if (text.charCodeAt(pos) === 0x2d) pos++
    const first = text.charCodeAt(pos)
    if (first === 0x30) pos++
    else if (first >= 0x31 && first <= 0x39) pos = skipDigits(text, pos)
    else throw this.#syntax('invalid number')
    let isFloat = false
    if (text.charCodeAt(pos) === 0x2e) {
      const fractionEnd = skipDigits(text, pos + 1)
      if (fractionEnd === pos + 1) throw this.#syntax('invalid number')
      pos = fractionEnd
      isFloat = true
    }
    const e = text.charCodeAt(pos)
    if (e === 0x65 || e === 0x45) {
      pos++
      const s = text.charCodeAt(pos)
      if (s === 0x2b || s === 0x2d) pos++
      const exponentEnd = skipDigits(text, pos)
      if (exponentEnd === pos) throw this.#syntax('invalid number')
      pos = exponentEnd
      isFloat = true
    }
    this.#pos = pos
    const value = Number(text.slice(start, pos))
    if (!isFloat && !Number.isSafeInteger(value)) {
      throw this.#fail('unsafe_integer', 'integer outside ±(2^53−1)', Number.MAX_SAFE_INTEGER)
    }
    if (!Number.isFinite(value)) throw this.#fail('non_finite', 'number out of range')
    return { value, isIntegralFloat: isFloat && Number.isInteger(value) }
  }

  #parseString (): string {
    const text = this.#text
    const start = this.#pos + 1
    // Fast path: no escape and no control character before the closing quote.
    const quote = text.indexOf('"', start)
    if (quote !== -1 && quote - start <= this.#maxStringChars) {
      const raw = text.slice(start, quote)
      if (!NEEDS_SLOW_PATH.test(raw) && raw.isWellFormed()) {
        this.#pos = quote + 1
        return raw
      }
    }
    let pos = start
    let out = ''
    let chunkStart = start
    while (true) {
      // Each character takes at most six characters of escape, so this bound is exact enough.
      if (pos - start > this.#maxStringChars * 6) {
        throw this.#fail('string_too_long', `string longer than ${this.#maxStringChars} characters`, this.#maxStringChars)
      }
      const c = text.charCodeAt(pos)
      if (c === 0x22) break
      if (Number.isNaN(c)) throw this.#syntax('unterminated string')
      if (c < 0x20) throw this.#syntax('control character in string')
      if (c === 0x5c) {
        out += text.slice(chunkStart, pos)
        const [decoded, next] = this.#parseEscape(pos)
        out += decoded
        pos = next
        chunkStart = pos
        continue
      }
      pos++
    }
    out += text.slice(chunkStart, pos)
    if (out.length > this.#maxStringChars) {
      throw this.#fail('string_too_long', `string longer than ${this.#maxStringChars} characters`, this.#maxStringChars)
    }
    if (!out.isWellFormed()) throw this.#fail('lone_surrogate', 'string holds a lone surrogate')
    this.#pos = pos + 1
    return out
  }

  #parseEscape (pos: number): [string, number] {
    const c = this.#text.charCodeAt(pos + 1)
    switch (c) {
      case 0x22: return ['"', pos + 2]
      case 0x5c: return ['\\', pos + 2]
      case 0x2f: return ['/', pos + 2]
      case 0x62: return ['\b', pos + 2]
      case 0x66: return ['\f', pos + 2]
      case 0x6e: return ['\n', pos + 2]
      case 0x72: return ['\r', pos + 2]
      case 0x74: return ['\t', pos + 2]
      case 0x75: {
        const hex = this.#text.slice(pos + 2, pos + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.#syntax('invalid \\u escape')
        return [String.fromCharCode(Number.parseInt(hex, 16)), pos + 6]
      }
      default:
        throw this.#syntax('invalid escape')
    }
  }
}

function skipDigits (text: string, pos: number): number {
  while (pos < text.length) {
    const c = text.charCodeAt(pos)
    if (c < 0x30 || c > 0x39) break
    pos++
  }
  return pos
}
