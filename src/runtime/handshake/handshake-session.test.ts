import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { openEnvelope } from '../../protocol/envelope/open.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { CipEnvelope, HelloPayload } from '../../protocol/envelope/types.ts'
import { HandshakeError } from '../../protocol/errors.ts'
import { encodeBase64, generateKeyPairIdentity } from '../../protocol/identity/index.ts'
import { createReplayCache } from '../../protocol/replay-cache.ts'
import { CIP_PROTOCOL, HandshakeSession, NONCE_BYTES } from './handshake-session.ts'
import type { HandshakeRole, RemoteParty } from './handshake-session.ts'
import { answerChallenge } from './transcript.ts'
import type { Transcript } from './transcript.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 300 }
const NOW = Date.UTC(2026, 10, 26, 4, 0, 0)
const PEER_ID_A = '12D3KooWAlice'
const PEER_ID_B = '12D3KooWBob'

const alice: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'alice' }
const bob: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'bob' }
const mallory: EnvelopeAuthor = { identity: generateKeyPairIdentity(), agentId: 'mallory' }

/** Deterministic random bytes: SHA-256 of a seed and a counter. */
function seededBytes (seed: string): (length: number) => Uint8Array {
  let counter = 0
  return (length) => {
    const out = new Uint8Array(length)
    for (let offset = 0; offset < length; offset += 32) {
      out.set(createHash('sha256').update(`${seed}:${counter++}`).digest().subarray(0, length - offset), offset)
    }
    return out
  }
}

function partyOf (author: EnvelopeAuthor, peerId: string | null): RemoteParty {
  return { fingerprint: author.identity.fingerprint, agentId: author.agentId, peerId }
}

interface SessionOptions {
  role: HandshakeRole
  author?: EnvelopeAuthor
  remote?: RemoteParty
  localPeerId?: string | null
  randomBytes?: (length: number) => Uint8Array
}

let sessionCount = 0

/** An initiator is alice talking to bob; a responder is bob talking to alice — unless told otherwise. */
function sessionOf (options: SessionOptions): HandshakeSession {
  const isInitiator = options.role === 'initiator'
  return new HandshakeSession({
    role: options.role,
    author: options.author ?? (isInitiator ? alice : bob),
    localPeerId: options.localPeerId !== undefined ? options.localPeerId : (isInitiator ? PEER_ID_A : PEER_ID_B),
    remote: options.remote ?? (isInitiator ? partyOf(bob, PEER_ID_B) : partyOf(alice, PEER_ID_A)),
    capabilities: ['cip', 'mesh'],
    randomBytes: options.randomBytes ?? seededBytes(`${options.role}-${++sessionCount}`)
  })
}

/** A sealed HELLO from `author` to `to` with `payload`. */
function helloOf (author: EnvelopeAuthor, to: EnvelopeAuthor, payload: HelloPayload, nowMs = NOW): CipEnvelope<'HELLO'> {
  const receiver = { agent_id: to.agentId, fingerprint: to.identity.fingerprint }
  return sealEnvelope(buildCipEnvelope(author, { type: 'HELLO', payload, receiver }, { nowMs }), author.identity)
}

/** The same HELLO with its payload changed, re-sealed by its author (as a key holder would). */
function resealed (hello: CipEnvelope<'HELLO'>, author: EnvelopeAuthor, change: Partial<HelloPayload>): CipEnvelope<'HELLO'> {
  const to = hello.receiver.fingerprint === alice.identity.fingerprint ? alice : hello.receiver.fingerprint === bob.identity.fingerprint ? bob : mallory
  return helloOf(author, to, { ...hello.payload, ...change })
}

function firstHelloPayload (nonce = 'bm9uY2U=', challenge = 'Y2hhbGxlbmdl'): HelloPayload {
  return { protocols: [CIP_PROTOCOL], capabilities: [], session_nonce: nonce, challenge, features: { supports_mesh: true, supports_multiplex: true } }
}

/** The HandshakeError reason `fn` threw; fails the test when it threw anything else or nothing. */
function handshakeReasonOf (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof HandshakeError, `expected a HandshakeError, got ${String(err)}`)
    assert.equal(err.name, 'HandshakeError')
    return err.reason
  }
  assert.fail('expected a HandshakeError, nothing was thrown')
}

/** Runs legs 1 and 2: the initiator's HELLO1 and the responder's HELLO2. */
function firstTwoLegs (): { a: HandshakeSession, b: HandshakeSession, hello1: CipEnvelope<'HELLO'>, hello2: CipEnvelope<'HELLO'> } {
  const a = sessionOf({ role: 'initiator' })
  const b = sessionOf({ role: 'responder' })
  const hello1 = a.start(NOW).send!
  const hello2 = b.receive(hello1, NOW).send!
  return { a, b, hello1, hello2 }
}

/** Runs all three legs. */
function allLegs (): { a: HandshakeSession, b: HandshakeSession, hello1: CipEnvelope<'HELLO'>, hello2: CipEnvelope<'HELLO'>, hello3: CipEnvelope<'HELLO'> } {
  const legs = firstTwoLegs()
  const hello3 = legs.a.receive(legs.hello2, NOW).send!
  legs.b.receive(hello3, NOW)
  return { ...legs, hello3 }
}

describe('HandshakeSession three legs', () => {
  it('HandshakeSession.receive() completes both sides after three legs with real identities', () => {
    const a = sessionOf({ role: 'initiator', randomBytes: seededBytes('a') })
    const b = sessionOf({ role: 'responder', randomBytes: seededBytes('b') })
    assert.equal(a.stage, 'idle')
    assert.equal(b.stage, 'idle')

    const leg1 = a.start(NOW)
    assert.equal(leg1.isComplete, false)
    assert.equal(a.stage, 'awaiting_hello2')
    const hello1 = leg1.send!
    assert.equal(hello1.payload.challenge_response, undefined)
    assert.deepEqual(hello1.payload.protocols, [CIP_PROTOCOL])
    assert.equal(hello1.receiver.fingerprint, bob.identity.fingerprint)
    assert.equal(Buffer.from(hello1.payload.session_nonce, 'base64').length, NONCE_BYTES)

    // Every leg is a valid sealed envelope on the wire.
    const replay = createReplayCache()
    const wire = (hello: CipEnvelope<'HELLO'>): CipEnvelope<'HELLO'> => openEnvelope(canonicalBytes(hello), { nowMs: NOW, replay }) as CipEnvelope<'HELLO'>

    const leg2 = b.receive(wire(hello1), NOW)
    assert.equal(leg2.isComplete, false)
    assert.equal(b.stage, 'awaiting_hello3')
    const hello2 = leg2.send!
    assert.equal(hello2.receiver.fingerprint, alice.identity.fingerprint)
    assert.equal(typeof hello2.payload.challenge_response, 'string')

    const leg3 = a.receive(wire(hello2), NOW)
    assert.equal(leg3.isComplete, true)
    assert.equal(a.stage, 'complete')
    const hello3 = leg3.send!
    assert.equal(hello3.payload.session_nonce, hello1.payload.session_nonce)
    assert.equal(hello3.payload.challenge, hello1.payload.challenge)

    const leg4 = b.receive(wire(hello3), NOW)
    assert.deepEqual(leg4, { isComplete: true })
    assert.equal(b.stage, 'complete')
  })

  it('HandshakeSession.receive() completes a routed handshake (null peer ids)', () => {
    const a = sessionOf({ role: 'initiator', localPeerId: null, remote: partyOf(bob, null) })
    const b = sessionOf({ role: 'responder', localPeerId: null, remote: partyOf(alice, null) })
    const hello2 = b.receive(a.start(NOW).send!, NOW).send!
    assert.equal(b.receive(a.receive(hello2, NOW).send!, NOW).isComplete, true)
  })

  it('new HandshakeSession() draws its nonce and challenge from randomBytes', () => {
    const a1 = sessionOf({ role: 'initiator', randomBytes: seededBytes('same') }).start(NOW).send!
    const a2 = sessionOf({ role: 'initiator', randomBytes: seededBytes('same') }).start(NOW).send!
    const a3 = sessionOf({ role: 'initiator', randomBytes: seededBytes('other') }).start(NOW).send!
    assert.equal(a1.payload.session_nonce, a2.payload.session_nonce)
    assert.equal(a1.payload.challenge, a2.payload.challenge)
    assert.notEqual(a1.payload.session_nonce, a1.payload.challenge)
    assert.notEqual(a1.payload.session_nonce, a3.payload.session_nonce)
  })
})

describe('HandshakeSession failures', () => {
  it('HandshakeSession.receive() fails with "version" when the peer does not speak cip/1.0', () => {
    const b = sessionOf({ role: 'responder' })
    const hello = helloOf(alice, bob, { ...firstHelloPayload(), protocols: ['cip/2.0', 'hcp/1.0'] })
    assert.equal(handshakeReasonOf(() => b.receive(hello, NOW)), 'version')
    assert.equal(b.stage, 'idle')
    assert.equal(handshakeReasonOf(() => b.receive(helloOf(alice, bob, { ...firstHelloPayload(), protocols: [] }), NOW)), 'version')
  })

  it('HandshakeSession.receive() fails with "wrong_receiver" when the HELLO is addressed to another node', () => {
    const b = sessionOf({ role: 'responder' })
    assert.equal(handshakeReasonOf(() => b.receive(helloOf(alice, mallory, firstHelloPayload()), NOW)), 'wrong_receiver')
    assert.equal(b.stage, 'idle')
  })

  it('HandshakeSession.receive() fails with "unexpected_hello" when an initiator gets a first HELLO', () => {
    const idle = sessionOf({ role: 'initiator' })
    assert.equal(handshakeReasonOf(() => idle.receive(helloOf(bob, alice, firstHelloPayload()), NOW)), 'unexpected_hello')
    const waiting = sessionOf({ role: 'initiator' })
    waiting.start(NOW)
    assert.equal(handshakeReasonOf(() => waiting.receive(helloOf(bob, alice, firstHelloPayload()), NOW)), 'unexpected_hello')
    assert.equal(waiting.stage, 'awaiting_hello2')
  })

  it('HandshakeSession.receive() fails with "unexpected_hello" when an idle responder gets a HELLO with a response', () => {
    const { hello2 } = firstTwoLegs()
    const b = sessionOf({ role: 'responder' })
    const withResponse = helloOf(alice, bob, { ...firstHelloPayload(), challenge_response: hello2.payload.challenge_response! })
    assert.equal(handshakeReasonOf(() => b.receive(withResponse, NOW)), 'unexpected_hello')
    assert.equal(b.stage, 'idle')
  })

  it('HandshakeSession.receive() fails with "unexpected_hello" when a responder waiting for HELLO3 gets one without a response', () => {
    const { b, hello1 } = firstTwoLegs()
    assert.equal(handshakeReasonOf(() => b.receive(resealed(hello1, alice, {}), NOW)), 'unexpected_hello')
    assert.equal(b.stage, 'awaiting_hello3')
  })

  it('HandshakeSession.receive() fails with "unexpected_hello" on any HELLO after completion, on both sides', () => {
    const { a, b, hello1, hello2, hello3 } = allLegs()
    for (const hello of [hello1, hello3, resealed(hello1, alice, {})]) {
      assert.equal(handshakeReasonOf(() => b.receive(hello, NOW)), 'unexpected_hello')
    }
    for (const hello of [hello2, helloOf(bob, alice, firstHelloPayload())]) {
      assert.equal(handshakeReasonOf(() => a.receive(hello, NOW)), 'unexpected_hello')
    }
    assert.equal(a.stage, 'complete')
    assert.equal(b.stage, 'complete')
  })

  it('HandshakeSession.start() fails with "unexpected_hello" for a responder or a started initiator', () => {
    assert.equal(handshakeReasonOf(() => sessionOf({ role: 'responder' }).start(NOW)), 'unexpected_hello')
    const a = sessionOf({ role: 'initiator' })
    a.start(NOW)
    assert.equal(handshakeReasonOf(() => a.start(NOW)), 'unexpected_hello')
  })

  it('HandshakeSession.receive() fails with "session_mismatch" on a HELLO3 with another nonce or challenge', () => {
    const { a, b, hello2 } = firstTwoLegs()
    const hello3 = a.receive(hello2, NOW).send!
    assert.equal(handshakeReasonOf(() => b.receive(resealed(hello3, alice, { session_nonce: 'b3RoZXI=' }), NOW)), 'session_mismatch')
    assert.equal(handshakeReasonOf(() => b.receive(resealed(hello3, alice, { challenge: 'b3RoZXI=' }), NOW)), 'session_mismatch')
    assert.equal(b.stage, 'awaiting_hello3')
    // The genuine HELLO3 still completes: a refused leg changes nothing.
    assert.equal(b.receive(hello3, NOW).isComplete, true)
  })

  it('HandshakeSession.receive() fails with "bad_challenge_response" on a HELLO2 response signed by another key', () => {
    const { a, hello2 } = firstTwoLegs()
    const forged = answerChallenge(mallory.identity, {
      signer: 'responder',
      answering: 'irrelevant',
      initiator: { fingerprint: alice.identity.fingerprint, nonce: '', peerId: PEER_ID_A },
      responder: { fingerprint: bob.identity.fingerprint, nonce: hello2.payload.session_nonce, peerId: PEER_ID_B }
    })
    assert.equal(handshakeReasonOf(() => a.receive(resealed(hello2, bob, { challenge_response: forged }), NOW)), 'bad_challenge_response')
    assert.notEqual(a.stage, 'complete')
  })

  it('HandshakeSession.receive() fails with "bad_challenge_response" on a HELLO3 response signed by another key over the right transcript', () => {
    const { b, hello1, hello2 } = firstTwoLegs()
    const transcript: Transcript = {
      signer: 'initiator',
      answering: hello2.payload.challenge,
      initiator: { fingerprint: alice.identity.fingerprint, nonce: hello1.payload.session_nonce, peerId: PEER_ID_A },
      responder: { fingerprint: bob.identity.fingerprint, nonce: hello2.payload.session_nonce, peerId: PEER_ID_B }
    }
    const genuine = resealed(hello1, alice, { challenge_response: answerChallenge(alice.identity, transcript) })
    const byMallory = resealed(hello1, alice, { challenge_response: answerChallenge(mallory.identity, transcript) })
    assert.equal(handshakeReasonOf(() => b.receive(byMallory, NOW)), 'bad_challenge_response')
    assert.equal(b.stage, 'awaiting_hello3')
    // Control: the same transcript signed by alice is what the responder expects.
    assert.equal(b.receive(genuine, NOW).isComplete, true)
  })

  it('HandshakeSession.receive() fails with "bad_challenge_response" on a response bound to another peer id', () => {
    const { b, hello1, hello2 } = firstTwoLegs()
    const transcriptVia = (initiatorPeerId: string | null): Transcript => ({
      signer: 'initiator',
      answering: hello2.payload.challenge,
      initiator: { fingerprint: alice.identity.fingerprint, nonce: hello1.payload.session_nonce, peerId: initiatorPeerId },
      responder: { fingerprint: bob.identity.fingerprint, nonce: hello2.payload.session_nonce, peerId: PEER_ID_B }
    })
    // A response made for another connection (another libp2p peer id, or a routed session) does not carry over.
    for (const peerId of ['12D3KooWMallory', null]) {
      const carried = resealed(hello1, alice, { challenge_response: answerChallenge(alice.identity, transcriptVia(peerId)) })
      assert.equal(handshakeReasonOf(() => b.receive(carried, NOW)), 'bad_challenge_response', String(peerId))
    }
    assert.equal(b.receive(resealed(hello1, alice, { challenge_response: answerChallenge(alice.identity, transcriptVia(PEER_ID_A)) }), NOW).isComplete, true)
  })

  it('HandshakeSession.receive() fails with "bad_challenge_response" when the initiator and responder disagree on the peer ids', () => {
    const a = sessionOf({ role: 'initiator', localPeerId: '12D3KooWMallory' })
    const b = sessionOf({ role: 'responder' })
    const hello2 = b.receive(a.start(NOW).send!, NOW).send!
    assert.equal(handshakeReasonOf(() => a.receive(hello2, NOW)), 'bad_challenge_response')
  })

  it('HandshakeSession.receive() fails with "bad_challenge_response" on a reflected response (the responder\'s own HELLO2 response sent back)', () => {
    const { b, hello1, hello2 } = firstTwoLegs()
    const reflected = resealed(hello1, alice, { challenge_response: hello2.payload.challenge_response! })
    assert.equal(handshakeReasonOf(() => b.receive(reflected, NOW)), 'bad_challenge_response')
    assert.equal(b.stage, 'awaiting_hello3')
  })

  it('HandshakeSession.receive() refuses a reflection even under the responder\'s own key: the signer role is bound', () => {
    // Worst case for a reflection: bob is tricked into a session with "himself", the
    // attacker knows bob's challenge in advance (constant randomness) and sends HELLOs
    // under bob's key, so nonces, challenges and keys all line up; only the role differs.
    const constant = (length: number): Uint8Array => new Uint8Array(length).fill(7)
    const b = sessionOf({ role: 'responder', remote: partyOf(bob, PEER_ID_B), localPeerId: PEER_ID_B, randomBytes: constant })
    const bobsChallenge = encodeBase64(constant(NONCE_BYTES))
    const hello1 = helloOf(bob, bob, firstHelloPayload('bWFsbG9yeQ==', bobsChallenge))
    const hello2 = b.receive(hello1, NOW).send!
    assert.equal(hello2.payload.challenge, bobsChallenge)
    const reflected = helloOf(bob, bob, { ...hello1.payload, challenge_response: hello2.payload.challenge_response! })
    assert.equal(handshakeReasonOf(() => b.receive(reflected, NOW)), 'bad_challenge_response')
    assert.equal(b.stage, 'awaiting_hello3')
    // Control: the very same transcript with the initiator role is accepted, so the role alone stopped it.
    const asInitiator = answerChallenge(bob.identity, {
      signer: 'initiator',
      answering: bobsChallenge,
      initiator: { fingerprint: bob.identity.fingerprint, nonce: hello1.payload.session_nonce, peerId: PEER_ID_B },
      responder: { fingerprint: bob.identity.fingerprint, nonce: hello2.payload.session_nonce, peerId: PEER_ID_B }
    })
    assert.equal(b.receive(helloOf(bob, bob, { ...hello1.payload, challenge_response: asInitiator }), NOW).isComplete, true)
  })

  it('HandshakeSession.receive() throws a HandshakeError that names the remote fingerprint and keeps the signature error as its cause', () => {
    const { b, hello1, hello2 } = firstTwoLegs()
    try {
      b.receive(resealed(hello1, alice, { challenge_response: hello2.payload.challenge_response! }), NOW)
      assert.fail('expected a HandshakeError')
    } catch (err) {
      assert.ok(err instanceof HandshakeError)
      assert.equal(err.fingerprint, alice.identity.fingerprint)
      assert.equal((err.cause as Error).name, 'SignatureMismatchError')
    }
  })
})

type Leg = 2 | 3
type Field = 'challenge_response' | 'session_nonce' | 'challenge'

/** A tampered value for `field` that differs from `original`. */
function tamperedArb (field: Field): fc.Arbitrary<(original: string) => string> {
  const flipOne = fc.nat().map((index) => (original: string): string => {
    const bytes = Buffer.from(original, 'base64')
    const at = index % bytes.length
    bytes[at] = (bytes[at] ?? 0) ^ (1 << (index % 8))
    return bytes.toString('base64')
  })
  if (field === 'challenge_response') {
    const otherSignature = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((bytes) => () => encodeBase64(bytes))
    return fc.oneof(flipOne, otherSignature)
  }
  const other = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 48 }).map((bytes) => encodeBase64(bytes)),
    fc.string({ maxLength: 40 })
  ).map((text) => () => text)
  return fc.oneof(flipOne, other)
}

const tamperingArb = fc.constantFrom<[Leg, Field]>(
  [2, 'challenge_response'], [2, 'session_nonce'], [2, 'challenge'],
  [3, 'challenge_response'], [3, 'session_nonce'], [3, 'challenge']
).chain(([leg, field]) => fc.record({ leg: fc.constant(leg), field: fc.constant(field), tamper: tamperedArb(field) }))

describe('HandshakeSession properties', () => {
  it('HandshakeSession.receive() never completes both sides when a response, nonce or challenge of leg 2 or 3 is tampered with', () => {
    fc.assert(fc.property(tamperingArb, ({ leg, field, tamper }) => {
      const { a, b, hello2 } = firstTwoLegs()
      const tamperLeg = (hello: CipEnvelope<'HELLO'>, author: EnvelopeAuthor): CipEnvelope<'HELLO'> => {
        const original = hello.payload[field]!
        const value = tamper(original)
        fc.pre(value !== original)
        return resealed(hello, author, { [field]: value })
      }
      let failure: string | undefined
      try {
        const delivered2 = leg === 2 ? tamperLeg(hello2, bob) : hello2
        const hello3 = a.receive(delivered2, NOW).send!
        b.receive(leg === 3 ? tamperLeg(hello3, alice) : hello3, NOW)
      } catch (err) {
        if (err instanceof fc.PreconditionFailure) throw err
        assert.ok(err instanceof HandshakeError, `expected a HandshakeError, got ${String(err)}`)
        failure = err.reason
      }
      assert.ok(failure === 'bad_challenge_response' || failure === 'session_mismatch', `leg ${leg} ${field}: ${failure ?? 'no failure'}`)
      // The responder authenticates the initiator last; it never completes.
      assert.notEqual(b.stage, 'complete')
      // A leg-2 nonce or response the initiator can check stops it there too.
      if (leg === 2 && field !== 'challenge') assert.notEqual(a.stage, 'complete')
    }), PROPERTY_OPTIONS)
  })
})
