/**
 * Bad input for the `mesh` channel: carriers a handshaken neighbour relays to the victim.
 * Each must end in exactly one drop (`web4_mesh_dropped_total{reason}`, SPEC §9): the
 * forwarding policy's (`loop`, `max_hops`, `unknown_destination`), `duplicate`, `invalid`
 * (schema, header or freshness), or `tampered` (the end-to-end signature failed, which
 * blames no one, SPEC §15.9). Carriers addressed to the victim are opened there; carriers
 * addressed elsewhere fail a header rule, since relays do not verify bodies.
 */
import fc from 'fast-check'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'
import type { JsonValue } from '../../src/protocol/canonical-json.ts'
import { formatRfc3339 } from '../../src/protocol/envelope/freshness.ts'
import { signedBytesOf } from '../../src/protocol/envelope/signature-scope.ts'
import type { MeshEnvelope, Receiver } from '../../src/protocol/envelope/types.ts'
import { signBytes } from '../../src/protocol/identity/index.ts'
import type { EnvelopeAuthor } from '../../src/protocol/envelope/builders.ts'
import { sealBody, validBodyArb, validCarrierArb } from './envelopes.ts'
import type { EnvelopeContext } from './envelopes.ts'
import { flipSignatureBits, identityArb, signatureBitsArb, SMALL_ORDER_FORGERY, strayFingerprintArb, weakKeyArb } from './identities.ts'
import { clone, envelopeMutationArb, rawInput, resignWith, STALE_MIN_SECONDS } from './mutations.ts'
import type { BadInput, Outcome } from './mutations.ts'
import { characterEditArb, junkArb, textEditArb } from './raw-json.ts'

/** Who relays to whom: the victim receives, `third` is a node it knows and routes to. */
export interface MeshContext extends EnvelopeContext {
  /** A destination the victim knows and has a route to (carriers to it are forwarded unless a header rule drops them). */
  third: Receiver & { pubkey: string }
  /** A carrier id every `duplicate_id` input shares. */
  duplicateId: string
}

/** The drops any carrier refused by the victim can end in. */
const ANY_DROP: readonly Outcome[] = ['drop:invalid', 'drop:tampered', 'drop:unknown_destination', 'drop:loop', 'drop:max_hops', 'drop:duplicate']

/** The drop a carrier addressed to the victim ends in for each error its opening may throw. */
function dropsOf (expected: readonly Outcome[]): Outcome[] {
  return [...new Set(expected.map((outcome) => outcome === 'SignatureMismatchError' ? 'drop:tampered' : outcome.startsWith('drop:') ? outcome : 'drop:invalid'))]
}

type Json = Record<string, unknown>

function carrierInput (category: string, carrier: unknown, expected: readonly Outcome[]): BadInput {
  return { category, bytes: canonicalBytes(carrier), expected }
}

/** The carrier signed again by `author` after `change`. */
function resealed (author: EnvelopeAuthor, carrier: MeshEnvelope, change: (copy: Json) => Json): Json {
  return resignWith(author.identity)(change(clone(carrier)))
}

/** `carrier` with its sign replaced by `identity`'s signature over it (under whatever sender block it names). */
function signedAs (carrier: Json, identity: EnvelopeAuthor['identity']): Json {
  return { ...carrier, sign: { algo: 'ed25519', signature: signBytes(identity, signedBytesOf(carrier)) } }
}

/**
 * Carriers addressed to the victim that must fail when it opens them, with the typed error
 * each meets (`envelope verify` meets the same ones offline): mutations of every member and
 * of the signature, a body signed by another key, origin or destination that disagree with
 * the signed header, a stale body, weak keys, a fingerprint that is not the key's, a third
 * party's name under the author's signature, reused signatures.
 */
export function openedCarrierArb (context: MeshContext): fc.Arbitrary<BadInput> {
  const { author, third } = context
  const toVictim = validCarrierArb(context, context.receiver)
  const resign = resignWith(author.identity)
  const signature: readonly Outcome[] = ['SignatureMismatchError']
  return fc.oneof(
    { weight: 12, arbitrary: toVictim.chain((carrier) => envelopeMutationArb(carrier, resign)) },
    fc.tuple(toVictim, identityArb).map(([carrier, other]) => carrierInput('body_sender', resealed(author, carrier, (copy) => {
      const body = sealBody({ identity: other, agentId: 'other' }, 'INTENT', context.receiver, { nowMs: context.nowMs, msgId: carrier.msg_id })
      return { ...copy, type: 'INTENT', payload: { body } }
    }), ['InvalidEnvelopeError'])),
    toVictim.map((carrier) => carrierInput('origin_mismatch', resealed(author, carrier, (copy) => ({ ...copy, origin: third.fingerprint })), ['InvalidEnvelopeError'])),
    toVictim.map((carrier) => carrierInput('destination_mismatch', resealed(author, carrier, (copy) => ({ ...copy, receiver: { agent_id: third.agent_id, fingerprint: third.fingerprint } })), ['InvalidEnvelopeError'])),
    fc.tuple(validCarrierArb(context, context.receiver, ['INTENT', 'FACT_PROPOSE', 'HCP_INTENT', 'LIP_FETCH']), fc.integer({ min: STALE_MIN_SECONDS, max: 86_400 })).map(([carrier, seconds]) =>
      carrierInput('stale_body', resealed(author, carrier, (copy) => {
        const body = (copy.payload as { body: Json }).body
        const stale = resign({ ...body, timestamp: formatRfc3339(Date.parse(carrier.timestamp) - seconds * 1000) })
        return { ...copy, payload: { body: stale } }
      }), ['TimestampError'])),
    fc.tuple(toVictim, weakKeyArb).map(([carrier, weak]) => carrierInput('weak_key', signedAs({ ...clone(carrier), origin: weak.fingerprint, sender: { ...carrier.sender, fingerprint: weak.fingerprint, pubkey: weak.pubkey } }, author.identity), signature)),
    fc.tuple(toVictim, weakKeyArb).map(([carrier, weak]) => carrierInput('weak_key_forgery',
      { ...clone(carrier), origin: weak.fingerprint, sender: { ...carrier.sender, fingerprint: weak.fingerprint, pubkey: weak.pubkey }, sign: { algo: 'ed25519', signature: SMALL_ORDER_FORGERY } }, signature)),
    fc.tuple(toVictim, strayFingerprintArb).map(([carrier, stray]) => carrierInput('wrong_fingerprint', signedAs({ ...clone(carrier), origin: stray, sender: { ...carrier.sender, fingerprint: stray } }, author.identity), signature)),
    toVictim.map((carrier) => carrierInput('forged_third_party', signedAs({ ...clone(carrier), origin: third.fingerprint, sender: { agent_id: third.agent_id, fingerprint: third.fingerprint, pubkey: third.pubkey } }, author.identity), signature)),
    toVictim.map((carrier) => carrierInput('body_signature_reused', { ...carrier, sign: 'body' in carrier.payload ? carrier.payload.body.sign : { algo: 'ed25519', signature: flipSignatureBits(carrier.sign.signature, [3]) } }, signature))
  )
}

/** Carriers refused by the header rules, opened and refused end to end, or that are not carriers at all. */
export function meshInputArb (context: MeshContext): fc.Arbitrary<BadInput> {
  const { author, third } = context
  const toVictim = validCarrierArb(context, context.receiver)
  const toThird = validCarrierArb(context, third)
  const header = fc.oneof(
    toThird.map((carrier) => carrierInput('loop', { ...carrier, hops: [context.receiver.fingerprint] }, ['drop:loop'])),
    fc.tuple(toThird, strayFingerprintArb).map(([carrier, stray]) => carrierInput('loop', { ...carrier, hops: [stray, third.fingerprint] }, ['drop:loop'])),
    fc.tuple(toThird, fc.array(strayFingerprintArb, { minLength: 16, maxLength: 20 })).map(([carrier, hops]) => carrierInput('max_hops', { ...carrier, hops }, ['drop:max_hops'])),
    fc.tuple(toVictim, strayFingerprintArb).map(([carrier, stray]) =>
      carrierInput('unknown_destination', resealed(author, carrier, (copy) => ({ ...copy, destination: stray, receiver: { agent_id: 'nobody', fingerprint: stray } })), ['drop:unknown_destination'])),
    fc.tuple(validCarrierArb(context, { agent_id: '*', fingerprint: '*' }), signatureBitsArb).map(([carrier, bits]) =>
      carrierInput('broadcast_forged', { ...carrier, sign: { algo: 'ed25519', signature: flipSignatureBits(carrier.sign.signature, bits) } }, ['drop:tampered'])),
    fc.tuple(toVictim, signatureBitsArb).map(([carrier, bits]) => {
      const withId = resealed(author, carrier, (copy) => ({ ...copy, id: context.duplicateId })) as unknown as MeshEnvelope
      return carrierInput('duplicate_id', { ...withId, sign: { algo: 'ed25519', signature: flipSignatureBits(withId.sign.signature, bits) } }, ['drop:tampered', 'drop:duplicate'])
    })
  )
  return fc.oneof(
    { weight: 3, arbitrary: header },
    { weight: 12, arbitrary: openedCarrierArb(context).map((input) => rawInput(input.category, input.bytes, dropsOf(input.expected))) },
    { weight: 3, arbitrary: toVictim.chain((carrier) => textEditArb(carrier as unknown as JsonValue)).map((edit) => rawInput(edit.category, edit.bytes, ['drop:invalid'])) },
    { weight: 1, arbitrary: toVictim.chain((carrier) => characterEditArb(carrier as unknown as JsonValue)).map((bytes) => rawInput('character_edit', bytes, ANY_DROP)) },
    { weight: 1, arbitrary: junkArb.map((bytes) => rawInput('junk', bytes, ['drop:invalid'])) },
    { weight: 1, arbitrary: validBodyArb(context).map((body) => rawInput('body_without_carrier', canonicalBytes(body), ['drop:invalid'])) }
  )
}
