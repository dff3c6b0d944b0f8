/**
 * Seeded Ed25519 identities: every node and adversary key of a cell is derived from the
 * cell's PRNG, so fingerprints — and with them every order that depends on them (who
 * starts a routed handshake, tie breaks) — repeat bit for bit for one seed.
 */
import { importPrivateKeyPem, isAcceptablePublicKey } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import type { Prng } from './prng.ts'

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** The identity whose private key is the 32-byte `seed`. */
export function identityFromSeed (seed: Uint8Array): KeyPairIdentity {
  if (seed.length !== 32) throw new RangeError(`Cannot derive identity: seed has ${seed.length} bytes, not 32`)
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed])
  const body = der.toString('base64')
  return importPrivateKeyPem(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`)
}

/** A fresh identity drawn from `rng`; keys the node would refuse as weak are drawn again. */
export function drawIdentity (rng: Prng): KeyPairIdentity {
  for (;;) {
    const identity = identityFromSeed(rng.bytes(32))
    if (isAcceptablePublicKey(identity.publicKeyRaw)) return identity
  }
}
