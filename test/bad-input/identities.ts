/**
 * Keys and signatures for the bad-input generators: identities drawn from seeds (so a
 * fast-check seed reproduces every key), the small-order and non-canonical Ed25519 points
 * SPEC §15.10 says to refuse, and the signature malleations a verifier must refuse (S + L,
 * a non-canonical R, flipped bits).
 */
import fc from 'fast-check'
import { createHash } from 'node:crypto'
import { fingerprintOf, importPrivateKeyPem } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
/** The field prime 2^255 − 19. */
const FIELD_PRIME = (1n << 255n) - 19n
/** The group order L. */
const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n
/** y of the points of order 8. */
const ORDER_EIGHT_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n

/** The identity whose private key is the 32-byte `seed`. */
export function identityFromSeed (seed: Uint8Array): KeyPairIdentity {
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed])
  return importPrivateKeyPem(`-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n`)
}

/** The identity named by `label`, the same in every run (SHA-256 of the label is the seed). */
export function identityFromLabel (label: string): KeyPairIdentity {
  return identityFromSeed(createHash('sha256').update(`web4-mesh bad-input ${label}`).digest())
}

/** Identities drawn from fast-check's random stream. */
export const identityArb: fc.Arbitrary<KeyPairIdentity> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(identityFromSeed)

function littleEndian (value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn)
  return bytes
}

function readLittleEndian (bytes: Uint8Array, start: number, end: number): bigint {
  let value = 0n
  for (let i = end - 1; i >= start; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0)
  return value
}

/** The 32-byte encoding of a point with this y and the x sign bit set or not. */
function pointEncoding (y: bigint, hasSignBit: boolean): Uint8Array {
  const bytes = littleEndian(y, 32)
  if (hasSignBit) bytes[31] = (bytes[31] ?? 0) | 0x80
  return bytes
}

/**
 * Raw public keys a verifier must refuse whatever the crypto library says: every point of
 * small order (y = 0, 1, p − 1 and the two order-8 values, both signs of x), and
 * non-canonical encodings (y ≥ p; "−0").
 */
export const WEAK_PUBLIC_KEYS: readonly Uint8Array[] = Object.freeze([
  ...[0n, 1n, FIELD_PRIME - 1n, ORDER_EIGHT_Y, FIELD_PRIME - ORDER_EIGHT_Y].flatMap((y) => [pointEncoding(y, false), pointEncoding(y, true)]),
  pointEncoding(FIELD_PRIME, false),
  pointEncoding(FIELD_PRIME + 1n, false),
  pointEncoding(FIELD_PRIME + 2n, true)
])

/** A weak key as the envelope and LSA carry it: its base64 and the fingerprint it names. */
export interface WeakKey {
  pubkey: string
  fingerprint: string
}

/** One of {@link WEAK_PUBLIC_KEYS}, with its fingerprint. */
export const weakKeyArb: fc.Arbitrary<WeakKey> = fc.constantFrom(...WEAK_PUBLIC_KEYS).map((raw) => ({
  pubkey: Buffer.from(raw).toString('base64'),
  fingerprint: fingerprintOf(raw)
}))

/**
 * R = the identity point, S = 0: the "signature" a verifier without the small-order check
 * accepts for any message under a small-order key (a universal forgery, SPEC §15.10).
 */
export const SMALL_ORDER_FORGERY = Buffer.concat([pointEncoding(1n, false), new Uint8Array(32)]).toString('base64')

/** S + L: the same signature to a lax verifier, refused by a strict one (SPEC §15.10). */
export function malleateSignature (signature: string): string {
  const raw = Buffer.from(signature, 'base64')
  const s = readLittleEndian(raw, 32, 64) + GROUP_ORDER
  raw.set(littleEndian(s, 32), 32)
  return raw.toString('base64')
}

/** The signature with R replaced by a non-canonical encoding (y ≥ p). */
export function nonCanonicalR (signature: string, offset: bigint): string {
  const raw = Buffer.from(signature, 'base64')
  raw.set(pointEncoding(FIELD_PRIME + (offset % 18n), false), 0)
  return raw.toString('base64')
}

/** The signature with the given bits (0…511) flipped. */
export function flipSignatureBits (signature: string, bits: readonly number[]): string {
  const raw = Buffer.from(signature, 'base64')
  for (const bit of bits) raw[bit >> 3] = (raw[bit >> 3] ?? 0) ^ (1 << (bit & 7))
  return raw.toString('base64')
}

/** Bits to flip in a signature: one to three distinct positions. */
export const signatureBitsArb: fc.Arbitrary<number[]> = fc.uniqueArray(fc.integer({ min: 0, max: 511 }), { minLength: 1, maxLength: 3 })

/** A fingerprint that names no key anyone holds. */
export const strayFingerprintArb: fc.Arbitrary<string> = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes).toString('hex'))
