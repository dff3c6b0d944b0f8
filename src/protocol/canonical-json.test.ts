// Canonical JSON (SPEC §3) against the Python reference: golden vectors written by
// test/fixtures/generate-canonical-vectors.py, unit tests, and property tests whose
// expected values come from test/interop/reference.py in one batch per property.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { startPythonReference } from '../../test/helpers/python-reference.ts'
import type { PythonReference } from '../../test/helpers/python-reference.ts'
import {
  canonicalBytes, canonicalize, compareCodePoints, formatCanonicalNumber, formatPythonFloat, PYTHON_FLOATS
} from './canonical-json.ts'
import { parseJson } from './json-intake.ts'

const SEED = 20261126

interface Vector { name: string, input_text: string, canonical: string }

const VECTORS = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'canonical-json-vectors.json'), 'utf8')
) as Vector[]

describe('canonicalize() golden vectors from the Python reference', () => {
  it('canonicalize() has vectors to check', () => {
    assert.ok(VECTORS.length >= 40)
  })
  for (const vector of VECTORS) {
    it(`canonicalize() matches Python for ${vector.name}`, () => {
      const canonical = canonicalize(parseJson(vector.input_text))
      assert.equal(canonical, vector.canonical)
      assert.deepEqual(canonicalBytes(parseJson(vector.input_text)), new TextEncoder().encode(vector.canonical))
      assert.equal(canonicalize(parseJson(vector.canonical)), vector.canonical, 'idempotent')
    })
  }
})

describe('formatPythonFloat()', () => {
  const cases: Array<[number, string]> = [
    [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [100, '100.0'], [-2.5, '-2.5'], [1.5, '1.5'],
    [1e15, '1000000000000000.0'], [9999999999999998, '9999999999999998.0'], [2 ** 53, '9007199254740992.0'],
    [1e16, '1e+16'], [1e22, '1e+22'], [1e100, '1e+100'], [123456789012345680000, '1.2345678901234568e+20'],
    [-1.5e300, '-1.5e+300'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    [1e-4, '0.0001'], [0.000123, '0.000123'], [0.00012345678901234567, '0.00012345678901234567'],
    [1e-5, '1e-05'], [2.5e-7, '2.5e-07'], [5e-324, '5e-324'], [2.2250738585072014e-308, '2.2250738585072014e-308'],
    [0.1, '0.1'], [1 / 3, '0.3333333333333333'], [12345.678, '12345.678'], [123456789.12345679, '123456789.12345679']
  ]
  for (const [x, expected] of cases) {
    it(`formatPythonFloat() writes ${expected} as Python's repr does`, () => {
      assert.equal(formatPythonFloat(x), expected)
    })
  }

  it('formatPythonFloat() throws TypeError when the number is not finite', () => {
    for (const x of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.throws(() => formatPythonFloat(x), TypeError)
    }
  })
})

describe('formatCanonicalNumber()', () => {
  it('formatCanonicalNumber() writes safe integers as integers unless the wire wrote a float', () => {
    assert.equal(formatCanonicalNumber(1, false), '1')
    assert.equal(formatCanonicalNumber(1, true), '1.0')
    assert.equal(formatCanonicalNumber(-0, false), '0')
    assert.equal(formatCanonicalNumber(-0, true), '-0.0')
    assert.equal(formatCanonicalNumber(Number.MAX_SAFE_INTEGER, false), '9007199254740991')
    assert.equal(formatCanonicalNumber(-Number.MAX_SAFE_INTEGER, false), '-9007199254740991')
  })

  it('formatCanonicalNumber() writes unsafe or fractional numbers as Python floats', () => {
    assert.equal(formatCanonicalNumber(2 ** 53, false), '9007199254740992.0')
    assert.equal(formatCanonicalNumber(1e21, false), '1e+21')
    assert.equal(formatCanonicalNumber(0.5, false), '0.5')
  })
})

/** Reference order: compare arrays of code points. */
function byCodePoints (a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!)
  const y = Array.from(b, (c) => c.codePointAt(0)!)
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!
  }
  return x.length - y.length
}

describe('compareCodePoints()', () => {
  it('compareCodePoints() puts astral characters after U+E000..U+FFFF, unlike UTF-16 order', () => {
    assert.deepEqual(['\uffff', '\u{10000}'].sort(), ['\u{10000}', '\uffff'], 'UTF-16 order differs here')
    assert.ok(compareCodePoints('\uffff', '\u{10000}') < 0)
    assert.ok(compareCodePoints('\u{1F600}', '\ue000') > 0)
    assert.ok(compareCodePoints('\ufb01', '\u{1F600}') < 0)
    assert.ok(compareCodePoints('\ud7ff', '\ue000') < 0)
    assert.ok(compareCodePoints('\u{10FFFF}', '\u{1F600}') > 0)
  })

  it('compareCodePoints() orders prefixes first and equal strings as 0', () => {
    assert.ok(compareCodePoints('a', 'ab') < 0)
    assert.ok(compareCodePoints('ab', 'a') > 0)
    assert.ok(compareCodePoints('', 'a') < 0)
    assert.equal(compareCodePoints('é😀', 'é😀'), 0)
    assert.deepEqual(['b', '\u{1F600}', '\uffff', 'a', '\ue000', ''].sort(compareCodePoints), ['', 'a', 'b', '\ue000', '\uffff', '\u{1F600}'])
  })

  it('compareCodePoints() agrees in sign with code point order for random strings', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'z', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}'), maxLength: 5 })
    const anyText = fc.oneof(text, fc.string({ unit: 'binary', maxLength: 5 }))
    fc.assert(fc.property(anyText, anyText, (a, b) => {
      assert.equal(Math.sign(compareCodePoints(a, b)), Math.sign(byCodePoints(a, b)))
    }), { seed: SEED, numRuns: 2000 })
  })
})

describe('canonicalize()', () => {
  it('canonicalize() leaves out omitted members of the top-level object only', () => {
    const value = { sign: 1, hops: [1], body: { sign: 2 } }
    assert.equal(canonicalize(value, new Set(['sign', 'hops'])), '{"body":{"sign":2}}')
  })

  it('canonicalize() skips undefined members and accepts null-prototype objects', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { b: undefined, a: 1 })
    assert.equal(canonicalize(value), '{"a":1}')
  })

  it('canonicalize() writes a member as a float when PYTHON_FLOATS names it', () => {
    const value = { a: 1, b: 1, list: [2, 2] }
    Object.defineProperty(value, PYTHON_FLOATS, { value: new Set(['a']) })
    Object.defineProperty(value.list, PYTHON_FLOATS, { value: new Set([1]) })
    assert.equal(canonicalize(value), '{"a":1.0,"b":1,"list":[2,2.0]}')
  })

  it('canonicalize() throws TypeError on lone surrogates, non-plain objects and non-JSON types', () => {
    for (const value of ['\ud800', { '\udc00': 1 }, new Date(0), new Map(), 1n, () => 1, Symbol('x'), [Number.NaN]]) {
      assert.throws(() => canonicalize(value), TypeError)
    }
  })
})

// ---------------------------------------------------------------------------------
// Properties against the Python reference.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
/** Characters where JSON writers and code point order disagree most. */
const TRICKY = fc.constantFrom(
  '\u0000', '\u001f', '\u007f', '"', '\\', '/', '\b', '\n', '\u2028', '\u2029', '\u00e9',
  '\u0416', '\u4e2d', '\ud7ff', '\ue000', '\ufeff', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}', 'a', 'Z', '0'
)
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: TRICKY, maxLength: 6 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 6 })
)
const key = text.filter((k) => !FORBIDDEN_KEYS.has(k))
/** Doubles JSON.stringify writes as integer lexemes above 2^53 are refused (unsafe_integer), not compared. */
const double = fc.double({ noNaN: true, noDefaultInfinity: true })
  .filter((d) => !(Number.isInteger(d) && Math.abs(d) > Number.MAX_SAFE_INTEGER && Math.abs(d) < 1e21))
const number = fc.oneof(fc.maxSafeInteger(), double, fc.integer({ min: -1e6, max: 1e6 }).map((n) => n / 1000))

const { jsonValue } = fc.letrec<{ jsonValue: unknown }>((tie) => ({
  jsonValue: fc.oneof(
    { depthSize: 'small', maxDepth: 4, depthIdentifier: 'json' },
    fc.constantFrom(null, true, false), number, text,
    fc.array(tie('jsonValue'), { maxLength: 5, depthIdentifier: 'json' }),
    fc.dictionary(key, tie('jsonValue'), { maxKeys: 5, depthIdentifier: 'json' })
  )
}))
/** JSON.stringify of a random value, compact or indented. */
const stringified = fc.tuple(jsonValue, fc.constantFrom(undefined, 1)).map(([v, indent]) => JSON.stringify(v, null, indent))

/** Float lexemes as Python (or a hand-written file) may spell them. */
function floatLexeme (d: number, style: number): string {
  if (Object.is(d, -0)) return ['-0.0', '-0e0', '-0.000', '-0E+1'][style]!
  switch (style) {
    case 0: return d.toExponential()
    case 1: return d.toExponential().toUpperCase().replace('E+', 'E')
    case 2: return Number.isInteger(d) && Math.abs(d) < 1e21 ? d.toFixed(1) : String(d)
    default: {
      // 17 digits, not always the shortest; an integral value with 17 digits gets no point.
      const digits = d.toPrecision(17)
      return /[.e]/.test(digits) ? digits : `${digits}.0`
    }
  }
}
const numberLexeme = fc.oneof(
  fc.maxSafeInteger().map(String),
  fc.tuple(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -1000, max: 1000 })), fc.nat({ max: 3 }))
    .map(([d, style]) => floatLexeme(d, style))
)
/** A string literal: as JSON.stringify writes it, or every unit as a \u escape. */
function stringLiteral (s: string, escapeAll: boolean): string {
  if (!escapeAll) return JSON.stringify(s)
  return `"${Array.from({ length: s.length }, (_, i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"`
}
const stringLexeme = fc.tuple(text, fc.boolean()).map(([s, escapeAll]) => stringLiteral(s, escapeAll))
const whitespace = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ')
/** JSON text with float lexemes (1.0, 1E2, -0.0), escapes and whitespace; always a container at the top. */
const { jsonText } = fc.letrec<{ jsonText: string, member: string }>((tie) => ({
  member: fc.oneof(
    { depthSize: 'small', maxDepth: 4, depthIdentifier: 'text' },
    fc.constantFrom('null', 'true', 'false'), numberLexeme, numberLexeme, stringLexeme, tie('jsonText')
  ),
  jsonText: fc.oneof(
    { depthIdentifier: 'text' },
    fc.tuple(fc.array(tie('member'), { maxLength: 5, depthIdentifier: 'text' }), whitespace)
      .map(([items, ws]) => `[${ws}${items.join(`${ws},${ws}`)}${ws}]`),
    fc.tuple(
      fc.uniqueArray(fc.tuple(key, fc.boolean(), tie('member')), { maxLength: 5, selector: ([k]) => k, depthIdentifier: 'text' }),
      whitespace
    ).map(([members, ws]) => `{${ws}${members.map(([k, escapeAll, v]) => `${stringLiteral(k, escapeAll)}${ws}:${ws}${v}`).join(`${ws},${ws}`)}${ws}}`)
  )
}))

describe('canonicalize() against the Python reference (properties)', () => {
  let python: PythonReference
  before(() => {
    python = startPythonReference()
  })
  after(async () => {
    await python.close()
  })

  /** Python's canonical form of each text: all in one batch; shrunk cases ask again. */
  async function pythonCanonicals (texts: readonly string[]): Promise<(t: string) => Promise<string>> {
    const answers = await python.batch(texts.map((t) => ({ op: 'canonical', text: t })))
    const known = new Map(texts.map((t, i) => [t, answers[i]?.canonical]))
    return async (t) => {
      const canonical = known.get(t) ?? (await python.call({ op: 'canonical', text: t })).canonical
      assert.ok(canonical !== undefined, `Python refused ${t}`)
      return canonical
    }
  }

  async function checkAgainstPython (arbitrary: fc.Arbitrary<string>, numRuns: number): Promise<void> {
    const texts = fc.sample(arbitrary, { seed: SEED, numRuns })
    const python1 = await pythonCanonicals(texts)
    // A text we fail on is left to the property below, which shrinks it and prints the seed.
    const ours = texts.flatMap((t) => {
      try {
        return [canonicalize(parseJson(t))]
      } catch {
        return []
      }
    })
    // (b), Python direction: Python reads our canonical text back to the same bytes.
    const python2 = await pythonCanonicals(ours)
    await fc.assert(fc.asyncProperty(arbitrary, async (t) => {
      const expected = await python1(t)
      const canonical = canonicalize(parseJson(t))
      assert.equal(canonical, expected)
      // (b), our direction: Python's canonical text parses and re-canonicalises to itself.
      assert.equal(canonicalize(parseJson(expected)), expected)
      assert.equal(await python2(canonical), canonical)
    }), { seed: SEED, numRuns })
  }

  it('canonicalize(parseJson(JSON.stringify(v))) equals Python\'s canonical form for random values', async () => {
    await checkAgainstPython(stringified, 400)
  })

  it('canonicalize(parseJson(text)) equals Python\'s canonical form for texts with float lexemes and escapes', async () => {
    await checkAgainstPython(jsonText, 400)
  })

  it('formatPythonFloat(x) equals Python\'s repr(x) for random doubles', async () => {
    const doubles = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: -1e17, max: 1e17, noNaN: true }),
      fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
      fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 2 ** 10),
      fc.maxSafeInteger()
    )
    const numRuns = 2000
    const samples = fc.sample(doubles, { seed: SEED, numRuns })
    const wire = (x: number): number | string => (Object.is(x, -0) ? '-0' : x)
    const answers = await python.batch(samples.map((x) => ({ op: 'repr_float', value: wire(x) })))
    const known = new Map(samples.map((x, i) => [formatKey(x), answers[i]?.repr]))
    await fc.assert(fc.asyncProperty(doubles, async (x) => {
      const repr = known.get(formatKey(x)) ?? (await python.call({ op: 'repr_float', value: wire(x) })).repr
      assert.equal(formatPythonFloat(x), repr)
    }), { seed: SEED, numRuns })
  })
})

function formatKey (x: number): string {
  return Object.is(x, -0) ? '-0' : String(x)
}

describe('canonicalize() key order', () => {
  it('canonicalize() does not depend on key insertion order', () => {
    const entries = fc.uniqueArray(fc.tuple(key, jsonValue), { maxLength: 8, selector: ([k]) => k })
    const orders = entries.chain((e) => fc.tuple(fc.constant(e), fc.shuffledSubarray(e, { minLength: e.length, maxLength: e.length })))
    fc.assert(fc.property(orders, ([inOrder, shuffled]) => {
      const expected = canonicalize(Object.fromEntries(inOrder))
      assert.equal(canonicalize(Object.fromEntries(shuffled)), expected)
      assert.equal(canonicalize(Object.fromEntries([...inOrder].reverse())), expected)
      assert.equal(canonicalize({ outer: Object.fromEntries(shuffled) }), `{"outer":${expected}}`)
    }), { seed: SEED, numRuns: 500 })
  })
})
