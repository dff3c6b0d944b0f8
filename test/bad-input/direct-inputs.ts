/**
 * Bad input for the direct channels (`control`, `state`, `knowledge`): what a handshaken
 * neighbour can send about itself. Impersonation — an envelope whose sender is not the
 * link peer — gets the link peer blacklisted and its link closed (SPEC §15.7), so it has
 * its own arbitrary for throw-away peers.
 */
import fc from 'fast-check'
import type { JsonValue } from '../../src/protocol/canonical-json.ts'
import { signedBytesOf } from '../../src/protocol/envelope/signature-scope.ts'
import type { Envelope, Receiver } from '../../src/protocol/envelope/types.ts'
import { validateEnvelope } from '../../src/protocol/envelope/validate.ts'
import { signBytes } from '../../src/protocol/identity/index.ts'
import { parseJson } from '../../src/protocol/json-intake.ts'
import { validBodyArb, validCarrierArb } from './envelopes.ts'
import type { EnvelopeContext } from './envelopes.ts'
import { identityArb, SMALL_ORDER_FORGERY, strayFingerprintArb, weakKeyArb } from './identities.ts'
import { ANY_ENVELOPE, clone, envelopeMutationArb, rawInput, resignWith } from './mutations.ts'
import type { BadInput } from './mutations.ts'
import { characterEditArb, junkArb, textEditArb } from './raw-json.ts'
import { canonicalBytes } from '../../src/protocol/canonical-json.ts'

/** True when `bytes` is an envelope whose sender is not `context.author`: impersonation on a direct link. */
export function isImpersonation (bytes: Uint8Array, context: EnvelopeContext): boolean {
  let envelope: Envelope
  try {
    envelope = validateEnvelope(parseJson(bytes))
  } catch {
    return false
  }
  const { identity } = context.author
  return !('mesh' in envelope) && (envelope.sender.fingerprint !== identity.fingerprint || envelope.sender.pubkey !== identity.pubkey)
}

/** Body envelopes mutated at the member, signature and text level. */
export function envelopeInputArb (context: EnvelopeContext): fc.Arbitrary<BadInput> {
  const bodies = validBodyArb(context)
  const resign = resignWith(context.author.identity)
  return fc.oneof(
    { weight: 12, arbitrary: bodies.chain((envelope) => envelopeMutationArb(envelope, resign)) },
    { weight: 4, arbitrary: bodies.chain((envelope) => textEditArb(envelope as unknown as JsonValue)).map((edit) => rawInput(edit.category, edit.bytes, ['InvalidEnvelopeError'])) },
    {
      weight: 2,
      arbitrary: bodies.chain((envelope) => characterEditArb(envelope as unknown as JsonValue))
        .filter((bytes) => !isImpersonation(bytes, context))
        .map((bytes) => rawInput('character_edit', bytes, ANY_ENVELOPE))
    }
  )
}

/**
 * Everything a handshaken neighbour can send on a direct channel that must be refused
 * without blacklisting it: junk, mutated envelopes, and a mesh carrier on the wrong
 * channel (`TrustViolationError`).
 */
export function directInputArb (context: EnvelopeContext): fc.Arbitrary<BadInput> {
  return fc.oneof(
    { weight: 17, arbitrary: envelopeInputArb(context) },
    { weight: 2, arbitrary: junkArb.map((bytes) => rawInput('junk', bytes, ['InvalidEnvelopeError'])) },
    { weight: 1, arbitrary: validCarrierArb(context, context.receiver).map((carrier) => rawInput('wrong_channel', canonicalBytes(carrier), ['TrustViolationError'])) }
  )
}

/**
 * Envelopes whose sender block does not name the key that signs them or the link peer:
 * another key's envelope, a third party's name under the author's signature, a
 * fingerprint that is not the key's, a small-order key. On a direct link each is
 * impersonation (`SignatureMismatchError`, the link peer blacklisted); offline each fails
 * its signature or key check, except `other_sender` (another key's valid envelope), which
 * `isOfflineValid` marks.
 */
export function impersonationArb (context: EnvelopeContext, third: Receiver & { pubkey: string }): fc.Arbitrary<BadInput & { isOfflineValid: boolean }> {
  const bodies = validBodyArb(context)
  const signedByAuthor = (envelope: Record<string, unknown>): Record<string, unknown> =>
    ({ ...envelope, sign: { algo: 'ed25519', signature: signBytes(context.author.identity, signedBytesOf(envelope)) } })
  const withSender = (envelope: Envelope, fingerprint: string, pubkey: string): Record<string, unknown> => {
    const copy = clone(envelope)
    return { ...copy, sender: { ...copy.sender, fingerprint, pubkey } }
  }
  const expected = ['SignatureMismatchError'] as const
  return fc.oneof(
    fc.tuple(bodies, identityArb).map(([envelope, other]) => {
      const copy = withSender(envelope, other.fingerprint, other.pubkey)
      return { category: 'other_sender', bytes: canonicalBytes(resignWith(other)(copy)), expected, isOfflineValid: true }
    }),
    bodies.map((envelope) => ({ category: 'forged_third_party', bytes: canonicalBytes(signedByAuthor(withSender(envelope, third.fingerprint, third.pubkey))), expected, isOfflineValid: false })),
    fc.tuple(bodies, strayFingerprintArb).map(([envelope, fingerprint]) =>
      ({ category: 'wrong_fingerprint', bytes: canonicalBytes(signedByAuthor(withSender(envelope, fingerprint, context.author.identity.pubkey))), expected, isOfflineValid: false })),
    fc.tuple(bodies, weakKeyArb).map(([envelope, weak]) =>
      ({ category: 'weak_key', bytes: canonicalBytes(signedByAuthor(withSender(envelope, weak.fingerprint, weak.pubkey))), expected, isOfflineValid: false })),
    fc.tuple(bodies, weakKeyArb).map(([envelope, weak]) =>
      ({ category: 'weak_key_forgery', bytes: canonicalBytes({ ...withSender(envelope, weak.fingerprint, weak.pubkey), sign: { algo: 'ed25519', signature: SMALL_ORDER_FORGERY } }), expected, isOfflineValid: false }))
  )
}
