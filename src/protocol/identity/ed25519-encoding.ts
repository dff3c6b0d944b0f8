/**
 * Byte-level checks on Ed25519 encodings that the crypto library may let through
 * (SPEC §15.10): non-canonical and small-order public keys, non-canonical signatures,
 * and base64 that is not the one canonical encoding of its bytes.
 */

/** The field prime 2^255 − 19. */
const FIELD_PRIME = (1n << 255n) - 19n
/** The group order L = 2^252 + 27742317777372353535851937790883648493. */
const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n
/** y of the order-8 points; with 0, 1 and p − 1 these are every small-order point's y. */
const ORDER_EIGHT_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n
const SMALL_ORDER_Y: ReadonlySet<bigint> = new Set([
  0n, 1n, FIELD_PRIME - 1n, ORDER_EIGHT_Y, FIELD_PRIME - ORDER_EIGHT_Y
])

/** Length of a raw Ed25519 public key, in bytes. */
export const PUBLIC_KEY_BYTES = 32
/** Length of an Ed25519 signature, in bytes. */
export const SIGNATURE_BYTES = 64

function readLittleEndian (bytes: Uint8Array, start: number, end: number): bigint {
  let value = 0n
  for (let i = end - 1; i >= start; i--) value = (value << 8n) | BigInt(bytes[i] ?? 0)
  return value
}

/** The y coordinate a 32-byte point encoding names, with the sign bit of x cleared. */
function pointY (encoding: Uint8Array, offset: number): bigint {
  return readLittleEndian(encoding, offset, offset + 32) & ((1n << 255n) - 1n)
}

function hasSignBit (encoding: Uint8Array, offset: number): boolean {
  return ((encoding[offset + 31] ?? 0) & 0x80) !== 0
}

/**
 * True when a 32-byte point encoding is canonical: y < p, and the sign bit is clear
 * where x = 0 (y = 1 or y = p − 1), since "−0" is a second encoding of the same point.
 */
export function isCanonicalPointEncoding (encoding: Uint8Array, offset = 0): boolean {
  // Fast path: y < 2^255 − 19 − 1 unless the top bytes are all ones, and x = 0 needs y = 1 or y = p − 1.
  const top = (encoding[offset + 31] ?? 0) & 0x7f
  const isSmallY = top === 0 && isOne(encoding, offset)
  if (top !== 0x7f && !isSmallY) return true
  const y = pointY(encoding, offset)
  if (y >= FIELD_PRIME) return false
  return !(hasSignBit(encoding, offset) && (y === 1n || y === FIELD_PRIME - 1n))
}

/** True when the low 31 bytes (and so, with a zero top byte, y) encode 1. */
function isOne (encoding: Uint8Array, offset: number): boolean {
  if (encoding[offset] !== 1) return false
  for (let i = 1; i < 31; i++) if (encoding[offset + i] !== 0) return false
  return true
}

/** True when the key is one of the 8 points of small order (under any encoding of y). */
export function isSmallOrderPublicKey (raw: Uint8Array): boolean {
  return SMALL_ORDER_Y.has(pointY(raw, 0) % FIELD_PRIME)
}

/** True when a raw public key is 32 bytes, canonically encoded and not of small order. */
export function isAcceptablePublicKey (raw: Uint8Array): boolean {
  return raw.length === PUBLIC_KEY_BYTES && isCanonicalPointEncoding(raw) && !isSmallOrderPublicKey(raw)
}

/** Little-endian bytes of L, the group order. */
const GROUP_ORDER_BYTES = littleEndianBytes(GROUP_ORDER, 32)

function littleEndianBytes (value: bigint, length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let i = 0; i < length; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn)
  return bytes
}

/** True when the 32 little-endian bytes at `offset` encode a number below L (compared byte by byte, most significant first). */
function isBelowGroupOrder (bytes: Uint8Array, offset: number): boolean {
  for (let i = 31; i >= 0; i--) {
    const byte = bytes[offset + i] ?? 0
    const limit = GROUP_ORDER_BYTES[i] ?? 0
    if (byte !== limit) return byte < limit
  }
  return false
}

/** True when a signature is 64 bytes, its R canonically encoded and its S below the group order. */
export function isCanonicalSignature (signature: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES) return false
  return isCanonicalPointEncoding(signature, 0) && isBelowGroupOrder(signature, 32)
}

const BASE64_SHAPE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/**
 * Decodes standard padded base64, refusing every other spelling of the same bytes
 * (missing padding, URL alphabet, whitespace, non-zero trailing bits), so that one
 * signature or key has exactly one text form.
 *
 * @returns the bytes, or `undefined` when the text is not canonical base64
 */
export function decodeCanonicalBase64 (text: string): Uint8Array | undefined {
  if (!BASE64_SHAPE.test(text)) return undefined
  const bytes = Buffer.from(text, 'base64')
  if (bytes.toString('base64') !== text) return undefined
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Standard padded base64 of `bytes`. */
export function encodeBase64 (bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}
