/**
 * Bad input below the envelope: bytes that are not JSON, JSON that is not an object,
 * and text-level edits of a valid document that the hardened intake must refuse before
 * any object exists (DESIGN §6: size, depth, keys, duplicate and `__proto__` keys, unsafe
 * integers, lone surrogates, invalid UTF-8). Every arbitrary here yields bytes.
 */
import fc from 'fast-check'
import { canonicalize } from '../../src/protocol/canonical-json.ts'
import type { JsonValue } from '../../src/protocol/canonical-json.ts'
import { MAX_ENVELOPE_BYTES } from '../../src/protocol/constants.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'

const encoder = new TextEncoder()

/** UTF-8 bytes of `text`. */
export function utf8 (text: string): Uint8Array {
  return encoder.encode(text)
}

/** True for a 5-byte ping / pong frame, which the control channel treats as a heartbeat, not input. */
function isHeartbeatShape (bytes: Uint8Array): boolean {
  return bytes.length === 5 && (bytes[0] === 0x01 || bytes[0] === 0x02)
}

/** Arbitrary bytes, text and JSON that is no envelope (InvalidEnvelopeError at any entry point). */
export const junkArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).filter((bytes) => !isHeartbeatShape(bytes)),
  fc.string({ maxLength: 256, unit: 'binary' }).map(utf8),
  fc.json({ maxDepth: 4 }).map(utf8),
  fc.jsonValue({ maxDepth: 3 }).map((value) => utf8(JSON.stringify(value))),
  fc.constantFrom('', ' ', '{', '}', '[]', 'null', 'true', '"x"', '{"cip":"1.0"}', '{"mesh":"1.0"}', '{"lsa":"1.0"}', '\u{feff}{}', '{}garbage', 'NaN', '1e999').map(utf8)
)

/** `text` with `insertion` placed right after its first `{` (a member at the top level). */
export function insertAtTop (text: string, insertion: string): string {
  const brace = text.indexOf('{')
  return `${text.slice(0, brace + 1)}${insertion}${text.slice(brace + 1)}`
}

/** `text` with `insertion` placed right after the `{` that opens member `name`'s object, or at the top. */
export function insertInto (text: string, name: string, insertion: string): string {
  const at = text.indexOf(`"${name}":{`)
  if (at === -1) return insertAtTop(text, insertion)
  const brace = at + name.length + 3
  return `${text.slice(0, brace + 1)}${insertion}${text.slice(brace + 1)}`
}

/** The member names of the top level of a canonical document, to duplicate one of them. */
function topLevelKeys (document: JsonValue): string[] {
  return typeof document === 'object' && document !== null && !Array.isArray(document) ? Object.keys(document) : []
}

/** What a text-level edit of a document does to it. */
export interface TextEdit {
  category: 'duplicate_key' | 'forbidden_key' | 'deep' | 'oversized' | 'too_many_keys' | 'array_too_long' | 'unsafe_integer' | 'non_finite' | 'lone_surrogate' | 'invalid_utf8' | 'malformed_json'
  bytes: Uint8Array
}

/** Edits the canonical text of `document` so that `parseJson` must refuse it. */
export function textEditArb (document: JsonValue): fc.Arbitrary<TextEdit> {
  const text = canonicalize(document)
  const keys = topLevelKeys(document)
  const memberArb = fc.constantFrom(...(keys.length > 0 ? keys : ['x']))
  const nestArb = fc.constantFrom('payload', 'sender', 'receiver', 'sign', 'body', 'fact', 'state', 'source')
  const edit = (category: TextEdit['category'], edited: fc.Arbitrary<string | Uint8Array>): fc.Arbitrary<TextEdit> =>
    edited.map((value) => ({ category, bytes: typeof value === 'string' ? utf8(value) : value }))
  return fc.oneof(
    edit('duplicate_key', fc.tuple(memberArb, fc.jsonValue({ maxDepth: 1 })).map(([key, value]) => insertAtTop(text, `${JSON.stringify(key)}:${JSON.stringify(value)},`))),
    edit('duplicate_key', nestArb.map((name) => insertInto(text, name, `"k":1,"k":2,`))),
    edit('forbidden_key', fc.tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), nestArb, fc.boolean())
      .map(([key, name, isTop]) => isTop ? insertAtTop(text, `"${key}":{"is_admin":true},`) : insertInto(text, name, `"${key}":{"polluted":1},`))),
    edit('deep', fc.tuple(fc.integer({ min: 33, max: 400 }), fc.boolean(), fc.boolean())
      .map(([depth, isArray, isClosed]) => {
        const open = isArray ? '['.repeat(depth) : '{"a":'.repeat(depth)
        const close = isClosed ? (isArray ? ']'.repeat(depth) : '}'.repeat(depth)) : ''
        return insertAtTop(text, `"nested":${open}1${close},`)
      })),
    edit('oversized', fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('string', 'whitespace', 'array'))
      .map(([extra, shape]) => {
        const size = MAX_ENVELOPE_BYTES + extra
        if (shape === 'whitespace') return `${text}${' '.repeat(size - text.length)}`
        if (shape === 'array') return insertAtTop(text, `"pad":[${'0,'.repeat(Math.ceil(size / 2))}0],`)
        return insertAtTop(text, `"pad":"${'x'.repeat(size)}",`)
      })),
    edit('too_many_keys', fc.integer({ min: 257, max: 600 }).map((count) => insertInto(text, 'payload', Array.from({ length: count }, (_, i) => `"k${i}":0,`).join('')))),
    edit('array_too_long', fc.integer({ min: 1025, max: 3000 }).map((count) => insertAtTop(text, `"list":[${'1,'.repeat(count - 1)}1],`))),
    edit('unsafe_integer', fc.tuple(fc.bigInt({ min: 2n ** 53n, max: 2n ** 70n }), fc.boolean()).map(([big, isNegative]) => insertAtTop(text, `"n":${isNegative ? '-' : ''}${big},`))),
    edit('non_finite', fc.constantFrom('1e400', '-1e999', '2e308').map((number) => insertAtTop(text, `"n":${number},`))),
    edit('lone_surrogate', fc.constantFrom('\\ud800', '\\udfff', '\\ud83d x', 'a\\udc00b').map((escape) => insertAtTop(text, `"s":"${escape}",`))),
    edit('invalid_utf8', fc.constantFrom([0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]).map((bad) => {
      const [head = '', tail = ''] = insertAtTop(text, '"s":"@BAD@",').split('@BAD@')
      return new Uint8Array([...utf8(head), ...bad, ...utf8(tail)])
    })),
    edit('malformed_json', fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((at) => text.slice(0, at))),
    edit('malformed_json', fc.constantFrom('{"a":01}', '{"a":1,}', '{\'a\':1}', '{"a":.5}', '{"a":"\\x41"}', '{"a":"\t"}', '{"a" 1}', '[1 2]', '{"a":tru}').map((bad) => insertAtTop(text, `"x":${bad},`)))
  )
}

/**
 * A single-character edit (flip, insert, delete) of the document's text that changes what
 * it says — edits that parse to the same document (whitespace, `0.50` for `0.5`) are
 * left out, since the signature would still hold.
 */
export function characterEditArb (document: JsonValue): fc.Arbitrary<Uint8Array> {
  const text = canonicalize(document)
  const charArb = fc.constantFrom(...'"{}[]:,0123456789abcdefxyzABCDEF-+.e\\/ntfl*'.split(''))
  return fc.tuple(fc.integer({ min: 0, max: text.length - 1 }), fc.constantFrom('flip', 'insert', 'delete'), charArb)
    .map(([at, kind, char]) => {
      if (kind === 'delete') return text.slice(0, at) + text.slice(at + 1)
      if (kind === 'insert') return text.slice(0, at) + char + text.slice(at)
      return text.slice(0, at) + (text[at] === char ? '~' : char) + text.slice(at + 1)
    })
    .filter((edited) => !isSameDocument(edited, text))
    .map(utf8)
}

/** True when `edited` parses to the same canonical form as `original`. */
export function isSameDocument (edited: string, original: string): boolean {
  try {
    return canonicalize(parseJson(edited)) === original
  } catch {
    return false
  }
}
