/**
 * Ed25519 identities (SPEC §2) on `node:crypto`: generate, import and export as
 * PKCS#8 PEM, and the raw forms the wire and libp2p need. Files are written by
 * `src/config/` (this layer does no I/O).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { InvalidEnvelopeError } from '../errors.ts'
import { encodeBase64, isAcceptablePublicKey } from './ed25519-encoding.ts'
import { fingerprintOf } from './fingerprint.ts'

/** One Ed25519 key pair with the forms SPEC §2 names. */
export interface KeyPairIdentity {
  /** The private key; never leaves the process except through {@link exportPrivateKeyPem}. */
  readonly privateKey: KeyObject
  readonly publicKey: KeyObject
  /** The raw 32-byte public key. */
  readonly publicKeyRaw: Uint8Array
  /** Standard padded base64 of the raw public key: the envelope's `pubkey`. */
  readonly pubkey: string
  /** Lowercase hex SHA-256 of the raw public key. */
  readonly fingerprint: string
}

/** A fresh Ed25519 identity; keys that would be refused as weak are drawn again. */
export function generateKeyPairIdentity (): KeyPairIdentity {
  for (;;) {
    const { privateKey } = generateKeyPairSync('ed25519')
    const identity = identityFromPrivateKey(privateKey)
    if (isAcceptablePublicKey(identity.publicKeyRaw)) return identity
  }
}

/**
 * The identity of a PKCS#8 PEM private key.
 *
 * @throws {InvalidEnvelopeError} with reason `bad_private_key` when the PEM is not an Ed25519 private key
 */
export function importPrivateKeyPem (pem: string): KeyPairIdentity {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' })
  } catch (cause) {
    throw new InvalidEnvelopeError('Cannot read private key: not a PKCS#8 PEM key', { reason: 'bad_private_key', cause })
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new InvalidEnvelopeError(`Cannot read private key: type "${privateKey.asymmetricKeyType ?? 'unknown'}" is not ed25519`, { reason: 'bad_private_key' })
  }
  return identityFromPrivateKey(privateKey)
}

/** PKCS#8 PEM of the identity's private key. */
export function exportPrivateKeyPem (identity: KeyPairIdentity): string {
  return identity.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
}

/** The 32-byte seed followed by the 32-byte public key: what libp2p's `privateKeyFromRaw` takes. */
export function exportRawKeyPair (identity: KeyPairIdentity): Uint8Array {
  const jwk = identity.privateKey.export({ format: 'jwk' })
  const seed = Buffer.from(jwk.d ?? '', 'base64url')
  const raw = new Uint8Array(64)
  raw.set(seed, 0)
  raw.set(identity.publicKeyRaw, 32)
  return raw
}

function identityFromPrivateKey (privateKey: KeyObject): KeyPairIdentity {
  const publicKey = createPublicKey(privateKey)
  const jwk = publicKey.export({ format: 'jwk' })
  const publicKeyRaw = new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))
  return Object.freeze({
    privateKey,
    publicKey,
    publicKeyRaw,
    pubkey: encodeBase64(publicKeyRaw),
    fingerprint: fingerprintOf(publicKeyRaw)
  })
}
