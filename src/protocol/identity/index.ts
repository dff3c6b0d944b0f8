/**
 * Identity (SPEC §2, §3, §15.10): Ed25519 key pairs, fingerprints, and sign / verify
 * with weak-key and malleability checks.
 *
 * @example
 * ```ts
 * const me = generateKeyPairIdentity()
 * const signature = signBytes(me, bytes)
 * verifyBytes(me.pubkey, bytes, signature) // throws SignatureMismatchError when it fails
 * ```
 */
export {
  decodeCanonicalBase64, encodeBase64, isAcceptablePublicKey, isCanonicalSignature,
  isCanonicalPointEncoding, isSmallOrderPublicKey, PUBLIC_KEY_BYTES, SIGNATURE_BYTES
} from './ed25519-encoding.ts'
export { FINGERPRINT_HEX_LENGTH, fingerprintOf, isFingerprint } from './fingerprint.ts'
export { exportPrivateKeyPem, exportRawKeyPair, generateKeyPairIdentity, importPrivateKeyPem } from './key-pair.ts'
export type { KeyPairIdentity } from './key-pair.ts'
export { fingerprintOfPubkey, importPublicKey, signBytes, verifyBytes } from './signature.ts'
