/**
 * Sealing and opening link-state advertisements (DESIGN §3 Mesh routing, §6). An LSA is
 * self-certifying: it carries its origin's public key, `origin` is that key's
 * fingerprint, and the key signs the canonical JSON of every member but `sign`
 * (SPEC §3). A relay can flood it unchanged but cannot alter it, and nobody can speak
 * for an origin without its private key. Pure: time is passed in.
 */
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { MAX_LSA_BYTES, TIMESTAMP_SKEW_MS } from '../../protocol/constants.ts'
import { formatRfc3339, parseRfc3339 } from '../../protocol/envelope/freshness.ts'
import { InvalidEnvelopeError, SignatureMismatchError, TimestampError, isWeb4Error } from '../../protocol/errors.ts'
import { fingerprintOfPubkey, signBytes, verifyBytes } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import { LSA_MAX_AGE_MS, RTT_REFLOOD_MIN_MS, RTT_REFLOOD_RATIO } from './constants.ts'
import { LSA_VERSION, validateLsa } from './validate-lsa.ts'
import type { Lsa, LsaNeighbour } from './validate-lsa.ts'

export type { Lsa, LsaNeighbour, LsaSign } from './validate-lsa.ts'

/** What {@link sealLsa} puts in an LSA. */
export interface SealLsaInit {
  /** The origin's agent id. */
  agentId: string
  /** Greater than every sequence number the origin used before, across restarts. */
  seq: number
  /** Local time in ms since the epoch; becomes `created_at`. */
  nowMs: number
  /** Multiaddrs the origin listens on (≤ 16). */
  addresses: readonly string[]
  /** The origin's handshaken links (≤ 64). */
  neighbours: readonly LsaNeighbour[]
  /** True to leave the mesh. @default false */
  withdrawn?: boolean
}

/** Options of {@link openLsa}. */
export interface OpenLsaOptions {
  /** Local time in ms since the epoch, from the injected clock. */
  nowMs: number
  /** Oldest `created_at` accepted, besides the skew. @default LSA_MAX_AGE_MS (105 s) */
  maxAgeMs?: number
  /** Clock difference tolerated either way. @default TIMESTAMP_SKEW_MS (120 s) */
  skewMs?: number
}

const UNSIGNED: ReadonlySet<string> = new Set(['sign'])
/** A signature of the right shape, to check an LSA's shape before it is signed. */
const PLACEHOLDER_SIGN = { algo: 'ed25519', signature: `${'A'.repeat(86)}==` } as const

/** The bytes an LSA's signature covers: its canonical JSON without `sign`. */
export function signedBytesOfLsa (lsa: object): Uint8Array {
  return canonicalBytes(lsa, UNSIGNED)
}

/**
 * Builds and signs the LSA of `identity`.
 *
 * @throws {RangeError} when `init` would make an LSA that {@link openLsa} refuses (too
 *   many neighbours or addresses, a neighbour named twice, a bad sequence number)
 */
export function sealLsa (identity: KeyPairIdentity, init: SealLsaInit): Lsa {
  const unsigned = {
    lsa: LSA_VERSION as typeof LSA_VERSION,
    origin: identity.fingerprint,
    agent_id: init.agentId,
    pubkey: identity.pubkey,
    seq: init.seq,
    created_at: formatRfc3339(init.nowMs),
    addresses: [...init.addresses],
    neighbours: init.neighbours.map(({ fingerprint, rtt_ms: rttMs, trust }) => ({ fingerprint, rtt_ms: rttMs, trust })),
    withdrawn: init.withdrawn ?? false
  }
  // Checked with a placeholder signature first, so that bad input never reaches the signer.
  try {
    validateLsa({ ...unsigned, sign: PLACEHOLDER_SIGN })
  } catch (cause) {
    throw new RangeError(`Cannot seal LSA: ${(cause as Error).message.replace(/^Cannot [^:]*: /, '')}`, { cause })
  }
  const signature = signBytes(identity, signedBytesOfLsa(unsigned))
  const lsa: Lsa = { ...unsigned, sign: { algo: 'ed25519', signature } }
  const size = canonicalBytes(lsa).byteLength
  if (size > MAX_LSA_BYTES) throw new RangeError(`Cannot seal LSA: ${size} bytes exceed ${MAX_LSA_BYTES}`)
  return lsa
}

/**
 * Parses (when given text or bytes; an object must come from `parseJson`), validates and
 * verifies one LSA, cheapest check first: size and JSON, schema, origin ↔ pubkey,
 * freshness, signature. Throws nothing but the typed errors below.
 *
 * @throws {InvalidEnvelopeError} reason `too_large` and the other `parseJson` reasons, or
 *   `lsa_schema` (shape, or a neighbour list naming the origin or a fingerprint twice)
 * @throws {SignatureMismatchError} reason `fingerprint_mismatch`, `bad_pubkey`, `weak_key`,
 *   `malformed_signature` or `bad_signature`
 * @throws {TimestampError} reason `malformed`, `future` or `stale`
 */
export function openLsa (input: Uint8Array | string | object, options: OpenLsaOptions): Lsa {
  try {
    const value = typeof input === 'string' || input instanceof Uint8Array
      ? parseJson(input, { maxBytes: MAX_LSA_BYTES })
      : input
    const lsa = validateLsa(value)
    if (fingerprintOfPubkey(lsa.pubkey) !== lsa.origin) {
      throw new SignatureMismatchError(`Cannot open LSA of "${shorten(lsa.origin)}": origin is not the fingerprint of pubkey`, { reason: 'fingerprint_mismatch', fingerprint: lsa.origin })
    }
    checkLsaFreshness(lsa, options)
    verifyLsaSignature(lsa)
    return lsa
  } catch (err) {
    if (isWeb4Error(err)) throw err
    throw new InvalidEnvelopeError('Cannot open LSA: the value cannot be read', { reason: 'lsa_schema', cause: err })
  }
}

/** `created_at` is at most `skewMs` ahead and at most `maxAgeMs + skewMs` behind `nowMs`. */
function checkLsaFreshness (lsa: Lsa, options: OpenLsaOptions): void {
  const skewMs = options.skewMs ?? TIMESTAMP_SKEW_MS
  const maxAgeMs = options.maxAgeMs ?? LSA_MAX_AGE_MS
  const createdMs = parseRfc3339(lsa.created_at)
  const fingerprint = lsa.origin
  if (createdMs > options.nowMs + skewMs) {
    throw new TimestampError(`Cannot open LSA of "${shorten(fingerprint)}": created more than ${skewMs / 1000} s ahead`, { reason: 'future', fingerprint, limit: skewMs })
  }
  if (createdMs < options.nowMs - maxAgeMs - skewMs) {
    throw new TimestampError(`Cannot open LSA of "${shorten(fingerprint)}": older than ${(maxAgeMs + skewMs) / 1000} s`, { reason: 'stale', fingerprint, limit: maxAgeMs + skewMs })
  }
}

function verifyLsaSignature (lsa: Lsa): void {
  try {
    verifyBytes(lsa.pubkey, signedBytesOfLsa(lsa), lsa.sign.signature)
  } catch (err) {
    if (!(err instanceof SignatureMismatchError)) throw err
    const detail = err.message.replace(/^Cannot [^:]*: /, '')
    throw new SignatureMismatchError(`Cannot open LSA of "${shorten(lsa.origin)}": ${detail}`, { reason: err.reason, fingerprint: lsa.origin, cause: err })
  }
}

function shorten (fingerprint: string): string {
  return `${fingerprint.slice(0, 12)}…`
}

/**
 * True when a link's smoothed RTT moved enough since it was last advertised to re-flood
 * the LSA now rather than at the next refresh: by at least {@link RTT_REFLOOD_RATIO}
 * (20 %) of the advertised value AND at least {@link RTT_REFLOOD_MIN_MS} (5 ms)
 * (DESIGN §6), so neither LAN jitter nor small moves on long links flood the mesh.
 *
 * @throws {RangeError} when either value is negative or not finite
 */
export function isSignificantRttChange (previousMs: number, currentMs: number): boolean {
  if (!(Number.isFinite(previousMs) && previousMs >= 0 && Number.isFinite(currentMs) && currentMs >= 0)) {
    throw new RangeError(`Cannot compare RTTs "${previousMs}" and "${currentMs}": each must be a finite number ≥ 0`)
  }
  const deltaMs = Math.abs(currentMs - previousMs)
  // A quotient, not `ratio × previous`: 0.2 × 30 is 6.000000000000001, and 30 → 36 is a 20 % move.
  return deltaMs >= RTT_REFLOOD_MIN_MS && (previousMs === 0 || deltaMs / previousMs >= RTT_REFLOOD_RATIO)
}
