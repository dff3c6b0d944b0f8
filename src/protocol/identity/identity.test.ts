// Identity (SPEC §2, §3, §15.10): key pairs, fingerprints, sign / verify, the byte-level
// checks on keys, signatures and base64, and interop with the Python reference.
import assert from 'node:assert/strict'
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { startPythonReference } from '../../../test/helpers/python-reference.ts'
import type { PythonReference } from '../../../test/helpers/python-reference.ts'
import { canonicalBytes, canonicalize } from '../canonical-json.ts'
import { parseJson } from '../json-intake.ts'
import {
  decodeCanonicalBase64, encodeBase64, exportPrivateKeyPem, exportRawKeyPair, fingerprintOf,
  generateKeyPairIdentity, importPrivateKeyPem, importPublicKey, isAcceptablePublicKey,
  isCanonicalPointEncoding, isCanonicalSignature, isFingerprint, isSmallOrderPublicKey, signBytes, verifyBytes
} from './index.ts'
import type { KeyPairIdentity } from './index.ts'

const FIELD_PRIME = (1n << 255n) - 19n
const GROUP_ORDER = (1n << 252n) + 27742317777372353535851937790883648493n
/** y of the order-8 points (libsodium's blacklist: 26e8958f…fc05 and c7176a70…037a). */
const ORDER_EIGHT_Y = 2707385501144840649318225287225658788936804267575313519463743609750303402022n
const SIGN_BIT = 1n << 255n

function toLittleEndian (value: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    out[i] = Number(value & 0xffn)
    value >>= 8n
  }
  return out
}

function fromLittleEndian (bytes: Uint8Array): bigint {
  let value = 0n
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!)
  return value
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Asserts that `fn` throws SignatureMismatchError with `reason`. */
function assertMismatch (fn: () => unknown, reason: string): void {
  assert.throws(fn, { name: 'SignatureMismatchError', reason })
}

/** Sets a trailing bit that base64 decoders ignore: same bytes, another spelling. */
function withTrailingBit (text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const at = text.indexOf('=') - 1
  const spelled = alphabet[alphabet.indexOf(text[at]!) | 1]!
  return text.slice(0, at) + spelled + text.slice(at + 1)
}

/**
 * Other spellings of the same bytes, each of which a lenient decoder (Buffer.from)
 * reads back to those bytes: missing padding, URL alphabet, trailing bits, whitespace.
 */
function nonCanonicalSpellings (text: string): string[] {
  const spellings = [
    text.replace(/=+$/, ''),
    text.replaceAll('+', '-').replaceAll('/', '_'),
    withTrailingBit(text),
    ` ${text}`, `${text}\n`, `${text.slice(0, 8)}\n${text.slice(8)}`, `${text.slice(0, 4)} ${text.slice(4)}`
  ]
  const bytes = Buffer.from(text, 'base64')
  for (const spelled of spellings) {
    assert.notEqual(spelled, text)
    assert.deepEqual(Buffer.from(spelled, 'base64'), bytes, 'the same bytes, spelled differently')
  }
  return spellings
}

/** A signature whose base64 holds both `+` and `/`, so the URL alphabet spells it differently. */
function signatureWithSpecialCharacters (me: KeyPairIdentity): { bytes: Uint8Array, signature: string } {
  for (let i = 0; ; i++) {
    const bytes = utf8(`message ${i}`)
    const signature = signBytes(me, bytes)
    if (signature.includes('+') && signature.includes('/')) return { bytes, signature }
  }
}

describe('generateKeyPairIdentity()', () => {
  it('generateKeyPairIdentity() returns the SPEC §2 forms of one key', () => {
    const me = generateKeyPairIdentity()
    assert.equal(me.publicKeyRaw.length, 32)
    assert.equal(me.pubkey, Buffer.from(me.publicKeyRaw).toString('base64'))
    assert.match(me.pubkey, /^[A-Za-z0-9+/]{43}=$/)
    assert.equal(me.fingerprint, createHash('sha256').update(me.publicKeyRaw).digest('hex'))
    assert.equal(me.fingerprint, fingerprintOf(me.publicKeyRaw))
    assert.ok(isFingerprint(me.fingerprint))
    assert.equal(me.publicKey.export({ format: 'jwk' }).x, Buffer.from(me.publicKeyRaw).toString('base64url'))
    assert.ok(Object.isFrozen(me))
    assert.notEqual(generateKeyPairIdentity().fingerprint, me.fingerprint)
  })

  it('fingerprintOf() is lowercase hex SHA-256 of the raw key', () => {
    assert.equal(fingerprintOf(new Uint8Array(32)), '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925')
    assert.ok(!isFingerprint('66687AADF862BD776C8FC18B8E9F8E20089714856EE233B3902A591D0D5F2925'))
    assert.ok(!isFingerprint('66687aad'))
  })
})

describe('importPrivateKeyPem()', () => {
  it('importPrivateKeyPem(exportPrivateKeyPem()) keeps the key and its fingerprint', () => {
    const me = generateKeyPairIdentity()
    const pem = exportPrivateKeyPem(me)
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/)
    const again = importPrivateKeyPem(pem)
    assert.equal(again.pubkey, me.pubkey)
    assert.equal(again.fingerprint, me.fingerprint)
    assert.equal(exportPrivateKeyPem(again), pem)
    const signature = signBytes(again, utf8('x'))
    assert.doesNotThrow(() => { verifyBytes(me.pubkey, utf8('x'), signature) })
  })

  it('exportRawKeyPair() is the seed followed by the public key', () => {
    const me = generateKeyPairIdentity()
    const raw = exportRawKeyPair(me)
    assert.equal(raw.length, 64)
    assert.deepEqual(raw.subarray(32), me.publicKeyRaw)
    const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')
    const fromSeed = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64url(raw.subarray(0, 32)), x: b64url(raw.subarray(32)) }, format: 'jwk' })
    assert.equal(createPublicKey(fromSeed).export({ format: 'jwk' }).x, b64url(me.publicKeyRaw))
  })

  it('importPrivateKeyPem() refuses with bad_private_key when the PEM is not an Ed25519 private key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const publicPem = generateKeyPairIdentity().publicKey.export({ type: 'spki', format: 'pem' }).toString()
    for (const pem of ['', 'not a key', ec, publicPem.replaceAll('PUBLIC', 'PRIVATE')]) {
      assert.throws(() => importPrivateKeyPem(pem), { name: 'InvalidEnvelopeError', reason: 'bad_private_key' })
    }
  })
})

describe('signBytes() and verifyBytes()', () => {
  const me = generateKeyPairIdentity()
  const other = generateKeyPairIdentity()
  const bytes = utf8('{"cip":"1.0","payload":{"é":1.0}}')
  const signature = signBytes(me, bytes)

  it('verifyBytes() accepts a signature from signBytes()', () => {
    assert.match(signature, /^[A-Za-z0-9+/]{86}==$/)
    assert.doesNotThrow(() => { verifyBytes(me.pubkey, bytes, signature) })
    assert.doesNotThrow(() => { verifyBytes(me.pubkey, new Uint8Array(0), signBytes(me, new Uint8Array(0))) })
  })

  it('verifyBytes() refuses with bad_signature when the bytes, key or signature changed', () => {
    for (let i = 0; i < bytes.length; i += 5) {
      const tampered = new Uint8Array(bytes)
      tampered[i]! ^= 0x01
      assertMismatch(() => { verifyBytes(me.pubkey, tampered, signature) }, 'bad_signature')
    }
    assertMismatch(() => { verifyBytes(me.pubkey, bytes.subarray(1), signature) }, 'bad_signature')
    assertMismatch(() => { verifyBytes(other.pubkey, bytes, signature) }, 'bad_signature')
    const raw = decodeCanonicalBase64(signature)!
    for (const at of [0, 31, 32, 40]) {
      const flipped = new Uint8Array(raw)
      flipped[at]! ^= 0x01
      assertMismatch(() => { verifyBytes(me.pubkey, bytes, b64(flipped)) }, 'bad_signature')
    }
  })

  it('verifyBytes() refuses non-canonical base64 signatures with malformed_signature', () => {
    const special = signatureWithSpecialCharacters(me)
    assert.doesNotThrow(() => { verifyBytes(me.pubkey, special.bytes, special.signature) })
    for (const spelled of nonCanonicalSpellings(special.signature)) {
      assertMismatch(() => { verifyBytes(me.pubkey, special.bytes, spelled) }, 'malformed_signature')
    }
    const raw = decodeCanonicalBase64(signature)!
    for (const wrong of ['', `${signature}=`, b64(raw.subarray(0, 63)), b64(new Uint8Array([...raw, 0])), 'not base64!']) {
      assertMismatch(() => { verifyBytes(me.pubkey, bytes, wrong) }, 'malformed_signature')
    }
  })

  it('verifyBytes() refuses S ≥ L with malformed_signature, whatever OpenSSL says', (t) => {
    const raw = decodeCanonicalBase64(signature)!
    const s = fromLittleEndian(raw.subarray(32))
    assert.ok(s < GROUP_ORDER)
    const malleated = new Uint8Array(raw)
    malleated.set(toLittleEndian(s + GROUP_ORDER), 32)
    assert.ok(!isCanonicalSignature(malleated))
    assertMismatch(() => { verifyBytes(me.pubkey, bytes, b64(malleated)) }, 'malformed_signature')
    // Observed with OpenSSL 3.5.8 (Node 24.21): crypto.verify itself refuses S + L too.
    const acceptedByOpenSsl = verify(null, bytes, me.publicKey, malleated)
    t.diagnostic(`OpenSSL ${process.versions.openssl} accepts S + L: ${acceptedByOpenSsl}`)
    const atOrder = new Uint8Array(raw)
    atOrder.set(toLittleEndian(GROUP_ORDER), 32)
    assertMismatch(() => { verifyBytes(me.pubkey, bytes, b64(atOrder)) }, 'malformed_signature')
    const highBit = new Uint8Array(raw)
    highBit[63]! |= 0x80
    assertMismatch(() => { verifyBytes(me.pubkey, bytes, b64(highBit)) }, 'malformed_signature')
  })

  it('verifyBytes() refuses a non-canonical R with malformed_signature', () => {
    const raw = decodeCanonicalBase64(signature)!
    for (const r of [FIELD_PRIME, FIELD_PRIME + 1n, SIGN_BIT - 1n, 1n | SIGN_BIT, (FIELD_PRIME - 1n) | SIGN_BIT]) {
      const bad = new Uint8Array(raw)
      bad.set(toLittleEndian(r), 0)
      assert.ok(!isCanonicalPointEncoding(bad))
      assertMismatch(() => { verifyBytes(me.pubkey, bytes, b64(bad)) }, 'malformed_signature')
    }
  })
})

describe('importPublicKey()', () => {
  it('importPublicKey() returns one cached key object per pubkey', () => {
    const me = generateKeyPairIdentity()
    assert.equal(importPublicKey(me.pubkey), importPublicKey(me.pubkey))
    assert.equal(importPublicKey(me.pubkey).export({ format: 'jwk' }).x, Buffer.from(me.publicKeyRaw).toString('base64url'))
  })

  it('importPublicKey() refuses non-canonical base64 and wrong lengths with bad_pubkey', () => {
    let me = generateKeyPairIdentity()
    while (!(me.pubkey.includes('+') || me.pubkey.includes('/'))) me = generateKeyPairIdentity()
    for (const spelled of nonCanonicalSpellings(me.pubkey)) {
      assertMismatch(() => importPublicKey(spelled), 'bad_pubkey')
    }
    for (const wrong of ['', `${me.pubkey}=`, b64(me.publicKeyRaw.subarray(0, 31)), b64(new Uint8Array([...me.publicKeyRaw, 0])), me.fingerprint]) {
      assertMismatch(() => importPublicKey(wrong), 'bad_pubkey')
    }
  })

  it('importPublicKey() refuses all 8 small-order points with weak_key', () => {
    const points = [
      1n, FIELD_PRIME - 1n, 0n, SIGN_BIT, ORDER_EIGHT_Y, ORDER_EIGHT_Y | SIGN_BIT,
      FIELD_PRIME - ORDER_EIGHT_Y, (FIELD_PRIME - ORDER_EIGHT_Y) | SIGN_BIT
    ].map((y) => toLittleEndian(y))
    assert.equal(Buffer.from(points[4]!).toString('hex'), '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05')
    assert.equal(Buffer.from(points[6]!).toString('hex'), 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a')
    for (const raw of points) {
      assert.ok(isCanonicalPointEncoding(raw))
      assert.ok(isSmallOrderPublicKey(raw))
      assert.ok(!isAcceptablePublicKey(raw))
      assertMismatch(() => importPublicKey(b64(raw)), 'weak_key')
      assertMismatch(() => { verifyBytes(b64(raw), utf8('x'), b64(new Uint8Array(64))) }, 'weak_key')
    }
  })

  it('importPublicKey() refuses non-canonical encodings (y ≥ p, x = 0 with the sign bit) with weak_key', () => {
    const encodings = [FIELD_PRIME, FIELD_PRIME + 1n, FIELD_PRIME + 2n, SIGN_BIT - 1n, 1n | SIGN_BIT, (FIELD_PRIME - 1n) | SIGN_BIT, FIELD_PRIME | SIGN_BIT]
    for (const y of encodings) {
      const raw = toLittleEndian(y)
      assert.ok(!isCanonicalPointEncoding(raw))
      assertMismatch(() => importPublicKey(b64(raw)), 'weak_key')
    }
  })

  it('verifyBytes() never accepts a y that is not on the curve', () => {
    // y = 2 has no x on edwards25519. OpenSSL 3.5 imports it without complaint and
    // refuses at verify, so the reason is bad_signature rather than weak_key.
    const me = generateKeyPairIdentity()
    const signature = signBytes(me, utf8('x'))
    assert.throws(() => { verifyBytes(b64(toLittleEndian(2n)), utf8('x'), signature) }, (err: unknown) => {
      assert.ok(err instanceof Error && err.name === 'SignatureMismatchError')
      assert.ok(['weak_key', 'bad_signature'].includes((err as Error & { reason: string }).reason))
      return true
    })
  })
})

describe('decodeCanonicalBase64() and encodeBase64()', () => {
  it('decodeCanonicalBase64() round-trips encodeBase64() for every length', () => {
    for (let length = 0; length <= 66; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff)
      assert.deepEqual(decodeCanonicalBase64(encodeBase64(bytes)), bytes)
      assert.equal(encodeBase64(bytes), b64(bytes))
    }
  })

  it('decodeCanonicalBase64() returns undefined for every other spelling', () => {
    for (const text of ['QQ', 'QQ=', 'QR==', 'QQ==\n', ' QQ==', 'Q Q==', 'QQ==QQ==', '-_8=', 'QUJD\r\n', '====', 'QQ=A', 'Q===']) {
      assert.equal(decodeCanonicalBase64(text), undefined, JSON.stringify(text))
    }
    assert.deepEqual(decodeCanonicalBase64('+/8='), new Uint8Array([0xfb, 0xff]))
  })
})

// ---------------------------------------------------------------------------------
// Interop with the Python reference (SPEC §3: both directions).

/** A CIP envelope whose numbers Python and JavaScript print differently. */
function envelopeText (sender: { pubkey: string, fingerprint: string }): string {
  return `{"cip": "1.0", "msg_id": "0f8fad5b-d9cb-469f-a165-70867728950e", "type": "FACT_PROPOSE",
    "timestamp": "2026-01-01T00:00:00Z",
    "sender": {"agent_id": "агент", "fingerprint": "${sender.fingerprint}", "pubkey": "${sender.pubkey}", "capabilities": ["fact"]},
    "receiver": {"agent_id": "*", "fingerprint": "*"},
    "payload": {"fact": {"statement": "水は100℃で沸騰する 💧", "domain": "physics", "confidence": 1.0,
      "weights": [1e2, 0.5, -0.0, 1e-05, 1e16, 3], "sources": [], "context": "\\u2028"}}}`
}

interface SignedEnvelope { sender: { pubkey: string, fingerprint: string }, sign: { algo: string, signature: string } }

/** Verifies an envelope text here as the envelope code does: parse, fingerprint, signature. */
function verifyHere (text: string, omit: ReadonlySet<string> = new Set(['sign'])): void {
  const envelope = parseJson(text) as unknown as SignedEnvelope
  const raw = decodeCanonicalBase64(envelope.sender.pubkey)
  assert.ok(raw !== undefined)
  assert.equal(fingerprintOf(raw), envelope.sender.fingerprint)
  assert.equal(envelope.sign.algo, 'ed25519')
  verifyBytes(envelope.sender.pubkey, canonicalBytes(envelope, omit), envelope.sign.signature)
}

/** Signs an envelope text here; returns the canonical wire text (which keeps 1.0 as 1.0). */
function signHere (me: KeyPairIdentity, text: string, omit: ReadonlySet<string> = new Set(['sign'])): string {
  const envelope = parseJson(text) as Record<string, unknown>
  const signature = signBytes(me, canonicalBytes(envelope, omit))
  envelope.sign = { algo: 'ed25519', signature }
  return canonicalize(envelope)
}

describe('identity interop with the Python reference', () => {
  let python: PythonReference
  before(() => {
    python = startPythonReference()
  })
  after(async () => {
    await python.close()
  })

  it('importPrivateKeyPem() reads a Python key with the same pubkey and fingerprint', async () => {
    const key = await python.call({ op: 'keygen' })
    assert.ok(key.ok)
    const imported = importPrivateKeyPem(key.private_pem!)
    assert.equal(imported.pubkey, key.pubkey)
    assert.equal(imported.fingerprint, key.fingerprint)
  })

  it('verifyBytes() accepts envelopes the Python reference signed, floats and all', async () => {
    const key = await python.call({ op: 'keygen' })
    const [body, mesh] = await python.batch([
      { op: 'sign', private_pem: key.private_pem, envelope_text: envelopeText({ pubkey: key.pubkey!, fingerprint: key.fingerprint! }) },
      { op: 'sign', private_pem: key.private_pem, envelope_text: `{"mesh":"1.0","hops":["a"],"sender":{"pubkey":"${key.pubkey!}","fingerprint":"${key.fingerprint!}"},"n":[1.0,2]}`, omit: ['sign', 'hops'] }
    ])
    assert.ok(body?.ok === true && mesh?.ok === true)
    assert.match(body.signed_text!, /"confidence":1\.0,/)
    verifyHere(body.envelope_text!)
    assert.equal(canonicalize(parseJson(body.envelope_text!), new Set(['sign'])), body.signed_text)
    verifyHere(mesh.envelope_text!, new Set(['sign', 'hops']))
    assertMismatch(() => {
      verifyHere(body.envelope_text!.replace('"confidence": 1.0', '"confidence": 1'))
    }, 'bad_signature')
  })

  it('the Python reference accepts envelopes signed here, with our key and with its key', async () => {
    const me = generateKeyPairIdentity()
    const pythonKey = await python.call({ op: 'keygen' })
    const theirs = importPrivateKeyPem(pythonKey.private_pem!)
    const ours = signHere(me, envelopeText(me))
    const withTheirKey = signHere(theirs, envelopeText(theirs))
    const meshText = signHere(me, `{"mesh":"1.0","hops":[],"sender":{"pubkey":"${me.pubkey}","fingerprint":"${me.fingerprint}"},"x":1.0}`, new Set(['sign', 'hops']))
    const answers = await python.batch([
      { op: 'verify', envelope_text: ours },
      { op: 'verify', envelope_text: withTheirKey },
      { op: 'verify', envelope_text: meshText.replace('"hops":[]', '"hops":["relay"]'), omit: ['sign', 'hops'] },
      { op: 'verify', envelope_text: ours.replace('"confidence":1.0', '"confidence":1') },
      { op: 'verify', envelope_text: ours.replace(me.fingerprint, theirs.fingerprint) }
    ])
    assert.deepEqual(answers.map((a) => a.ok ? 'ok' : a.reason), ['ok', 'ok', 'ok', 'bad_signature', 'fingerprint_mismatch'])
  })

  it('the Python reference signs with our exported key and we verify it', async () => {
    const me = generateKeyPairIdentity()
    const signed = await python.call({ op: 'sign', private_pem: exportPrivateKeyPem(me), envelope_text: envelopeText(me) })
    assert.ok(signed.ok)
    verifyHere(signed.envelope_text!)
    assert.equal(signed.signed_text, canonicalize(parseJson(envelopeText(me))))
  })
})
