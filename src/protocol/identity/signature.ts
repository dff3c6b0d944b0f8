/**
 * Ed25519 sign and verify (SPEC §3) on `node:crypto`, with the checks of SPEC §15.10:
 * weak or non-canonical public keys and non-canonical signatures are refused whatever
 * the crypto library would accept.
 */
import { createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { SignatureMismatchError } from '../errors.ts'
import { decodeCanonicalBase64, encodeBase64, isAcceptablePublicKey, isCanonicalSignature } from './ed25519-encoding.ts'
import { fingerprintOf } from './fingerprint.ts'
import type { KeyPairIdentity } from './key-pair.ts'

/** Most public keys whose `KeyObject` and fingerprint are kept; importing a key costs about as much as a verify. */
const PUBLIC_KEY_CACHE_SIZE = 1024
const publicKeyCache = new Map<string, KeyObject>()
const fingerprintCache = new Map<string, string>()

function remember<V> (cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= PUBLIC_KEY_CACHE_SIZE) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  cache.set(key, value)
  return value
}

/** The fingerprint of a base64 `pubkey`, or `undefined` when it is not canonical base64. */
export function fingerprintOfPubkey (pubkey: string): string | undefined {
  const cached = fingerprintCache.get(pubkey)
  if (cached !== undefined) return cached
  const raw = decodeCanonicalBase64(pubkey)
  return raw === undefined ? undefined : remember(fingerprintCache, pubkey, fingerprintOf(raw))
}

/** Signs `bytes` with the identity's key; returns standard base64. */
export function signBytes (identity: KeyPairIdentity, bytes: Uint8Array): string {
  return encodeBase64(sign(null, bytes, identity.privateKey))
}

/**
 * The validated public key for a base64 `pubkey`.
 *
 * @throws {SignatureMismatchError} with reason `bad_pubkey` (not 32 bytes of canonical base64)
 *   or `weak_key` (non-canonical or small-order point)
 */
export function importPublicKey (pubkey: string): KeyObject {
  const cached = publicKeyCache.get(pubkey)
  if (cached !== undefined) return cached
  const raw = decodeCanonicalBase64(pubkey)
  if (raw?.length !== 32) {
    throw new SignatureMismatchError('Cannot use public key: not 32 bytes of canonical base64', { reason: 'bad_pubkey' })
  }
  if (!isAcceptablePublicKey(raw)) {
    throw new SignatureMismatchError('Cannot use public key: weak or non-canonical Ed25519 point', { reason: 'weak_key' })
  }
  let key: KeyObject
  try {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
  } catch (cause) {
    throw new SignatureMismatchError('Cannot use public key: not a point on the curve', { reason: 'weak_key', cause })
  }
  return remember(publicKeyCache, pubkey, key)
}

/**
 * Verifies a base64 Ed25519 `signature` by `pubkey` over `bytes`.
 *
 * @throws {SignatureMismatchError} with reason `bad_pubkey`, `weak_key`, `malformed_signature`
 *   (not 64 bytes of canonical base64, or S ≥ L, or R non-canonical) or `bad_signature`
 */
export function verifyBytes (pubkey: string, bytes: Uint8Array, signature: string): void {
  const key = importPublicKey(pubkey)
  const raw = decodeCanonicalBase64(signature)
  if (raw === undefined || !isCanonicalSignature(raw)) {
    throw new SignatureMismatchError('Cannot verify signature: not a canonical 64-byte Ed25519 signature', { reason: 'malformed_signature' })
  }
  if (!verify(null, bytes, key, raw)) {
    throw new SignatureMismatchError('Cannot verify signature: it does not match the signed bytes', { reason: 'bad_signature' })
  }
}
