import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { failureOf } from '../../../test/helpers/failure.ts'
import { canonicalBytes, canonicalize } from '../../protocol/canonical-json.ts'
import { generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { answerChallenge, checkChallengeResponse, TRANSCRIPT_LABEL, transcriptBytes } from './transcript.ts'
import type { Transcript } from './transcript.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 300 }

const alice = generateKeyPairIdentity()
const bob = generateKeyPairIdentity()

const BASE: Transcript = {
  signer: 'responder',
  answering: 'Y2hhbGxlbmdlLWE=',
  initiator: { fingerprint: alice.fingerprint, nonce: 'bm9uY2UtYQ==', peerId: '12D3KooWAlice' },
  responder: { fingerprint: bob.fingerprint, nonce: 'bm9uY2UtYg==', peerId: '12D3KooWBob' }
}

function hexOf (bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

/** BASE with one field changed, named. */
const VARIANTS: ReadonlyArray<[string, Transcript]> = [
  ['signer', { ...BASE, signer: 'initiator' }],
  ['answering', { ...BASE, answering: 'Y2hhbGxlbmdlLWI=' }],
  ['initiator fingerprint', { ...BASE, initiator: { ...BASE.initiator, fingerprint: 'c3'.repeat(32) } }],
  ['responder fingerprint', { ...BASE, responder: { ...BASE.responder, fingerprint: 'c3'.repeat(32) } }],
  ['initiator nonce', { ...BASE, initiator: { ...BASE.initiator, nonce: 'bm9uY2UtYw==' } }],
  ['responder nonce', { ...BASE, responder: { ...BASE.responder, nonce: 'bm9uY2UtYw==' } }],
  ['initiator peer id', { ...BASE, initiator: { ...BASE.initiator, peerId: '12D3KooWMallory' } }],
  ['responder peer id', { ...BASE, responder: { ...BASE.responder, peerId: '12D3KooWMallory' } }],
  ['initiator peer id null', { ...BASE, initiator: { ...BASE.initiator, peerId: null } }],
  ['responder peer id null', { ...BASE, responder: { ...BASE.responder, peerId: null } }],
  ['initiator peer id "null"', { ...BASE, initiator: { ...BASE.initiator, peerId: 'null' } }],
  ['initiator peer id ""', { ...BASE, initiator: { ...BASE.initiator, peerId: '' } }],
  ['parties swapped', { ...BASE, initiator: BASE.responder, responder: BASE.initiator }]
]

const partyArb = fc.record({
  fingerprint: fc.constantFrom(alice.fingerprint, bob.fingerprint),
  nonce: fc.constantFrom('n1', 'n2', ''),
  peerId: fc.constantFrom('p1', 'p2', 'null', null)
})
const transcriptArb: fc.Arbitrary<Transcript> = fc.record({
  signer: fc.constantFrom('initiator' as const, 'responder' as const),
  answering: fc.constantFrom('c1', 'c2', ''),
  initiator: partyArb,
  responder: partyArb
})

describe('transcriptBytes()', () => {
  it('transcriptBytes() writes canonical JSON with the label, the version and every field', () => {
    const bytes = transcriptBytes(BASE)
    const text = new TextDecoder().decode(bytes)
    assert.deepEqual(JSON.parse(text), {
      label: TRANSCRIPT_LABEL,
      cip: '1.0',
      signer: 'responder',
      answering: BASE.answering,
      initiator: { fingerprint: alice.fingerprint, nonce: BASE.initiator.nonce, peer_id: '12D3KooWAlice' },
      responder: { fingerprint: bob.fingerprint, nonce: BASE.responder.nonce, peer_id: '12D3KooWBob' }
    })
    assert.equal(text, canonicalize(JSON.parse(text)), 'keys sorted, no whitespace')
    assert.ok(text.startsWith('{"answering":'), text)
    assert.ok(text.includes(`"label":"${TRANSCRIPT_LABEL}"`))
    assert.deepEqual(bytes, canonicalBytes(JSON.parse(text)))
  })

  it('transcriptBytes() writes a routed (null) peer id as JSON null', () => {
    const text = new TextDecoder().decode(transcriptBytes({ ...BASE, initiator: { ...BASE.initiator, peerId: null } }))
    assert.ok(text.includes('"peer_id":null'), text)
  })

  it('transcriptBytes() is the same for equal transcripts', () => {
    assert.deepEqual(transcriptBytes(BASE), transcriptBytes(structuredClone(BASE)))
  })

  it('transcriptBytes() changes with every field, null vs string peer id included', () => {
    const base = hexOf(transcriptBytes(BASE))
    const seen = new Map<string, string>([[base, 'base']])
    for (const [name, variant] of VARIANTS) {
      const hex = hexOf(transcriptBytes(variant))
      assert.equal(seen.get(hex), undefined, `${name} collides with ${seen.get(hex) ?? ''}`)
      seen.set(hex, name)
    }
  })

  it('transcriptBytes() gives equal bytes exactly for equal transcripts (property)', () => {
    fc.assert(fc.property(transcriptArb, transcriptArb, (a, b) => {
      const isSameBytes = hexOf(transcriptBytes(a)) === hexOf(transcriptBytes(b))
      assert.equal(isSameBytes, canonicalize(a) === canonicalize(b))
    }), PROPERTY_OPTIONS)
  })
})

describe('answerChallenge() and checkChallengeResponse()', () => {
  it('checkChallengeResponse() accepts the response of the signer over the same transcript', () => {
    const response = answerChallenge(bob, BASE)
    checkChallengeResponse(bob.pubkey, structuredClone(BASE), response)
  })

  it('checkChallengeResponse() refuses a response over a transcript that differs in any field', () => {
    const response = answerChallenge(bob, BASE)
    for (const [name, variant] of VARIANTS) {
      assert.deepEqual(failureOf(() => { checkChallengeResponse(bob.pubkey, variant, response) }), { name: 'SignatureMismatchError', reason: 'bad_signature' }, name)
    }
  })

  it('checkChallengeResponse() refuses a response signed by another key', () => {
    const response = answerChallenge(alice, BASE)
    assert.deepEqual(failureOf(() => { checkChallengeResponse(bob.pubkey, BASE, response) }), { name: 'SignatureMismatchError', reason: 'bad_signature' })
  })

  it('checkChallengeResponse() refuses a response that is not a signature', () => {
    assert.deepEqual(failureOf(() => { checkChallengeResponse(bob.pubkey, BASE, 'not base64') }), { name: 'SignatureMismatchError', reason: 'malformed_signature' })
  })
})
