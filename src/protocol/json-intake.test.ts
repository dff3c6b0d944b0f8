// Hardened JSON intake (DESIGN §6 "JSON" and "sizes"): every refusal reason from a
// minimal input, prototype safety, agreement with JSON.parse, and fuzzing.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { PYTHON_FLOATS } from './canonical-json.ts'
import {
  MAX_ARRAY_ITEMS, MAX_JSON_DEPTH, MAX_MESSAGE_BYTES, MAX_OBJECT_KEYS, MAX_STRING_CHARS
} from './constants.ts'
import { parseJson } from './json-intake.ts'
import type { JsonLimits } from './json-intake.ts'

const SEED = 20261126
const REASONS: ReadonlySet<string> = new Set([
  'too_large', 'invalid_utf8', 'syntax', 'depth', 'too_many_keys', 'array_too_long',
  'string_too_long', 'unsafe_integer', 'non_finite', 'duplicate_key', 'forbidden_key', 'lone_surrogate'
])

/** Asserts that parsing `input` throws InvalidEnvelopeError with `reason`. */
function assertRefused (input: string | Uint8Array, reason: string, limits?: JsonLimits): void {
  assert.throws(() => parseJson(input, limits), { name: 'InvalidEnvelopeError', reason }, `expected ${reason} for ${JSON.stringify(typeof input === 'string' ? input.slice(0, 60) : [...input.slice(0, 20)])}`)
}

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values)
const nestedArrays = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)
const nestedObjects = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)
const objectWithKeys = (count: number): string => `{${Array.from({ length: count }, (_, i) => `"k${i}":${i}`).join(',')}}`
const arrayOf = (count: number): string => `[${Array(count).fill('0').join(',')}]`

describe('parseJson() size', () => {
  it('parseJson() refuses with too_large when a string input exceeds maxBytes', () => {
    assertRefused('[1,2]', 'too_large', { maxBytes: 4 })
    assert.deepEqual(parseJson('[1,2]', { maxBytes: 5 }), [1, 2])
  })

  it('parseJson() counts a string input in UTF-8 bytes, not characters', () => {
    assertRefused('"ééé"', 'too_large', { maxBytes: 7 })
    assert.equal(parseJson('"ééé"', { maxBytes: 8 }), 'ééé')
    assertRefused('"😀"', 'too_large', { maxBytes: 5 })
  })

  it('parseJson() refuses with too_large when byte input exceeds maxBytes', () => {
    assertRefused(new TextEncoder().encode('[1,2]'), 'too_large', { maxBytes: 4 })
    assert.deepEqual(parseJson(new TextEncoder().encode('[1,2]'), { maxBytes: 5 }), [1, 2])
  })

  it('parseJson() refuses with too_large above the default 1 MiB', () => {
    const text = `"${'a'.repeat(MAX_MESSAGE_BYTES - 1)}"`
    assertRefused(text, 'too_large')
    assertRefused(new Uint8Array(MAX_MESSAGE_BYTES + 1), 'too_large')
  })
})

describe('parseJson() UTF-8', () => {
  it('parseJson() refuses with invalid_utf8 when bytes are not UTF-8', () => {
    assertRefused(bytes(0x22, 0xff, 0x22), 'invalid_utf8')
    assertRefused(bytes(0x22, 0xc0, 0xaf, 0x22), 'invalid_utf8') // overlong "/"
    assertRefused(bytes(0x22, 0xed, 0xa0, 0x80, 0x22), 'invalid_utf8') // encoded surrogate
    assertRefused(bytes(0x22, 0xe2, 0x82, 0x22), 'invalid_utf8') // truncated sequence
    assertRefused(bytes(0x22, 0xf4, 0x90, 0x80, 0x80, 0x22), 'invalid_utf8') // above U+10FFFF
  })

  it('parseJson() reads multi-byte UTF-8 input', () => {
    assert.deepEqual(parseJson(new TextEncoder().encode('{"ключ":"😀中"}')), { ключ: '😀中' })
  })
})

describe('parseJson() syntax', () => {
  const invalid = [
    '', ' ', '[1,]', '{"a":1,}', '[,1]', '[1,,2]', '{,}', '{\'a\':1}', '[\'a\']', '{a:1}', '{1:2}',
    'NaN', '[NaN]', 'Infinity', '-Infinity', '[Infinity]', 'undefined',
    '01', '[01]', '-01', '00', '+1', '[+1]', '.5', '[.5]', '1.', '[1.]', '1.e3', '-', '[-]', '--1', '1e', '1e+', '1E-', '0x10', '1_000',
    '"abc', '[1', '[1,', '{"a":1', '{"a"', '{"a":}', '{"a" 1}', '[1 2]', '{"a":1 "b":2}',
    '\ufeff{}', '/* c */ {}', '{} // c', '// c\n{}', '{}x', '{} {}', '[] []', '1 2',
    'tru', 'nul', 'fals', 'True', 'NULL', 'truee',
    '"\\x41"', '"\\u12"', '"\\u12G4"', '"\\U0041"', '"\\a"', '"\\', '"\u0001"', '"a\nb"', '"\t"', '"\u001f"',
    '\u00a0[]', '[]\u00a0', '\u2028[]', '\v[]', '\f[]'
  ]
  for (const text of invalid) {
    it(`parseJson() refuses with syntax: ${JSON.stringify(text)}`, () => {
      assertRefused(text, 'syntax')
    })
  }

  it('parseJson() refuses a UTF-8 BOM in bytes with syntax', () => {
    assertRefused(bytes(0xef, 0xbb, 0xbf, 0x7b, 0x7d), 'syntax')
  })

  it('parseJson() accepts JSON whitespace and every escape', () => {
    assert.deepEqual(parseJson(' \t\r\n{ "a" : [ 1 , 2 ] }\n'), { a: [1, 2] })
    assert.equal(parseJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00"'), '"\\/\b\f\n\r\tAé😀')
    assert.equal(parseJson('"\u007f\u2028"'), '\u007f\u2028')
  })
})

describe('parseJson() depth', () => {
  it('parseJson() accepts 32 levels and refuses 33 with depth', () => {
    assert.equal(MAX_JSON_DEPTH, 32)
    assert.doesNotThrow(() => parseJson(nestedArrays(32)))
    assert.doesNotThrow(() => parseJson(nestedObjects(32)))
    assertRefused(nestedArrays(33), 'depth')
    assertRefused(nestedObjects(33), 'depth')
    assertRefused(`{"a":${nestedArrays(32)}}`, 'depth')
  })

  it('parseJson() refuses very deep input with depth, not a stack overflow', () => {
    assertRefused('['.repeat(100_000), 'depth')
  })

  it('parseJson() counts depth back down after closing a container', () => {
    const siblings = `[${Array(40).fill(nestedArrays(31)).join(',')}]`
    assert.doesNotThrow(() => parseJson(siblings))
    assertRefused('[[1]]', 'depth', { maxDepth: 1 })
  })
})

describe('parseJson() counts', () => {
  it('parseJson() accepts 256 keys and refuses 257 with too_many_keys', () => {
    assert.equal(MAX_OBJECT_KEYS, 256)
    assert.equal(Object.keys(parseJson(objectWithKeys(256)) as object).length, 256)
    assertRefused(objectWithKeys(257), 'too_many_keys')
    assertRefused(`[${objectWithKeys(257)}]`, 'too_many_keys')
  })

  it('parseJson() accepts 1024 items and refuses 1025 with array_too_long', () => {
    assert.equal(MAX_ARRAY_ITEMS, 1024)
    assert.equal((parseJson(arrayOf(1024)) as unknown[]).length, 1024)
    assertRefused(arrayOf(1025), 'array_too_long')
    assertRefused(`{"a":${arrayOf(1025)}}`, 'array_too_long')
    assertRefused('[1,2]', 'array_too_long', { maxArrayItems: 1 })
  })

  it('parseJson() accepts a 65536-unit string and refuses 65537 with string_too_long', () => {
    assert.equal(MAX_STRING_CHARS, 65_536)
    assert.equal((parseJson(`"${'a'.repeat(65_536)}"`) as string).length, 65_536)
    assertRefused(`"${'a'.repeat(65_537)}"`, 'string_too_long')
    assertRefused(`{"${'k'.repeat(65_537)}":1}`, 'string_too_long')
  })

  it('parseJson() counts string length after escapes', () => {
    assert.equal((parseJson(`"${'\\u0061'.repeat(65_536)}"`) as string).length, 65_536)
    assertRefused(`"${'\\u0061'.repeat(65_537)}"`, 'string_too_long')
    assertRefused(`"${'\\ud83d\\ude00'.repeat(32_768)}a"`, 'string_too_long')
    assertRefused(`"${'😀'.repeat(32_768)}a"`, 'string_too_long')
    assert.equal((parseJson(`"${'\\n'.repeat(65_536)}"`) as string).length, 65_536)
  })
})

describe('parseJson() numbers', () => {
  it('parseJson() refuses integers beyond ±(2^53−1) with unsafe_integer', () => {
    assertRefused('9007199254740992', 'unsafe_integer')
    assertRefused('[-9007199254740992]', 'unsafe_integer')
    assertRefused(`{"a":${'9'.repeat(400)}}`, 'unsafe_integer')
    assert.equal(parseJson('9007199254740991'), Number.MAX_SAFE_INTEGER)
    assert.equal(parseJson('-9007199254740991'), -Number.MAX_SAFE_INTEGER)
  })

  it('parseJson() accepts large values written as floats', () => {
    assert.deepEqual(parseJson('[9007199254740993.0]'), [2 ** 53])
    assert.deepEqual(parseJson('[1e300,1E21,-1.5e308]'), [1e300, 1e21, -1.5e308])
  })

  it('parseJson() refuses numbers that overflow with non_finite', () => {
    assertRefused('1e400', 'non_finite')
    assertRefused('[-1e400]', 'non_finite')
    assertRefused(`{"a":${'9'.repeat(400)}.0}`, 'non_finite')
    assert.ok(Object.is(parseJson('-1e-400'), -0))
  })

  it('parseJson() records integral float lexemes in PYTHON_FLOATS of their container', () => {
    const value = parseJson('{"a":1.0,"b":1,"c":1e2,"d":0.5,"e":[2,-0.0]}') as Record<string, unknown>
    assert.deepEqual([...(value as Record<symbol, Set<string>>)[PYTHON_FLOATS]!], ['a', 'c'])
    assert.deepEqual([...(value.e as Record<symbol, Set<number>>)[PYTHON_FLOATS]!], [1])
    assert.equal(Object.getOwnPropertyDescriptor(value, PYTHON_FLOATS)?.enumerable, false)
  })
})

describe('parseJson() member names', () => {
  it('parseJson() refuses duplicate keys with duplicate_key, however they are spelled', () => {
    assertRefused('{"a":1,"a":2}', 'duplicate_key')
    assertRefused('{"a":1,"\\u0061":2}', 'duplicate_key')
    assertRefused('{"é":1,"\\u00e9":2}', 'duplicate_key')
    assertRefused('{"😀":1,"\\ud83d\\ude00":2}', 'duplicate_key')
    assertRefused('{"/":1,"\\/":2}', 'duplicate_key')
    assertRefused('[{"x":{"a":1,"a":1}}]', 'duplicate_key')
    assert.deepEqual(parseJson('{"a":{"a":1},"b":{"a":2}}'), { a: { a: 1 }, b: { a: 2 } })
  })

  it('parseJson() refuses __proto__, constructor and prototype with forbidden_key, also through escapes', () => {
    for (const name of ['__proto__', 'constructor', 'prototype', '\\u005f_proto__', '\\u005F\\u005Fproto\\u005f\\u005f', 'constructo\\u0072', 'protot\\u0079pe']) {
      assertRefused(`{"${name}":{}}`, 'forbidden_key')
      assertRefused(`[{"a":{"${name}":1}}]`, 'forbidden_key')
    }
    assert.deepEqual(parseJson('{"__proto":1,"Constructor":2,"proto":3}'), { __proto: 1, Constructor: 2, proto: 3 })
  })

  it('parseJson() refuses lone surrogates with lone_surrogate', () => {
    for (const text of ['"\\ud800"', '"\\udc00"', '"\\ude00\\ud83d"', '"a\\ud83d"', '{"\\udfff":1}', '["\\ud83d\\u0041"]', '"\ud800"']) {
      assertRefused(text, 'lone_surrogate')
    }
  })
})

describe('parseJson() prototype safety', () => {
  it('parseJson() never pollutes Object.prototype', () => {
    const texts = [
      '{"__proto__":{"polluted":true}}', '{"a":{"__proto__":{"polluted":true}}}',
      '{"constructor":{"prototype":{"polluted":true}}}', '[{"\\u005f_proto__":{"polluted":true}}]'
    ]
    for (const text of texts) assertRefused(text, 'forbidden_key')
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false)
  })

  it('parseJson() returns plain objects whose members are own data properties', () => {
    const value = parseJson('{"toString":1,"hasOwnProperty":2,"valueOf":"x","__defineGetter__":null,"a":{"b":[true]}}') as Record<string, unknown>
    assert.equal(Object.getPrototypeOf(value), Object.prototype)
    assert.deepEqual(Object.keys(value), ['toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'a'])
    assert.deepEqual(Object.getOwnPropertyNames(value), Object.keys(value))
    for (const name of Object.keys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, name)
      assert.ok(descriptor !== undefined && 'value' in descriptor && descriptor.writable === true && descriptor.enumerable === true)
    }
    assert.equal(Reflect.get(value, 'toString'), 1)
    assert.equal(Object.getPrototypeOf(value.a), Object.prototype)
    assert.ok(Array.isArray((value.a as Record<string, unknown>).b))
    assert.deepEqual(value, JSON.parse('{"toString":1,"hasOwnProperty":2,"valueOf":"x","__defineGetter__":null,"a":{"b":[true]}}'))
  })
})

// ---------------------------------------------------------------------------------
// Properties.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('\u0000', '"', '\\', '/', '\n', '\u2028', 'é', '\uffff', '\u{1F600}', 'a'), maxLength: 6 })
)
const key = text.filter((k) => !FORBIDDEN_KEYS.has(k))
/** Doubles JSON.stringify writes as integers above 2^53 are refused by design (unsafe_integer). */
const double = fc.double({ noNaN: true, noDefaultInfinity: true })
  .filter((d) => !(Number.isInteger(d) && Math.abs(d) > Number.MAX_SAFE_INTEGER && Math.abs(d) < 1e21))
const { jsonValue } = fc.letrec<{ jsonValue: unknown }>((tie) => ({
  jsonValue: fc.oneof(
    { depthSize: 'small', maxDepth: 5, depthIdentifier: 'json' },
    fc.constantFrom(null, true, false), fc.maxSafeInteger(), double, text,
    fc.array(tie('jsonValue'), { maxLength: 6, depthIdentifier: 'json' }),
    fc.dictionary(key, tie('jsonValue'), { maxKeys: 6, depthIdentifier: 'json', noNullPrototype: true })
  )
}))

/** Calls parseJson and asserts it returns or throws only InvalidEnvelopeError with a known reason. */
function parseOrRefuse (input: string | Uint8Array, limits?: JsonLimits): void {
  try {
    parseJson(input, limits)
  } catch (err) {
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'InvalidEnvelopeError', String(err))
    assert.ok(REASONS.has((err as Error & { reason: string }).reason), String(err))
  }
}

describe('parseJson() properties', () => {
  it('parseJson(JSON.stringify(v)) deep-equals JSON.parse of the same text, as string and as bytes', () => {
    fc.assert(fc.property(jsonValue, fc.constantFrom(undefined, 2), (value, indent) => {
      const json = JSON.stringify(value, null, indent)
      const expected: unknown = JSON.parse(json)
      assert.deepStrictEqual(parseJson(json), expected)
      assert.deepStrictEqual(parseJson(new TextEncoder().encode(json)), expected)
    }), { seed: SEED, numRuns: 500 })
  })

  it('parseJson() throws nothing but InvalidEnvelopeError on random strings', () => {
    const noise = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', '1', 'e', '-', '.', ' ', 't', 'n', 'd', '\ud800'), maxLength: 40 })
    )
    fc.assert(fc.property(noise, (input) => {
      parseOrRefuse(input)
    }), { seed: SEED, numRuns: 2000 })
  })

  it('parseJson() throws nothing but InvalidEnvelopeError on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
      parseOrRefuse(input)
    }), { seed: SEED, numRuns: 2000 })
  })

  it('parseJson() throws nothing but InvalidEnvelopeError on mutated JSON under small limits', () => {
    const mutation = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 2 }))
    const limits = fc.record({
      maxBytes: fc.integer({ min: 1, max: 400 }),
      maxDepth: fc.integer({ min: 1, max: 4 }),
      maxKeys: fc.integer({ min: 1, max: 4 }),
      maxArrayItems: fc.integer({ min: 1, max: 4 }),
      maxStringChars: fc.integer({ min: 1, max: 6 })
    })
    fc.assert(fc.property(jsonValue, fc.array(mutation, { maxLength: 3 }), limits, (value, mutations, small) => {
      let json = JSON.stringify(value)
      for (const [at, cut, insert] of mutations) {
        const i = at % (json.length + 1)
        json = json.slice(0, i) + insert + json.slice(i + cut)
      }
      parseOrRefuse(json)
      parseOrRefuse(json, small)
      parseOrRefuse(new TextEncoder().encode(json), small)
    }), { seed: SEED, numRuns: 1000 })
  })
})
