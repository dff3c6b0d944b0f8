/**
 * One CIP handshake (SPEC §5, three HELLO legs) as a pure state machine: it takes
 * opened HELLO envelopes and returns the HELLO to send next, or throws a
 * `HandshakeError` whose `reason` says what failed. No I/O and no clock: time and
 * randomness are arguments.
 *
 * ```
 * initiator A                         responder B
 *   HELLO1 {nA, cA}              →
 *                                ←    HELLO2 {nB, cB, response_B(cA)}
 *   HELLO3 {nA, cA, response_A(cB)} →
 * ```
 */
import { HandshakeError, SignatureMismatchError } from '../../protocol/errors.ts'
import { buildCipEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { CipEnvelope, HelloPayload } from '../../protocol/envelope/types.ts'
import { encodeBase64 } from '../../protocol/identity/index.ts'
import { answerChallenge, checkChallengeResponse } from './transcript.ts'
import type { HandshakeParty, Transcript } from './transcript.ts'

/** The protocol name HELLO announces and requires. */
export const CIP_PROTOCOL = 'cip/1.0'
/** Bytes of randomness in a session nonce and in a challenge. */
export const NONCE_BYTES = 32

export type HandshakeRole = 'initiator' | 'responder'
export type HandshakeStage = 'idle' | 'awaiting_hello2' | 'awaiting_hello3' | 'complete'

/** The remote side as the link (or the routed envelope) names it. */
export interface RemoteParty {
  fingerprint: string
  agentId: string
  /** libp2p peer id on a direct link; null when routed. */
  peerId: string | null
}

export interface HandshakeSessionInit {
  role: HandshakeRole
  author: EnvelopeAuthor
  /** This node's libp2p peer id on a direct link; null when routed. */
  localPeerId: string | null
  remote: RemoteParty
  capabilities: string[]
  /** Source of random bytes (nonces, challenges). */
  randomBytes: (length: number) => Uint8Array
}

/** What a step produced. */
export interface HandshakeStep {
  /** The HELLO to send, if any. */
  send?: CipEnvelope<'HELLO'>
  /** True once this side considers the handshake complete. */
  isComplete: boolean
}

/** A handshake with one peer. */
export class HandshakeSession {
  readonly role: HandshakeRole
  readonly #init: HandshakeSessionInit
  readonly #nonce: string
  readonly #challenge: string
  #stage: HandshakeStage = 'idle'
  #remoteNonce: string | undefined
  #remoteChallenge: string | undefined

  constructor (init: HandshakeSessionInit) {
    this.role = init.role
    this.#init = init
    this.#nonce = encodeBase64(init.randomBytes(NONCE_BYTES))
    this.#challenge = encodeBase64(init.randomBytes(NONCE_BYTES))
  }

  get stage (): HandshakeStage {
    return this.#stage
  }

  /** The HELLO1 of an initiator. */
  start (nowMs: number): HandshakeStep {
    if (this.role !== 'initiator' || this.#stage !== 'idle') throw this.#fail('unexpected_hello', 'only an idle initiator starts')
    this.#stage = 'awaiting_hello2'
    return { send: this.#hello(nowMs), isComplete: false }
  }

  /**
   * Takes the peer's next HELLO (already opened: schema, signature and freshness checked,
   * and its key bound to the link by the caller).
   *
   * @throws {HandshakeError} with reason `version`, `wrong_receiver`, `unexpected_hello`,
   *   `session_mismatch` or `bad_challenge_response`
   */
  receive (hello: CipEnvelope<'HELLO'>, nowMs: number): HandshakeStep {
    const payload = hello.payload
    if (!payload.protocols.includes(CIP_PROTOCOL)) throw this.#fail('version', `peer speaks ${JSON.stringify(payload.protocols)}, not ${CIP_PROTOCOL}`)
    if (hello.receiver.fingerprint !== this.#init.author.identity.fingerprint) throw this.#fail('wrong_receiver', 'HELLO is addressed to another node')
    switch (this.#stage) {
      case 'idle': return this.#onHello1(payload, nowMs)
      case 'awaiting_hello2': return this.#onHello2(payload, hello.sender.pubkey, nowMs)
      case 'awaiting_hello3': return this.#onHello3(payload, hello.sender.pubkey)
      case 'complete': throw this.#fail('unexpected_hello', 'handshake already complete')
    }
  }

  #onHello1 (payload: HelloPayload, nowMs: number): HandshakeStep {
    if (this.role !== 'responder' || payload.challenge_response !== undefined) throw this.#fail('unexpected_hello', 'expected a first HELLO')
    this.#remoteNonce = payload.session_nonce
    this.#remoteChallenge = payload.challenge
    this.#stage = 'awaiting_hello3'
    const response = answerChallenge(this.#init.author.identity, this.#transcript('responder', payload.challenge))
    return { send: this.#hello(nowMs, response), isComplete: false }
  }

  #onHello2 (payload: HelloPayload, pubkey: string, nowMs: number): HandshakeStep {
    if (payload.challenge_response === undefined) throw this.#fail('unexpected_hello', 'expected a HELLO with a challenge response')
    this.#remoteNonce = payload.session_nonce
    this.#remoteChallenge = payload.challenge
    this.#check(pubkey, this.#transcript('responder', this.#challenge), payload.challenge_response)
    this.#stage = 'complete'
    const response = answerChallenge(this.#init.author.identity, this.#transcript('initiator', payload.challenge))
    return { send: this.#hello(nowMs, response), isComplete: true }
  }

  #onHello3 (payload: HelloPayload, pubkey: string): HandshakeStep {
    if (payload.challenge_response === undefined) throw this.#fail('unexpected_hello', 'expected a HELLO with a challenge response')
    if (payload.session_nonce !== this.#remoteNonce || payload.challenge !== this.#remoteChallenge) {
      throw this.#fail('session_mismatch', 'third HELLO belongs to another session')
    }
    this.#check(pubkey, this.#transcript('initiator', this.#challenge), payload.challenge_response)
    this.#stage = 'complete'
    return { isComplete: true }
  }

  #check (pubkey: string, transcript: Transcript, response: string): void {
    try {
      checkChallengeResponse(pubkey, transcript, response)
    } catch (err) {
      if (err instanceof SignatureMismatchError) throw this.#fail('bad_challenge_response', 'challenge response does not verify', err)
      throw err
    }
  }

  #transcript (signer: HandshakeRole, answering: string): Transcript {
    const local: HandshakeParty = { fingerprint: this.#init.author.identity.fingerprint, nonce: this.#nonce, peerId: this.#init.localPeerId }
    const remote: HandshakeParty = { fingerprint: this.#init.remote.fingerprint, nonce: this.#remoteNonce ?? '', peerId: this.#init.remote.peerId }
    return this.role === 'initiator'
      ? { signer, answering, initiator: local, responder: remote }
      : { signer, answering, initiator: remote, responder: local }
  }

  #hello (nowMs: number, challengeResponse?: string): CipEnvelope<'HELLO'> {
    const payload: HelloPayload = {
      protocols: [CIP_PROTOCOL],
      capabilities: [...this.#init.capabilities],
      session_nonce: this.#nonce,
      challenge: this.#challenge,
      features: { supports_mesh: true, supports_multiplex: true },
      ...(challengeResponse === undefined ? {} : { challenge_response: challengeResponse })
    }
    const receiver = { agent_id: this.#init.remote.agentId, fingerprint: this.#init.remote.fingerprint }
    return sealEnvelope(buildCipEnvelope(this.#init.author, { type: 'HELLO', payload, receiver }, { nowMs }), this.#init.author.identity)
  }

  #fail (reason: string, detail: string, cause?: unknown): HandshakeError {
    return new HandshakeError(`Cannot complete handshake with "${this.#init.remote.fingerprint.slice(0, 16)}": ${detail}`, {
      reason, fingerprint: this.#init.remote.fingerprint, ...(cause === undefined ? {} : { cause })
    })
  }
}
