/** Fingerprints (SPEC §2): lowercase hex SHA-256 of the raw 32-byte public key. */
import { createHash } from 'node:crypto'

/** Length of a fingerprint in hex characters. */
export const FINGERPRINT_HEX_LENGTH = 64

const FINGERPRINT_SHAPE = /^[0-9a-f]{64}$/

/** The SPEC §2 fingerprint of a raw public key. */
export function fingerprintOf (publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex')
}

/** True when `text` has the shape of a fingerprint (64 lowercase hex characters). */
export function isFingerprint (text: string): boolean {
  return FINGERPRINT_SHAPE.test(text)
}
