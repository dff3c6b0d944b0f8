// Link-state advertisements (DESIGN §3 Mesh routing, §6): sealing, every refusal of
// openLsa in its order, forgeries, replays, tampering, and the RTT re-flood rule.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { canonicalize } from '../../protocol/canonical-json.ts'
import { MAX_LSA_BYTES, TIMESTAMP_SKEW_MS } from '../../protocol/constants.ts'
import { isWeb4Error } from '../../protocol/errors.ts'
import { fingerprintOf, generateKeyPairIdentity, signBytes } from '../../protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../protocol/identity/index.ts'
import {
  LSA_MAX_AGE_MS, LSA_MIN_INTERVAL_MS, LSA_REFRESH_MS, LSA_TRIGGER_DELAY_MS, LSDB_MAX_ORIGINS, RTT_REFLOOD_MIN_MS,
  RTT_REFLOOD_RATIO
} from './constants.ts'
import { isSignificantRttChange, openLsa, sealLsa, signedBytesOfLsa } from './lsa.ts'
import type { Lsa, LsaNeighbour, SealLsaInit } from './lsa.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 100 }
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const ALICE = generateKeyPairIdentity()
const MALLORY = generateKeyPairIdentity()
const BOB = 'b2'.repeat(32)
const CAROL = 'c3'.repeat(32)
const NEIGHBOURS: LsaNeighbour[] = [
  { fingerprint: BOB, rtt_ms: 12.5, trust: 'trusted' },
  { fingerprint: CAROL, rtt_ms: 0, trust: 'unknown' }
]

function sealOf (identity: KeyPairIdentity = ALICE, init: Partial<SealLsaInit> = {}): Lsa {
  return sealLsa(identity, { agentId: 'alice', seq: 7, nowMs: NOW, addresses: ['/ip4/127.0.0.1/tcp/4001'], neighbours: NEIGHBOURS, ...init })
}

/** `lsa` with `changes` applied and signed again by `signer` (a valid signature, whoever it claims to be). */
function resign (lsa: Lsa, changes: Partial<Record<keyof Lsa, unknown>>, signer: KeyPairIdentity = ALICE): Lsa {
  const unsigned = { ...lsa, ...changes, sign: undefined }
  return { ...unsigned, sign: { algo: 'ed25519', signature: signBytes(signer, signedBytesOfLsa(unsigned)) } } as unknown as Lsa
}

/** Asserts that opening `input` throws `name` with `reason`. */
function assertRefused (input: unknown, name: string, reason: string, nowMs = NOW): void {
  assert.throws(() => openLsa(input as object, { nowMs }), (err: unknown) => {
    assert.ok(isWeb4Error(err), `a typed error, got ${String(err)}`)
    assert.equal(err.name, name)
    assert.equal(err.reason, reason, err.message)
    return true
  })
}

describe('sealLsa() and openLsa()', () => {
  it('openLsa() returns what sealLsa() made, from an object, text or bytes', () => {
    const lsa = sealOf()
    assert.equal(lsa.origin, ALICE.fingerprint)
    assert.equal(lsa.pubkey, ALICE.pubkey)
    assert.equal(lsa.created_at, '2026-11-26T04:00:00.000Z')
    assert.equal(lsa.withdrawn, false)
    const text = canonicalize(lsa)
    assert.deepEqual(openLsa(lsa, { nowMs: NOW }), lsa)
    assert.deepEqual(openLsa(text, { nowMs: NOW }), lsa)
    assert.deepEqual(openLsa(new TextEncoder().encode(text), { nowMs: NOW }), lsa)
    assert.equal(openLsa(sealOf(ALICE, { withdrawn: true, neighbours: [] }), { nowMs: NOW }).withdrawn, true)
  })

  it('openLsa() accepts any LSA that sealLsa() makes (property)', () => {
    const neighbour = fc.record({
      fingerprint: fc.stringMatching(/^[0-9a-f]{64}$/),
      rtt_ms: fc.double({ min: 0, max: 600_000, noNaN: true }),
      trust: fc.constantFrom('unknown', 'untrusted', 'probing', 'trusted', 'blacklisted' as const)
    })
    const init = fc.record({
      agentId: fc.string({ minLength: 1, maxLength: 40 }),
      seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      addresses: fc.uniqueArray(fc.stringMatching(/^\/[a-z0-9/.]{1,60}$/), { maxLength: 16 }),
      neighbours: fc.uniqueArray(neighbour, { maxLength: 64, selector: (n) => n.fingerprint }),
      withdrawn: fc.boolean()
    })
    fc.assert(fc.property(init, (fields) => {
      const lsa = sealLsa(ALICE, { ...fields, nowMs: NOW })
      assert.deepEqual(openLsa(canonicalize(lsa), { nowMs: NOW }), lsa)
    }), PROPERTY_OPTIONS)
  })

  it('sealLsa() fits the largest LSA the schema allows into MAX_LSA_BYTES', () => {
    const neighbours = Array.from({ length: 64 }, (_, i): LsaNeighbour => ({
      fingerprint: i.toString(16).padStart(64, 'f'), rtt_ms: 123456.78901234567, trust: 'blacklisted'
    }))
    const addresses = Array.from({ length: 16 }, (_, i) => `/dns4/${String(i).padEnd(250, 'x')}`)
    const lsa = sealOf(ALICE, { agentId: 'a'.repeat(256), seq: Number.MAX_SAFE_INTEGER, neighbours, addresses })
    const size = Buffer.byteLength(canonicalize(lsa))
    assert.ok(size <= MAX_LSA_BYTES, `${size} bytes`)
    assert.deepEqual(openLsa(canonicalize(lsa), { nowMs: NOW }), lsa)
  })

  it('sealLsa() refuses with RangeError what openLsa() would refuse', () => {
    const many = Array.from({ length: 65 }, (_, i): LsaNeighbour => ({ fingerprint: i.toString(16).padStart(64, '0'), rtt_ms: 1, trust: 'trusted' }))
    const cases: Array<Partial<SealLsaInit>> = [
      { neighbours: many },
      { neighbours: [{ fingerprint: ALICE.fingerprint, rtt_ms: 1, trust: 'trusted' }] },
      { neighbours: [NEIGHBOURS[0]!, NEIGHBOURS[0]!] },
      { neighbours: [{ fingerprint: BOB, rtt_ms: Number.NaN, trust: 'trusted' }] },
      { addresses: Array.from({ length: 17 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) },
      { addresses: ['not a multiaddr'] },
      { seq: 0 }, { seq: 1.5 }, { seq: 2 ** 53 }, { agentId: '' }
    ]
    for (const init of cases) assert.throws(() => sealOf(ALICE, init), RangeError, JSON.stringify(init))
  })
})

describe('openLsa() refusals, in order', () => {
  const lsa = sealOf()

  it('openLsa() refuses input over MAX_LSA_BYTES before parsing it', () => {
    const text = canonicalize(lsa)
    const padded = text.slice(0, -1) + ' '.repeat(MAX_LSA_BYTES - text.length + 1) + '}'
    assertRefused(padded, 'InvalidEnvelopeError', 'too_large')
    assertRefused(new TextEncoder().encode(padded), 'InvalidEnvelopeError', 'too_large')
    assertRefused(`{"lsa":"1.0","lsa":"1.0"}`, 'InvalidEnvelopeError', 'duplicate_key')
    assertRefused('{"lsa":', 'InvalidEnvelopeError', 'syntax')
  })

  it('openLsa() refuses a value of the wrong shape with lsa_schema', () => {
    const wrong: unknown[] = [
      null, 7, '"text"', '[]', [lsa],
      { ...lsa, lsa: '2.0' }, { ...lsa, extra: 1 }, { ...lsa, seq: 0 }, { ...lsa, seq: 1.5 }, { ...lsa, seq: 2 ** 53 },
      { ...lsa, origin: lsa.origin.toUpperCase() }, { ...lsa, created_at: 'yesterday' }, { ...lsa, withdrawn: 'no' },
      { ...lsa, addresses: ['/a', '/a'] }, { ...lsa, sign: { ...lsa.sign, algo: 'rsa' } },
      { ...lsa, neighbours: [{ ...NEIGHBOURS[0], rtt_ms: -1 }] },
      { ...lsa, neighbours: [{ ...NEIGHBOURS[0], rtt_ms: Number.POSITIVE_INFINITY }] },
      { ...lsa, neighbours: [{ ...NEIGHBOURS[0], trust: 'friendly' }] },
      { ...lsa, neighbours: [{ ...NEIGHBOURS[0], note: 'x' }] },
      { ...lsa, neighbours: Array.from({ length: 65 }, (_, i) => ({ ...NEIGHBOURS[0], fingerprint: i.toString(16).padStart(64, '0') })) }
    ]
    const missing: Record<string, unknown> = { ...lsa }
    delete missing.agent_id
    for (const value of [...wrong, missing]) assertRefused(value, 'InvalidEnvelopeError', 'lsa_schema')
  })

  it('openLsa() refuses a neighbour list naming the origin or a fingerprint twice, even when signed', () => {
    const self = resign(lsa, { neighbours: [...NEIGHBOURS, { fingerprint: ALICE.fingerprint, rtt_ms: 1, trust: 'trusted' }] })
    const twice = resign(lsa, { neighbours: [...NEIGHBOURS, { ...NEIGHBOURS[0]!, rtt_ms: 99 }] })
    assertRefused(self, 'InvalidEnvelopeError', 'lsa_schema')
    assertRefused(twice, 'InvalidEnvelopeError', 'lsa_schema')
  })

  it('openLsa() refuses an object that cannot be read with lsa_schema, never another error', () => {
    const trap = new Proxy({ ...lsa }, { get () { throw new Error('trap') } })
    assertRefused(trap, 'InvalidEnvelopeError', 'lsa_schema')
  })

  it('openLsa() refuses an origin that is not the fingerprint of pubkey with fingerprint_mismatch', () => {
    // Mallory's key under Alice's origin, validly signed by Mallory.
    assertRefused(resign(lsa, { pubkey: MALLORY.pubkey }, MALLORY), 'SignatureMismatchError', 'fingerprint_mismatch')
    // Fingerprint first: a mismatched LSA that is also stale says fingerprint_mismatch.
    assertRefused(resign(lsa, { pubkey: MALLORY.pubkey }, MALLORY), 'SignatureMismatchError', 'fingerprint_mismatch', NOW + 3_600_000)
  })

  it('openLsa() refuses created_at beyond the skew ahead (future) or older than max age + skew (stale)', () => {
    const skew = TIMESTAMP_SKEW_MS
    assert.doesNotThrow(() => openLsa(lsa, { nowMs: NOW - skew }))
    assertRefused(lsa, 'TimestampError', 'future', NOW - skew - 1)
    assert.doesNotThrow(() => openLsa(lsa, { nowMs: NOW + LSA_MAX_AGE_MS + skew }))
    assertRefused(lsa, 'TimestampError', 'stale', NOW + LSA_MAX_AGE_MS + skew + 1)
    assert.throws(() => openLsa(lsa, { nowMs: NOW + 2001, maxAgeMs: 1000, skewMs: 1000 }), { name: 'TimestampError', reason: 'stale' })
    assert.throws(() => openLsa(lsa, { nowMs: NOW - 1001, skewMs: 1000 }), { name: 'TimestampError', reason: 'future' })
    assertRefused(resign(lsa, { created_at: '2026-13-26T04:00:00Z' }), 'TimestampError', 'malformed')
  })

  it('openLsa() refuses a replayed old LSA as stale, even though its signature is good', () => {
    const old = sealOf(ALICE, { nowMs: NOW - LSA_MAX_AGE_MS - TIMESTAMP_SKEW_MS - 1, seq: 1 })
    assertRefused(old, 'TimestampError', 'stale')
    // Timestamp before signature: a stale LSA with a bad signature says stale.
    assertRefused({ ...old, seq: 2 }, 'TimestampError', 'stale')
  })

  it('openLsa() refuses an LSA forged under the victim\'s origin and pubkey with bad_signature', () => {
    const forged = resign(lsa, { neighbours: [{ fingerprint: MALLORY.fingerprint, rtt_ms: 0, trust: 'trusted' }] }, MALLORY)
    assert.equal(forged.origin, ALICE.fingerprint)
    assert.equal(forged.pubkey, ALICE.pubkey)
    assertRefused(forged, 'SignatureMismatchError', 'bad_signature')
  })

  it('openLsa() refuses a tampered neighbour list, sequence or withdrawal flag with bad_signature', () => {
    const tampered: Lsa[] = [
      { ...lsa, neighbours: [{ ...NEIGHBOURS[0]!, rtt_ms: 0.1 }, NEIGHBOURS[1]!] },
      { ...lsa, neighbours: [NEIGHBOURS[0]!] },
      { ...lsa, neighbours: [...NEIGHBOURS, { fingerprint: MALLORY.fingerprint, rtt_ms: 0, trust: 'trusted' }] },
      { ...lsa, neighbours: [{ ...NEIGHBOURS[0]!, trust: 'blacklisted' }, NEIGHBOURS[1]!] },
      { ...lsa, seq: lsa.seq + 1 },
      { ...lsa, withdrawn: true },
      { ...lsa, addresses: ['/ip4/6.6.6.6/tcp/1'] }
    ]
    for (const value of tampered) assertRefused(value, 'SignatureMismatchError', 'bad_signature')
    assertRefused(canonicalize(tampered[0]), 'SignatureMismatchError', 'bad_signature')
  })

  it('openLsa() refuses a non-canonical signature and a weak key', () => {
    const raw = Buffer.from(lsa.sign.signature, 'base64')
    raw[63]! |= 0x80 // S ≥ L
    assertRefused({ ...lsa, sign: { algo: 'ed25519', signature: raw.toString('base64') } }, 'SignatureMismatchError', 'malformed_signature')
    const zero = new Uint8Array(32) // y = 0: a point of small order
    const weak = { ...lsa, pubkey: Buffer.from(zero).toString('base64'), origin: fingerprintOf(zero) }
    assertRefused(weak, 'SignatureMismatchError', 'weak_key')
  })

  it('openLsa() throws only typed errors, whatever the bytes (property)', () => {
    const text = canonicalize(lsa)
    const mutation = fc.tuple(fc.nat({ max: text.length - 1 }), fc.nat({ max: 20 }), fc.string({ maxLength: 8 }))
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
      let mutated = text
      for (const [at, cut, insert] of mutations) mutated = mutated.slice(0, at) + insert + mutated.slice(at + cut)
      try {
        openLsa(mutated, { nowMs: NOW })
        assert.equal(mutated, text, 'only the original opens')
      } catch (err) {
        assert.ok(isWeb4Error(err), `a typed error, got ${String(err)}`)
      }
    }), PROPERTY_OPTIONS)
    fc.assert(fc.property(fc.jsonValue(), (value) => {
      assert.throws(() => openLsa(value as object, { nowMs: NOW }), (err) => isWeb4Error(err))
    }), PROPERTY_OPTIONS)
  })
})

describe('isSignificantRttChange()', () => {
  it('isSignificantRttChange() is true only when the RTT moved ≥ 20 % and ≥ 5 ms', () => {
    const rows: Array<[number, number, boolean]> = [
      [30, 36, true], [30, 24, true], [30, 35.9, false], [25, 30, true], [25, 29.99, false],
      [10, 14, false], [10, 15, true], [100, 105, false], [100, 119, false], [100, 120, true], [100, 80, true],
      [0, 5, true], [0, 4.9, false], [1, 1, false], [1000, 1199, false], [1000, 1200, true]
    ]
    for (const [previous, current, expected] of rows) {
      assert.equal(isSignificantRttChange(previous, current), expected, `${previous} → ${current}`)
    }
  })

  it('isSignificantRttChange() agrees with the rule for any RTTs (property)', () => {
    const rtt = fc.double({ min: 0, max: 10_000, noNaN: true })
    fc.assert(fc.property(rtt, rtt, (previous, current) => {
      const delta = Math.abs(current - previous)
      const expected = delta >= RTT_REFLOOD_MIN_MS && delta >= RTT_REFLOOD_RATIO * previous * (1 - 1e-12)
      assert.equal(isSignificantRttChange(previous, current), expected)
      assert.equal(isSignificantRttChange(current, current), false)
    }), PROPERTY_OPTIONS)
  })

  it('isSignificantRttChange() throws RangeError on a negative or non-finite RTT', () => {
    for (const [a, b] of [[-1, 5], [5, Number.NaN], [Number.POSITIVE_INFINITY, 5]] as const) {
      assert.throws(() => isSignificantRttChange(a, b), RangeError)
    }
  })
})

describe('link-state constants', () => {
  it('link-state constants hold the DESIGN §6 values', () => {
    assert.equal(LSA_REFRESH_MS, 30_000)
    assert.equal(LSA_MAX_AGE_MS, 3.5 * LSA_REFRESH_MS)
    assert.equal(LSA_MIN_INTERVAL_MS, 1000)
    assert.equal(LSA_TRIGGER_DELAY_MS, 200)
    assert.equal(LSDB_MAX_ORIGINS, 256)
    assert.equal(RTT_REFLOOD_RATIO, 0.2)
    assert.equal(RTT_REFLOOD_MIN_MS, 5)
  })
})
