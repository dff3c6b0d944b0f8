/**
 * Bad link-state advertisements (DESIGN §6 link-state), sent on `control` by a handshaken
 * neighbour: forged for another origin, a fingerprint that is not the key's, weak keys,
 * malleated and reused signatures, stale or future `created_at`, schema violations, and
 * validly signed LSAs of the neighbour itself with a stale or conflicting sequence number
 * (`web4_mesh_lsa_refused_total{reason="stale"|"conflict"}`).
 */
import fc from 'fast-check'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import type { JsonValue } from '../../src/protocol/canonical-json.ts'
import { sealLsa, signedBytesOfLsa } from '../../src/mesh/link-state/lsa.ts'
import type { Lsa } from '../../src/mesh/link-state/lsa.ts'
import { signBytes } from '../../src/protocol/identity/index.ts'
import type { KeyPairIdentity } from '../../src/protocol/identity/index.ts'
import { flipSignatureBits, identityArb, malleateSignature, nonCanonicalR, signatureBitsArb, SMALL_ORDER_FORGERY, strayFingerprintArb, weakKeyArb } from './identities.ts'
import { leafPaths, rawInput, withMember } from './mutations.ts'
import type { BadInput, Outcome } from './mutations.ts'
import { characterEditArb, textEditArb } from './raw-json.ts'

/** The neighbour that sends, and what the victim holds of it. */
export interface LsaContext {
  identity: KeyPairIdentity
  agentId: string
  /** The sequence number of the neighbour's LSA the victim holds (≥ 1). */
  heldSeq: number
  /** A third party the victim holds an LSA of. */
  third: { fingerprint: string, pubkey: string, agentId: string }
  nowMs: number
}

type Json = Record<string, unknown>

const SIGNATURE: readonly Outcome[] = ['SignatureMismatchError']

function lsaInput (category: string, lsa: unknown, expected: readonly Outcome[]): BadInput {
  return { category, bytes: canonicalBytes(lsa), expected }
}

/** `lsa`'s members signed by `identity`, whatever origin and key they name. */
function signedAs (lsa: Json, identity: KeyPairIdentity): Json {
  const unsigned = Object.fromEntries(Object.entries(lsa).filter(([key]) => key !== 'sign'))
  return { ...unsigned, sign: { algo: 'ed25519', signature: signBytes(identity, signedBytesOfLsa(unsigned)) } }
}

/** A validly signed LSA of the context's neighbour. */
function sealed (context: LsaContext, seq: number, options: { skewMs?: number, addresses?: string[] } = {}): Lsa {
  return sealLsa(context.identity, {
    agentId: context.agentId, seq, nowMs: context.nowMs + (options.skewMs ?? 0),
    addresses: options.addresses ?? ['/ip4/127.0.0.1/tcp/4001'], neighbours: [], withdrawn: false
  })
}

/** LSAs a victim must refuse from this neighbour, none of which it may store. */
export function lsaInputArb (context: LsaContext): fc.Arbitrary<BadInput> {
  const { identity, third } = context
  const held = Math.max(1, context.heldSeq)
  const seqArb = fc.integer({ min: 1, max: held })
  const base = fc.tuple(seqArb, fc.integer({ min: -30_000, max: 30_000 })).map(([seq, skewMs]) => sealed(context, seq, { skewMs }) as unknown as Json)
  const withSign = (lsa: Json, signature: string): Json => ({ ...lsa, sign: { algo: 'ed25519', signature } })
  const signatureOf = (lsa: Json): string => (lsa.sign as { signature: string }).signature
  const schema = fc.oneof(
    base.map((lsa) => lsaInput('lsa_names_origin', signedAs({ ...lsa, neighbours: [{ fingerprint: identity.fingerprint, rtt_ms: 1, trust: 'probing' }] }, identity), ['InvalidEnvelopeError'])),
    base.map((lsa) => lsaInput('lsa_names_twice', signedAs({ ...lsa, neighbours: [{ fingerprint: third.fingerprint, rtt_ms: 1, trust: 'probing' }, { fingerprint: third.fingerprint, rtt_ms: 2, trust: 'trusted' }] }, identity), ['InvalidEnvelopeError'])),
    fc.tuple(base, fc.array(strayFingerprintArb, { minLength: 65, maxLength: 70 })).map(([lsa, fingerprints]) =>
      lsaInput('lsa_too_many_neighbours', { ...lsa, neighbours: fingerprints.map((fingerprint) => ({ fingerprint, rtt_ms: 1, trust: 'unknown' })) }, ['InvalidEnvelopeError'])),
    base.map((lsa) => lsaInput('lsa_too_many_addresses', { ...lsa, addresses: Array.from({ length: 17 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) }, ['InvalidEnvelopeError'])),
    fc.tuple(base, fc.constantFrom<[string, unknown]>(
      ['seq', 0], ['seq', -1], ['seq', 1.5], ['seq', '1'], ['lsa', '2.0'], ['lsa', 1], ['withdrawn', 'yes'], ['agent_id', ''], ['agent_id', 'x'.repeat(257)],
      ['addresses', ['not-a-multiaddr']], ['addresses', 'x'], ['neighbours', {}], ['created_at', 'now'], ['origin', 'ABC'], ['pubkey', 'AAAA'], ['extra', 1], ['sign', null]
    )).map(([lsa, [member, value]]) => lsaInput('lsa_schema', { ...lsa, [member]: value }, ['InvalidEnvelopeError'])),
    fc.tuple(base, fc.constantFrom('lsa', 'origin', 'pubkey', 'seq', 'created_at', 'addresses', 'neighbours', 'withdrawn', 'sign', 'agent_id'))
      .map(([lsa, member]) => lsaInput('lsa_missing_member', Object.fromEntries(Object.entries(lsa).filter(([key]) => key !== member)), ['InvalidEnvelopeError'])),
    fc.tuple(base, fc.constantFrom({ rtt_ms: -1, trust: 'probing' }, { rtt_ms: 1e9, trust: 'probing' }, { rtt_ms: 1, trust: 'friend' }, { rtt_ms: '1', trust: 'probing' }))
      .map(([lsa, neighbour]) => lsaInput('lsa_bad_neighbour', { ...lsa, neighbours: [{ fingerprint: third.fingerprint, ...neighbour }] }, ['InvalidEnvelopeError']))
  )
  const signature = fc.oneof(
    fc.tuple(base, signatureBitsArb).map(([lsa, bits]) => lsaInput('lsa_forged_signature', withSign(lsa, flipSignatureBits(signatureOf(lsa), bits)), SIGNATURE)),
    base.map((lsa) => lsaInput('lsa_malleated_signature', withSign(lsa, malleateSignature(signatureOf(lsa))), SIGNATURE)),
    fc.tuple(base, fc.bigInt({ min: 0n, max: 17n })).map(([lsa, offset]) => lsaInput('lsa_non_canonical_r', withSign(lsa, nonCanonicalR(signatureOf(lsa), offset)), SIGNATURE)),
    fc.tuple(base, identityArb).map(([lsa, other]) => lsaInput('lsa_signed_by_other_key', signedAs(lsa, other), SIGNATURE)),
    fc.tuple(base, fc.boolean()).map(([lsa, isWithdrawal]) => lsaInput('lsa_forged_third_party', signedAs({ ...lsa, origin: third.fingerprint, pubkey: third.pubkey, agent_id: third.agentId, withdrawn: isWithdrawal }, identity), SIGNATURE)),
    fc.tuple(base, strayFingerprintArb).map(([lsa, stray]) => lsaInput('lsa_wrong_fingerprint', signedAs({ ...lsa, origin: stray }, identity), SIGNATURE)),
    fc.tuple(base, weakKeyArb).map(([lsa, weak]) => lsaInput('lsa_weak_key', signedAs({ ...lsa, origin: weak.fingerprint, pubkey: weak.pubkey }, identity), SIGNATURE)),
    fc.tuple(base, weakKeyArb).map(([lsa, weak]) => lsaInput('lsa_weak_key_forgery', withSign({ ...lsa, origin: weak.fingerprint, pubkey: weak.pubkey }, SMALL_ORDER_FORGERY), SIGNATURE)),
    fc.tuple(base, base).filter(([a, b]) => signatureOf(a) !== signatureOf(b)).map(([lsa, other]) => lsaInput('lsa_signature_reused', withSign({ ...lsa, addresses: ['/ip4/10.1.2.3/tcp/9'] }, signatureOf(other)), SIGNATURE)),
    fc.tuple(base, fc.constantFrom(...leafPaths(sealed(context, held), (path) => path[0] === 'sign' || path[0] === 'origin' || path[0] === 'pubkey')))
      .chain(([lsa, path]) => fc.string({ minLength: 1, maxLength: 6 }).map((text) => {
        const current = lsa[String(path[0])]
        return lsaInput('lsa_changed_member', withMember(lsa, path, typeof current === 'string' ? `${current}${text}` : text), ['InvalidEnvelopeError', 'SignatureMismatchError'])
      }))
  )
  const time = fc.oneof(
    fc.tuple(seqArb, fc.integer({ min: 400, max: 50 * 365 * 86_400 })).map(([seq, seconds]) => lsaInput('lsa_stale_created_at', sealed(context, seq, { skewMs: -seconds * 1000 }), ['TimestampError'])),
    fc.tuple(seqArb, fc.integer({ min: 300, max: 50 * 365 * 86_400 })).map(([seq, seconds]) => lsaInput('lsa_future_created_at', sealed(context, seq, { skewMs: seconds * 1000 }), ['TimestampError'])),
    fc.tuple(base, fc.constantFrom('2026-02-30T00:00:00Z', '2026-01-01T25:00:00Z')).map(([lsa, createdAt]) => lsaInput('lsa_malformed_created_at', signedAs({ ...lsa, created_at: createdAt }, identity), ['TimestampError']))
  )
  const sequence = fc.oneof(
    ...(held >= 2 ? [fc.integer({ min: 1, max: held - 1 }).map((seq) => lsaInput('lsa_stale_sequence', sealed(context, seq), ['lsa:stale']))] : []),
    fc.integer({ min: 1, max: 65_535 }).map((port) => lsaInput('lsa_conflicting_sequence', sealed(context, held, { addresses: [`/ip4/10.9.8.7/tcp/${port}`] }), ['lsa:conflict', 'lsa:stale']))
  )
  return fc.oneof(
    { weight: 4, arbitrary: schema },
    { weight: 6, arbitrary: signature },
    { weight: 2, arbitrary: time },
    { weight: 3, arbitrary: sequence },
    { weight: 2, arbitrary: base.chain((lsa) => textEditArb(lsa as unknown as JsonValue)).map((edit) => rawInput(`lsa_${edit.category}`, edit.bytes, ['InvalidEnvelopeError'])) },
    { weight: 1, arbitrary: base.chain((lsa) => characterEditArb(lsa as unknown as JsonValue)).map((bytes) => rawInput('lsa_character_edit', bytes, ['InvalidEnvelopeError', 'SignatureMismatchError', 'TimestampError'])) }
  )
}
