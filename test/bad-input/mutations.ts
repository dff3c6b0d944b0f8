/**
 * Mutations of a valid signed envelope, each with the typed refusals it must meet
 * (SPEC §3–§4, §15.10): forged, malleated and reused signatures, changed signed members,
 * wrong JSON types, missing and extra members, unknown versions and types, stale and
 * future timestamps. Text-level edits live in `raw-json.ts`.
 */
import fc from 'fast-check'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import type { JsonValue } from '../../src/protocol/canonical-json.ts'
import { formatRfc3339 } from '../../src/protocol/envelope/freshness.ts'
import { sealEnvelope } from '../../src/protocol/envelope/seal.ts'
import { signedBytesOf } from '../../src/protocol/envelope/signature-scope.ts'
import type { Envelope } from '../../src/protocol/envelope/types.ts'
import { BODY_TYPES, CIP_TYPES, HCP_TYPES, LIP_TYPES } from '../../src/protocol/envelope/types.ts'
import { signBytes } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { flipSignatureBits, identityArb, malleateSignature, nonCanonicalR, signatureBitsArb } from './identities.ts'
import { uuidArb } from './envelopes.ts'

/** The error names a refusal may carry, and the router's and link state's refusals that are not thrown. */
export type Outcome =
  | 'InvalidEnvelopeError' | 'PayloadSchemaError' | 'SignatureMismatchError' | 'TimestampError' | 'TrustViolationError' | 'ReplayError'
  | `drop:${string}` | 'lsa:stale' | 'lsa:conflict'

/** One generated bad input: its bytes and the refusals that are right for it. */
export interface BadInput {
  readonly category: string
  readonly bytes: Uint8Array
  readonly expected: readonly Outcome[]
}

/**
 * How far a stale or future timestamp lies from the envelope's own: past the ±120 s window
 * (SPEC §3) however the envelope was skewed (±30 s) and however long it waits to be sent.
 */
export const STALE_MIN_SECONDS = 300

/** Refusals of a document that fails its schema. */
export const SCHEMA: readonly Outcome[] = ['InvalidEnvelopeError', 'PayloadSchemaError']
/** Refusals of a document whose signed content changed (schema first, then the signature). */
export const CHANGED: readonly Outcome[] = ['InvalidEnvelopeError', 'PayloadSchemaError', 'SignatureMismatchError']
/** Refusals of any edit of an envelope. */
export const ANY_ENVELOPE: readonly Outcome[] = ['InvalidEnvelopeError', 'PayloadSchemaError', 'SignatureMismatchError', 'TimestampError']

type Json = Record<string, unknown>

/** A deep copy of an envelope as plain JSON. */
export function clone<T> (value: T): T & Json {
  return structuredClone(value) as T & Json
}

/** A path to a member: object keys and array indexes. */
type Path = ReadonlyArray<string | number>

/** Every path to a leaf (string, number, boolean) of `value`, except those `isExcluded` names. */
export function leafPaths (value: unknown, isExcluded: (path: Path) => boolean, prefix: Path = []): Path[] {
  if (isExcluded(prefix)) return []
  if (Array.isArray(value)) return value.flatMap((item, i) => leafPaths(item, isExcluded, [...prefix, i]))
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => leafPaths(item, isExcluded, [...prefix, key]))
  return prefix.length === 0 ? [] : [prefix]
}

/** Every path to a member (leaf or not) of `value`. */
export function memberPaths (value: unknown, isExcluded: (path: Path) => boolean, prefix: Path = []): Path[] {
  if (isExcluded(prefix)) return []
  const own = prefix.length === 0 ? [] : [prefix]
  if (Array.isArray(value)) return [...own, ...value.flatMap((item, i) => memberPaths(item, isExcluded, [...prefix, i]))]
  if (typeof value === 'object' && value !== null) return [...own, ...Object.entries(value).flatMap(([key, item]) => memberPaths(item, isExcluded, [...prefix, key]))]
  return own
}

function parentOf (root: Json, path: Path): Record<string | number, unknown> {
  let node: unknown = root
  for (const key of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[key]
  return node as Record<string | number, unknown>
}

/** `root` with the member at `path` set to `value` (or deleted when `value` is undefined). */
export function withMember (root: Json, path: Path, value: unknown): Json {
  const copy = clone(root)
  const parent = parentOf(copy, path)
  const key = path.at(-1) ?? ''
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1)
    else Reflect.deleteProperty(parent, key)
  } else {
    parent[key] = value
  }
  return copy
}

function valueAt (root: Json, path: Path): unknown {
  return parentOf(root, path)[path.at(-1) ?? '']
}

/** The sender members whose change is impersonation on a direct link (SPEC §15.7): never changed here. */
function isIdentityPath (path: Path): boolean {
  return (path[0] === 'sender' && (path[1] === 'fingerprint' || path[1] === 'pubkey')) || path[0] === 'sign'
}

/** The JSON type class of a value. */
function typeClass (value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

/** A value of another JSON type than `value`. */
function otherTypeArb (value: unknown): fc.Arbitrary<JsonValue> {
  return fc.oneof<fc.Arbitrary<JsonValue>[]>(fc.constant(null), fc.boolean(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 8 }), fc.constant([]), fc.constant({}), fc.constant([1, 'two']), fc.constant({ x: 1 }))
    .filter((candidate) => typeClass(candidate) !== typeClass(value))
}

/** A changed leaf value of the same JSON type (msg_id and timestamps stay well-formed and fresh). */
function changedLeafArb (path: Path, value: unknown): fc.Arbitrary<unknown> {
  const name = path.at(-1)
  if (name === 'msg_id' || name === 'id') return uuidArb.filter((uuid) => uuid !== value)
  if ((name === 'timestamp' || name === 'created_at') && typeof value === 'string') {
    return fc.integer({ min: 1, max: 30 }).chain((seconds) => fc.constantFrom(-1, 1).map((sign) => formatRfc3339(Date.parse(value) + sign * seconds * 1000)))
  }
  if (typeof value === 'string') return fc.oneof(fc.constant(`${value}x`), fc.string({ minLength: 1, maxLength: 12 })).filter((text) => text !== value)
  if (typeof value === 'number') return fc.oneof(fc.constant(value + 1), fc.constant(value / 2 + 0.25), fc.integer()).filter((number) => number !== value)
  return fc.constant(value !== true)
}

/** `envelope` signed again by `identity` under its own sender block (or any other signer's key). */
function signedBy (envelope: Json, identity: KeyPairIdentity): Json {
  return { ...envelope, sign: { algo: 'ed25519', signature: signBytes(identity, signedBytesOf(envelope)) } }
}

function input (category: string, document: unknown, expected: readonly Outcome[]): BadInput {
  return { category, bytes: canonicalBytes(document), expected }
}

/** A bad input of raw bytes. */
export function rawInput (category: string, bytes: Uint8Array, expected: readonly Outcome[]): BadInput {
  return { category, bytes, expected }
}

/**
 * Mutations of a signed envelope that a receiver must refuse, none of which changes the
 * sender's fingerprint or key (on a direct link that is impersonation, see
 * `impersonationArb`). `resign` seals a changed envelope again under its own sender.
 */
export function envelopeMutationArb (envelope: Envelope, resign: (changed: Json) => Json): fc.Arbitrary<BadInput> {
  const base = clone(envelope)
  const signature = envelope.sign.signature
  const leaves = leafPaths(base, isIdentityPath)
  const members = memberPaths(base, (path) => isIdentityPath(path) || path.length > 4)
  const familyTypes = 'cip' in base ? CIP_TYPES : 'hcp' in base ? HCP_TYPES : 'lip' in base ? LIP_TYPES : BODY_TYPES
  const withSignature = (sig: string): Json => ({ ...base, sign: { algo: 'ed25519', signature: sig } })
  const atTime = (offsetMs: number): Json => resign({ ...base, ...('mesh' in base ? { created_at: formatRfc3339(Date.parse(envelope.timestamp) + offsetMs) } : {}), timestamp: formatRfc3339(Date.parse(envelope.timestamp) + offsetMs) })
  return fc.oneof(
    signatureBitsArb.map((bits) => input('forged_signature', withSignature(flipSignatureBits(signature, bits)), ['SignatureMismatchError'])),
    identityArb.map((other) => input('signed_by_other_key', signedBy(base, other), ['SignatureMismatchError'])),
    fc.constant(input('malleated_signature', withSignature(malleateSignature(signature)), ['SignatureMismatchError'])),
    fc.bigInt({ min: 0n, max: 17n }).map((offset) => input('non_canonical_r', withSignature(nonCanonicalR(signature, offset)), ['SignatureMismatchError'])),
    fc.oneof(fc.string({ maxLength: 100 }), fc.constant(signature.slice(0, 80)), fc.constant(`${signature.slice(0, 85)}B==`), fc.constant(signature.replace(/=+$/, '')))
      .map((text) => input('bad_signature_encoding', { ...base, sign: { algo: 'ed25519', signature: text } }, SCHEMA)),
    fc.constantFrom('ED25519', 'rsa', '', 'none').map((algo) => input('bad_signature_algo', { ...base, sign: { algo, signature } }, SCHEMA)),
    fc.constantFrom(...leaves).chain((path) => changedLeafArb(path, valueAt(base, path)).map((value) => input('changed_member', withMember(base, path, value), CHANGED))),
    fc.constantFrom(...familyTypes.filter((type) => type !== envelope.type), 'HELLO', 'LIP_ACCEPT', 'MESH_HELLO')
      .filter((type) => type !== envelope.type)
      .map((type) => input('signature_reused_on_type', { ...base, type }, CHANGED)),
    fc.integer({ min: STALE_MIN_SECONDS, max: 50 * 365 * 86_400 }).map((seconds) => input('stale_timestamp', atTime(-seconds * 1000), ['TimestampError'])),
    fc.integer({ min: STALE_MIN_SECONDS, max: 50 * 365 * 86_400 }).map((seconds) => input('future_timestamp', atTime(seconds * 1000), ['TimestampError'])),
    fc.constantFrom('2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+24:00', '0000-01-01T00:00:00Z')
      .map((timestamp) => input('malformed_timestamp', resign({ ...base, timestamp }), ['TimestampError'])),
    fc.constantFrom('yesterday', '2026-01-01', '2026-01-01 00:00:00Z', '', '2026-01-01T00:00:00.1234567890Z')
      .map((timestamp) => input('malformed_timestamp', { ...base, timestamp }, SCHEMA)),
    fc.constantFrom(...members).chain((path) => otherTypeArb(valueAt(base, path)).map((value) => input('wrong_type', withMember(base, path, value), CHANGED))),
    fc.constantFrom(...members).map((path) => input('missing_member', withMember(base, path, undefined), CHANGED)),
    fc.tuple(fc.constantFrom(...members.filter((path) => typeClass(valueAt(base, path)) === 'object'), []), fc.constantFrom('extra', 'x_debug', 'admin'))
      .map(([path, name]) => input('extra_member', path.length === 0 ? { ...base, [name]: true } : withMember(base, [...path, name], 1), CHANGED)),
    fc.constantFrom<[string, unknown]>(['cip', '2.0'], ['hcp', '0.9'], ['lip', 1], ['mesh', null], ['cip', '1.0'], ['hcp', '1.0'])
      .filter(([tag, value]) => base[tag] !== value)
      .map(([tag, value]) => input('version', { ...base, [tag]: value }, ['InvalidEnvelopeError'])),
    fc.constant(input('version', Object.fromEntries(Object.entries(base).filter(([key]) => !['cip', 'hcp', 'lip', 'mesh'].includes(key))), ['InvalidEnvelopeError'])),
    fc.constantFrom('NOPE', 'hello', 'FACT_PROPOSE ', '', 'MESH_LSA').map((type) => input('unknown_type', { ...base, type }, ['InvalidEnvelopeError']))
  )
}

/** `changed` sealed again under its own sender block by `identity`. */
export function resignWith (identity: KeyPairIdentity): (changed: Json) => Json {
  return (changed) => sealEnvelope(changed as never, identity) as unknown as Json
}
