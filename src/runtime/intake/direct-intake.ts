/**
 * Intake of envelopes that arrive on a direct link (channels `control`, `state`,
 * `knowledge`): rate limits, hardened parse, schema, the binding of the sender to the
 * link's Noise-authenticated key, signature, freshness and replay — then dispatch by
 * type. Every refusal is a typed error that is counted, logged and turned into the
 * sender penalty SPEC §5 and §15.7–15.9 prescribe, and nothing else:
 * - a sender that is not the link peer (other fingerprint or key): impersonation,
 *   cryptographic evidence → the link peer is blacklisted and the link closed;
 * - a bad signature from the link peer itself → untrusted;
 * - malformed, stale, replayed or rate-limited input → dropped, no trust change.
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import { MAX_ENVELOPE_BYTES } from '../../protocol/constants.ts'
import { verifyEnvelope } from '../../protocol/envelope/open.ts'
import type { Envelope } from '../../protocol/envelope/types.ts'
import { validateEnvelope } from '../../protocol/envelope/validate.ts'
import { BackpressureError, isWeb4Error, reportError, SignatureMismatchError, TrustViolationError } from '../../protocol/errors.ts'
import type { Web4Error } from '../../protocol/errors.ts'
import { encodeBase64 } from '../../protocol/identity/index.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import type { ReplayCache } from '../../protocol/replay-cache.ts'
import type { ChannelName } from '../../transport/channels.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import type { FrameSender, PeerBook } from '../ports.ts'
import { TokenBucket } from './token-bucket.ts'

/** Control-plane envelopes (HELLO, LSA) per link peer per second (DESIGN §6). */
export const CONTROL_RATE_PER_SECOND = 20
/** HELLO attempts per link peer per second (DESIGN §6 "handshake"). */
export const HELLO_RATE_PER_SECOND = 5
/** Envelopes per origin per second, and the burst (DESIGN §6). */
export const ENVELOPE_RATE_PER_SECOND = 200
export const ENVELOPE_BURST = 400

/** Handles one opened envelope from a link. */
export type DirectHandler = (link: LinkInfo, envelope: Envelope, channel: ChannelName) => void

export interface DirectIntakeComponents {
  peers: PeerBook
  replay: ReplayCache
  sender: FrameSender
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** The handler for each message type; a type without one is refused. */
  handlers: ReadonlyMap<string, DirectHandler>
  /** True once the link's handshake completed; before that only HELLO is accepted. */
  isHandshaken: (link: LinkInfo) => boolean
  /** Told of every refusal on a link whose handshake has not completed (the handshake fails on it). */
  onPreHandshakeRefusal?: (link: LinkInfo, error: unknown) => void
  /**
   * Handlers of control records that are not envelopes, by the member that marks them
   * (`lsa` → link state). They run only for handshaken, non-blacklisted links and throw
   * typed errors for bad records, which are refused like bad envelopes.
   */
  records?: ReadonlyMap<string, (link: LinkInfo, value: unknown) => void>
}

interface LinkBuckets {
  control: TokenBucket
  hello: TokenBucket
  envelopes: TokenBucket
}

/** Types allowed before a handshake completes. */
const PRE_HANDSHAKE_TYPES: ReadonlySet<string> = new Set(['HELLO'])

/** The intake; `accept` never throws. */
export class DirectIntake {
  readonly #components: DirectIntakeComponents
  readonly #log: Logger
  readonly #buckets = new Map<string, LinkBuckets>()

  constructor (components: DirectIntakeComponents) {
    this.#components = components
    this.#log = components.logger.child({ component: 'runtime:intake' })
  }

  /** Forgets a closed link's rate state. */
  forget (link: LinkInfo): void {
    this.#buckets.delete(link.peerId)
  }

  /** Takes one frame body from `link`; returns the envelope it dispatched, or undefined when refused (or when it was a control record). */
  accept (link: LinkInfo, channel: ChannelName, body: Uint8Array): Envelope | undefined {
    let envelope: Envelope | undefined
    try {
      const nowMs = this.#components.clock.now()
      this.#takeToken(link, nowMs)
      const value = parseJson(body, { maxBytes: MAX_ENVELOPE_BYTES })
      if (this.#acceptRecord(link, channel, value)) return undefined
      this.#takeControlToken(link, channel, nowMs)
      envelope = validateEnvelope(value)
      if (envelope.type === 'HELLO' && !this.#bucketsOf(link).hello.tryTake(nowMs)) {
        throw new BackpressureError(`Cannot accept HELLO from "${link.fingerprint.slice(0, 16)}": more than ${HELLO_RATE_PER_SECOND} per second`, { reason: 'hello_rate_limited', msgId: envelope.msg_id })
      }
      this.#check(link, channel, envelope, nowMs)
      const handler = this.#components.handlers.get(envelope.type)
      if (handler === undefined) {
        throw new TrustViolationError(`Cannot accept "${envelope.type}" on a direct link: no handler`, { reason: 'unrouted_type', msgId: envelope.msg_id })
      }
      handler(link, envelope, channel)
      return envelope
    } catch (err) {
      this.#refuse(link, channel, err, envelope)
      return undefined
    }
  }

  /** A control record (an LSA) instead of an envelope: hands it to its handler; false when it is not one. */
  #acceptRecord (link: LinkInfo, channel: ChannelName, value: unknown): boolean {
    if (channel !== 'control' || typeof value !== 'object' || value === null || Array.isArray(value)) return false
    const marker = Object.keys(value).find((key) => this.#components.records?.has(key) === true)
    const handler = marker === undefined ? undefined : this.#components.records?.get(marker)
    if (handler === undefined) return false
    if (!this.#components.isHandshaken(link)) {
      throw new TrustViolationError(`Cannot accept "${marker ?? ''}" record before the handshake`, { reason: 'not_handshaken' })
    }
    if (this.#components.peers.trustOf(link.fingerprint) === 'blacklisted') {
      throw new TrustViolationError('Cannot accept record: sender is blacklisted', { reason: 'blacklisted' })
    }
    handler(link, value)
    return true
  }

  /** The link's overall budget, taken before anything is parsed. */
  #takeToken (link: LinkInfo, nowMs: number): void {
    const buckets = this.#bucketsOf(link)
    if (!buckets.envelopes.tryTake(nowMs)) {
      throw new BackpressureError(`Cannot accept envelope from "${link.fingerprint.slice(0, 16)}": rate limit`, { reason: 'rate_limited', fingerprint: link.fingerprint, retryAfterMs: buckets.envelopes.waitMs(nowMs) })
    }
  }

  /** The control-plane budget of envelopes on `control` (DESIGN §6); LSA records have their own limits in link state. */
  #takeControlToken (link: LinkInfo, channel: ChannelName, nowMs: number): void {
    const buckets = this.#bucketsOf(link)
    if (channel === 'control' && !buckets.control.tryTake(nowMs)) {
      throw new BackpressureError(`Cannot accept envelope from "${link.fingerprint.slice(0, 16)}": control-plane rate limit`, { reason: 'rate_limited', fingerprint: link.fingerprint, retryAfterMs: buckets.control.waitMs(nowMs) })
    }
  }

  /** The checks between schema and dispatch, cheapest first; the signature and replay cache come last. */
  #check (link: LinkInfo, channel: ChannelName, envelope: Envelope, nowMs: number): void {
    if ('mesh' in envelope) {
      throw new TrustViolationError(`Cannot accept mesh envelope "${envelope.msg_id}" on channel "${channel}"`, { reason: 'wrong_channel', msgId: envelope.msg_id })
    }
    // SPEC §15.7, §15.9: on an authenticated link, the sender must be the link peer itself.
    if (envelope.sender.fingerprint !== link.fingerprint || envelope.sender.pubkey !== encodeBase64(link.publicKeyRaw)) {
      throw new SignatureMismatchError(`Cannot accept envelope "${envelope.msg_id}": sender is not the authenticated link peer`, { reason: 'impersonation', msgId: envelope.msg_id, fingerprint: link.fingerprint })
    }
    if (!PRE_HANDSHAKE_TYPES.has(envelope.type) && !this.#components.isHandshaken(link)) {
      throw new TrustViolationError(`Cannot accept "${envelope.type}" before the handshake`, { reason: 'not_handshaken', msgId: envelope.msg_id })
    }
    if (this.#components.peers.trustOf(link.fingerprint) === 'blacklisted') {
      throw new TrustViolationError(`Cannot accept envelope "${envelope.msg_id}": sender is blacklisted`, { reason: 'blacklisted', msgId: envelope.msg_id })
    }
    verifyEnvelope(envelope, { nowMs, replay: this.#components.replay })
  }

  #refuse (link: LinkInfo, channel: ChannelName, err: unknown, envelope: Envelope | undefined): void {
    const typed: Web4Error | undefined = isWeb4Error(err) ? err : undefined
    const name = typed?.name ?? 'InternalError'
    const reason = typed?.reason ?? 'internal'
    this.#components.metrics?.increment('web4_bad_input_total', { channel, error: reportError(err).metricLabel })
    this.#components.events.emit('envelope_rejected', link.fingerprint, { channel, error: name, reason, msg_id: envelope?.msg_id ?? typed?.msgId ?? null, type: envelope?.type ?? null })
    this.#log.warn({ peer: link.fingerprint, channel, error: name, reason, err: typed === undefined ? String(err) : undefined }, 'envelope refused')
    const isHandshaken = this.#components.isHandshaken(link)
    const causeMsgIds = envelope === undefined ? [] : [envelope.msg_id]
    if (reason === 'impersonation') {
      this.#components.peers.applyTrust(link.fingerprint, 'cryptographic_evidence', { reason: 'impersonation over an authenticated link (SPEC §15.7)', causeMsgIds })
      void this.#components.sender.close(link.peerId, 'blacklisted')
    } else if (name === 'SignatureMismatchError') {
      this.#components.peers.applyTrust(link.fingerprint, 'invalid_signature', { reason: `invalid signature from the link peer (${reason})`, causeMsgIds })
    }
    // After the penalty: the failed handshake closes the link too, and the transport keeps the first reason.
    if (!isHandshaken) this.#components.onPreHandshakeRefusal?.(link, err)
  }

  #bucketsOf (link: LinkInfo): LinkBuckets {
    let buckets = this.#buckets.get(link.peerId)
    if (buckets === undefined) {
      buckets = {
        control: new TokenBucket(CONTROL_RATE_PER_SECOND, CONTROL_RATE_PER_SECOND),
        hello: new TokenBucket(HELLO_RATE_PER_SECOND, HELLO_RATE_PER_SECOND),
        envelopes: new TokenBucket(ENVELOPE_RATE_PER_SECOND, ENVELOPE_BURST)
      }
      this.#buckets.set(link.peerId, buckets)
    }
    return buckets
  }
}
