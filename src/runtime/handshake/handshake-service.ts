/**
 * The CIP handshake with every neighbour, concurrently (SPEC §5): on each new link the
 * dialing end starts a {@link HandshakeSession} (the listening end starts after a
 * fallback delay if it hears nothing; when both start, the lower fingerprint wins).
 * HELLOs arrive through the direct intake (already verified and bound to the link's
 * key). On
 * completion the TRUST GATE moves the peer to `probing` (SPEC §6), both ends exchange
 * STATE_UPDATE, and the initiator declares its INTENT, which the responder accepts or
 * defers (an overloaded side defers). A session not complete within the deadline fails
 * with `timeout`; every failure has its own reason and closes the link.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { buildCipEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { CipEnvelope, Envelope, IntentPayload } from '../../protocol/envelope/types.ts'
import { HandshakeError, isWeb4Error } from '../../protocol/errors.ts'
import { encodeBase64 } from '../../protocol/identity/index.ts'
import { handshakeRefusal } from '../../protocol/trust/index.ts'
import type { ChannelName } from '../../transport/channels.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import type { FrameSender, LocalStateSource, PeerBook } from '../ports.ts'
import { HandshakeSession } from './handshake-session.ts'
import type { HandshakeRole } from './handshake-session.ts'

/** CIP HELLO completion deadline (DESIGN §6). */
export const HANDSHAKE_TIMEOUT_MS = 5000
/** How long the listening end waits for the dialer's HELLO before it starts the handshake itself. */
export const HANDSHAKE_START_FALLBACK_MS = 1000

export interface HandshakeServiceInit {
  /** @default HANDSHAKE_TIMEOUT_MS (5 s) */
  timeoutMs?: number
  /** @default HANDSHAKE_START_FALLBACK_MS (1 s) */
  startFallbackMs?: number
  /** Capabilities announced in HELLO. @default ['cip', 'mesh'] */
  capabilities?: string[]
  /** The INTENT the initiator declares after the state exchange. */
  intent?: IntentPayload
}

export interface HandshakeServiceComponents {
  author: EnvelopeAuthor
  sender: FrameSender
  peers: PeerBook
  localState: LocalStateSource
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** @default crypto.randomBytes */
  randomBytes?: (length: number) => Uint8Array
  /** Told when a link's handshake completes (link state re-originates, the router may use the link). */
  onHandshaken?: (link: LinkInfo) => void
}

interface LinkSession {
  readonly link: LinkInfo
  session: HandshakeSession | undefined
  timer: NodeJS.Timeout | undefined
  fallbackTimer: NodeJS.Timeout | undefined
  readonly startedAt: number
  isComplete: boolean
  /** The peer's last presence, from its STATE_UPDATE. */
  peerPresence: string | undefined
  isIntentPending: boolean
  /** The agent id and capabilities the peer's HELLO announced. */
  peerAgentId: string | undefined
  peerCapabilities: string[]
}

const DEFAULT_INTENT: IntentPayload = { goal: 'learn', topic: 'mesh', priority: 'normal', context: 'handshake' }

/** The handshake service; wire `onLinkOpen` / `onLinkClose` to the transport and the HELLO / STATE_UPDATE / INTENT handlers to the intake. */
export class HandshakeService {
  readonly #components: HandshakeServiceComponents
  readonly #config: Required<HandshakeServiceInit>
  readonly #log: Logger
  readonly #sessions = new Map<string, LinkSession>()
  #isStopped = false

  constructor (components: HandshakeServiceComponents, init: HandshakeServiceInit = {}) {
    this.#components = components
    this.#config = {
      timeoutMs: init.timeoutMs ?? HANDSHAKE_TIMEOUT_MS,
      startFallbackMs: init.startFallbackMs ?? HANDSHAKE_START_FALLBACK_MS,
      capabilities: init.capabilities ?? ['cip', 'mesh'],
      intent: init.intent ?? DEFAULT_INTENT
    }
    this.#log = components.logger.child({ component: 'runtime:handshake' })
  }

  /** True once the handshake over `link` completed. */
  isHandshaken (link: LinkInfo): boolean {
    return this.#sessions.get(link.peerId)?.isComplete === true
  }

  /** Fingerprints of the peers with a completed handshake on an open link. */
  handshakenPeers (): LinkInfo[] {
    return [...this.#sessions.values()].filter((entry) => entry.isComplete).map((entry) => entry.link)
  }

  /** Cancels every deadline. */
  stop (): void {
    this.#isStopped = true
    for (const entry of this.#sessions.values()) {
      clearTimeout(entry.timer)
      clearTimeout(entry.fallbackTimer)
    }
    this.#sessions.clear()
  }

  onLinkOpen (link: LinkInfo): void {
    if (this.#isStopped) return
    const entry: LinkSession = { link, session: undefined, timer: undefined, fallbackTimer: undefined, startedAt: this.#components.clock.monotonic(), isComplete: false, peerPresence: undefined, isIntentPending: false, peerAgentId: undefined, peerCapabilities: [] }
    this.#sessions.set(link.peerId, entry)
    this.#armDeadline(entry)
    if (this.#components.peers.trustOf(link.fingerprint) === 'blacklisted') {
      this.#fail(entry, new HandshakeError('Cannot handshake: peer is blacklisted', { reason: 'blacklisted', fingerprint: link.fingerprint }))
      return
    }
    // The dialer starts (SPEC §5 "A → B"). A listener that hears no HELLO in time starts
    // itself; if both start, the lower fingerprint's HELLO wins (see onHello).
    if (link.direction === 'outbound') {
      this.#initiate(entry)
    } else {
      entry.fallbackTimer = setTimeout(() => { if (entry.session === undefined && this.#sessions.get(link.peerId) === entry) this.#initiate(entry) }, this.#config.startFallbackMs)
      entry.fallbackTimer.unref()
    }
  }

  #initiate (entry: LinkSession): void {
    entry.session = this.#newSession(entry.link, 'initiator')
    this.#step(entry, () => entry.session?.start(this.#components.clock.now()))
  }

  /** (Re)starts the session's deadline. */
  #armDeadline (entry: LinkSession): void {
    clearTimeout(entry.timer)
    entry.timer = setTimeout(() => {
      this.#fail(entry, new HandshakeError('Cannot complete handshake: deadline passed', { reason: 'timeout', fingerprint: entry.link.fingerprint }))
    }, this.#config.timeoutMs)
    entry.timer.unref()
  }

  onLinkClose (link: LinkInfo): void {
    const entry = this.#sessions.get(link.peerId)
    if (entry?.link !== link) return
    clearTimeout(entry.timer)
    clearTimeout(entry.fallbackTimer)
    this.#sessions.delete(link.peerId)
  }

  /** A HELLO refused by the intake before the handshake completed fails the handshake. */
  onPreHandshakeRefusal (link: LinkInfo, error: unknown): void {
    const entry = this.#sessions.get(link.peerId)
    if (entry === undefined || entry.isComplete) return
    const reason = handshakeReasonOf(error)
    if (reason === undefined) return
    this.#fail(entry, new HandshakeError(`Cannot complete handshake: HELLO refused (${reason})`, { reason, fingerprint: link.fingerprint, cause: error }))
  }

  /** Handler for HELLO from the intake. */
  readonly onHello = (link: LinkInfo, envelope: Envelope): void => {
    const entry = this.#sessions.get(link.peerId)
    if (entry === undefined) return
    const hello = envelope as CipEnvelope<'HELLO'>
    if (hello.payload.challenge_response === undefined) {
      // Simultaneous start: the lower fingerprint's HELLO wins; the peer answers ours (SPEC §5).
      const isOursInFlight = entry.session?.role === 'initiator' && entry.session.stage === 'awaiting_hello2'
        && this.#components.author.identity.fingerprint < link.fingerprint
      if (isOursInFlight) return
      // Otherwise a first HELLO starts (or, from a restarted peer, restarts) a session with us as responder,
      // under a fresh deadline.
      if (entry.isComplete) this.#armDeadline(entry)
      entry.isComplete = false
      entry.session = this.#newSession(link, 'responder')
    }
    entry.peerAgentId = hello.sender.agent_id
    entry.peerCapabilities = [...hello.payload.capabilities]
    this.#step(entry, () => entry.session?.receive(hello, this.#components.clock.now()), [hello.msg_id])
  }

  /** Handler for STATE_UPDATE: records presence and LRI; releases a deferred INTENT. */
  readonly onStateUpdate = (link: LinkInfo, envelope: Envelope): void => {
    const update = envelope as CipEnvelope<'STATE_UPDATE'>
    const entry = this.#sessions.get(link.peerId)
    this.#components.peers.recordState(link.fingerprint, { presence: update.payload.presence, lri: update.payload.lri }, this.#components.clock.now())
    this.#components.events.emit('state_update', link.fingerprint, { presence: update.payload.presence, lri: update.payload.lri, ltppeerstate: update.payload.ltppeerstate, msg_id: update.msg_id })
    if (entry === undefined) return
    entry.peerPresence = update.payload.presence
    if (entry.isIntentPending) this.#declareIntent(entry)
  }

  /** Handler for INTENT: accepted, or deferred while this node is overloaded (SPEC §5 step 6, §7 rule 5). */
  readonly onIntent = (link: LinkInfo, envelope: Envelope): void => {
    const intent = envelope as CipEnvelope<'INTENT'>
    const isOverloaded = this.#components.localState.current().presence === 'overloaded'
    this.#components.events.emit(isOverloaded ? 'intent_deferred' : 'intent_accepted', link.fingerprint, {
      msg_id: intent.msg_id, goal: intent.payload.goal, topic: intent.payload.topic, ...(isOverloaded ? { reason: 'local_overloaded' } : {})
    })
  }

  #newSession (link: LinkInfo, role: HandshakeRole): HandshakeSession {
    return new HandshakeSession({
      role,
      author: this.#components.author,
      localPeerId: this.#components.sender.localPeerId,
      remote: { fingerprint: link.fingerprint, agentId: this.#components.peers.agentIdOf(link.fingerprint) ?? '', peerId: link.peerId },
      capabilities: this.#config.capabilities,
      randomBytes: this.#components.randomBytes ?? cryptoRandomBytes
    })
  }

  #step (entry: LinkSession, run: () => { send?: CipEnvelope<'HELLO'>, isComplete: boolean } | undefined, causeMsgIds: string[] = []): void {
    let step
    try {
      step = run()
    } catch (err) {
      this.#fail(entry, err, causeMsgIds)
      return
    }
    if (step?.send !== undefined) this.#send(entry, step.send)
    if (step?.isComplete === true && !entry.isComplete) this.#complete(entry, causeMsgIds)
  }

  #complete (entry: LinkSession, causeMsgIds: string[]): void {
    const { link } = entry
    clearTimeout(entry.timer)
    const nowMs = this.#components.clock.now()
    this.#components.peers.recordPeer({
      fingerprint: link.fingerprint,
      agentId: entry.peerAgentId ?? this.#components.peers.agentIdOf(link.fingerprint) ?? '',
      pubkey: encodeBase64(link.publicKeyRaw),
      peerId: link.peerId,
      address: link.direction === 'outbound' ? link.remoteAddr : null,
      capabilities: entry.peerCapabilities
    }, nowMs)
    // TRUST GATE (SPEC §5 step 4).
    const admission = this.#components.peers.applyTrust(link.fingerprint, 'handshake_valid', { causeMsgIds })
    const refusal = handshakeRefusal(admission)
    if (refusal !== undefined) {
      this.#fail(entry, new HandshakeError(`Cannot admit peer: ${admission.reason}`, { reason: refusal, fingerprint: link.fingerprint }))
      return
    }
    entry.isComplete = true
    const durationMs = this.#components.clock.monotonic() - entry.startedAt
    this.#components.metrics?.increment('web4_handshakes_total', { result: 'completed' })
    this.#components.events.emit('handshake_completed', link.fingerprint, { role: entry.session?.role ?? null, peer_id: link.peerId, duration_ms: Math.round(durationMs * 1000) / 1000, trust: this.#components.peers.trustOf(link.fingerprint) })
    this.#sendStateUpdate(entry)
    this.#components.onHandshaken?.(link)
    if (entry.session?.role === 'initiator') {
      entry.isIntentPending = true
      if (entry.peerPresence !== undefined) this.#declareIntent(entry)
    }
  }

  #sendStateUpdate (entry: LinkSession): void {
    const state = this.#components.localState.current()
    const payload = {
      presence: state.presence,
      lri: state.lri,
      ltppeerstate: this.#components.peers.trustOf(entry.link.fingerprint),
      kernel_signals: state.kernel_signals,
      intent: state.intent
    }
    this.#sendEnvelope(entry, 'STATE_UPDATE', payload)
  }

  #declareIntent (entry: LinkSession): void {
    if (entry.peerPresence === 'overloaded') {
      this.#components.events.emit('intent_deferred', entry.link.fingerprint, { reason: 'peer_overloaded', goal: this.#config.intent.goal })
      return
    }
    entry.isIntentPending = false
    this.#sendEnvelope(entry, 'INTENT', this.#config.intent)
  }

  #sendEnvelope<T extends 'STATE_UPDATE' | 'INTENT'> (entry: LinkSession, type: T, payload: CipEnvelope<T>['payload']): void {
    const receiver = { agent_id: this.#components.peers.agentIdOf(entry.link.fingerprint) ?? '', fingerprint: entry.link.fingerprint }
    const unsigned = buildCipEnvelope(this.#components.author, { type, payload, receiver }, { nowMs: this.#components.clock.now() })
    this.#send(entry, sealEnvelope(unsigned, this.#components.author.identity))
  }

  #send (entry: LinkSession, envelope: CipEnvelope, channel: ChannelName = 'control'): void {
    this.#components.sender.send(entry.link.peerId, channel, canonicalBytes(envelope), { wait: true, timeoutMs: this.#config.timeoutMs })
      .catch((err: unknown) => { this.#log.info({ peer: entry.link.fingerprint, type: envelope.type, err: (err as Error).message }, 'handshake send failed') })
  }

  #fail (entry: LinkSession, err: unknown, causeMsgIds: string[] = []): void {
    if (this.#sessions.get(entry.link.peerId) !== entry) return
    clearTimeout(entry.timer)
    clearTimeout(entry.fallbackTimer)
    this.#sessions.delete(entry.link.peerId)
    const reason = isWeb4Error(err) ? err.reason : 'internal'
    this.#components.metrics?.increment('web4_handshakes_total', { result: reason })
    this.#components.events.emit('handshake_failed', entry.link.fingerprint, { reason, error: isWeb4Error(err) ? err.name : 'Error', message: (err as Error).message })
    this.#log.info({ peer: entry.link.fingerprint, reason }, 'handshake failed')
    if (reason === 'bad_challenge_response') {
      this.#components.peers.applyTrust(entry.link.fingerprint, 'handshake_failed', { reason: 'challenge response does not verify (SPEC §5)', causeMsgIds })
    }
    void this.#components.sender.close(entry.link.peerId, reason === 'blacklisted' ? 'blacklisted' : 'handshake_failed')
  }
}

/** The handshake failure reason of an error the intake refused a HELLO with; undefined to ignore it. */
export function handshakeReasonOf (error: unknown): string | undefined {
  if (!isWeb4Error(error)) return 'malformed'
  switch (error.name) {
    case 'SignatureMismatchError': return error.reason === 'impersonation' ? 'wrong_key' : 'bad_signature'
    case 'TimestampError': return 'stale_timestamp'
    case 'ReplayError': return 'replay'
    case 'BackpressureError': return undefined
    case 'InvalidEnvelopeError': return error.reason === 'version' ? 'version' : 'malformed'
    default: return 'malformed'
  }
}
