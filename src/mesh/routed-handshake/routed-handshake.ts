/**
 * The routed CIP handshake (SPEC §15.1 "every node meets every node"): besides its link
 * neighbours, a node runs the three-leg handshake with every node it learns of from link
 * state, each HELLO carried end to end in a MESH_HELLO over the mesh. The transcript
 * binds no peer ids (there is no direct link); the HELLOs authenticate by their
 * signatures and the transcript alone (SPEC §15.9). The lower fingerprint starts; a
 * failed or timed-out attempt is retried after a pause. On completion the TRUST GATE
 * makes the peer `probing`, exactly as on a direct link.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto'
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import type { CarrierPayload, CipEnvelope, MeshEnvelope } from '../../protocol/envelope/types.ts'
import { HandshakeError, isWeb4Error } from '../../protocol/errors.ts'
import { handshakeRefusal } from '../../protocol/trust/index.ts'
import { HandshakeSession } from '../../runtime/handshake/handshake-session.ts'
import type { HandshakeStep } from '../../runtime/handshake/handshake-session.ts'
import type { PeerBook } from '../../runtime/ports.ts'
import type { Lsa } from '../link-state/lsa.ts'
import type { DeliveryReceipt } from '../router/mesh-router.ts'

/** Deadline of a routed handshake (longer than a direct one: each leg crosses several hops). */
export const ROUTED_HANDSHAKE_TIMEOUT_MS = 10_000
/** Pause before a failed routed handshake with the same node is tried again. */
export const ROUTED_HANDSHAKE_RETRY_MS = 30_000

export interface RoutedHandshakeComponents {
  author: EnvelopeAuthor
  /** Sends a MESH_HELLO carrying `hello` to `destination` (the router). */
  sendHello: (destination: string, hello: CipEnvelope<'HELLO'>) => Promise<DeliveryReceipt>
  peers: PeerBook
  /** True when a direct link's handshake with `fingerprint` completed (no routed one needed). */
  isDirectlyHandshaken: (fingerprint: string) => boolean
  /** True when the router has a path to `fingerprint` (a node can be known before it is reachable). */
  hasRoute: (fingerprint: string) => boolean
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** @default crypto.randomBytes */
  randomBytes?: (length: number) => Uint8Array
}

export interface RoutedHandshakeInit {
  /** @default ROUTED_HANDSHAKE_TIMEOUT_MS */
  timeoutMs?: number
  /** @default ROUTED_HANDSHAKE_RETRY_MS */
  retryMs?: number
}

interface Attempt {
  session: HandshakeSession
  agentId: string
  /** The peer's pubkey, from its HELLO. */
  pubkey: string
  readonly startedAt: number
  readonly timer: NodeJS.Timeout
}

/** The routed handshake service. */
export class RoutedHandshakeService {
  readonly #components: RoutedHandshakeComponents
  readonly #config: Required<RoutedHandshakeInit>
  readonly #log: Logger
  readonly #attempts = new Map<string, Attempt>()
  readonly #completed = new Set<string>()
  readonly #retryAfter = new Map<string, number>()
  #isStopped = false

  constructor (components: RoutedHandshakeComponents, init: RoutedHandshakeInit = {}) {
    this.#components = components
    this.#config = { timeoutMs: init.timeoutMs ?? ROUTED_HANDSHAKE_TIMEOUT_MS, retryMs: init.retryMs ?? ROUTED_HANDSHAKE_RETRY_MS }
    this.#log = components.logger.child({ component: 'mesh:routed-handshake' })
  }

  /** True once a routed handshake with `fingerprint` completed. */
  isHandshaken (fingerprint: string): boolean {
    return this.#completed.has(fingerprint)
  }

  stop (): void {
    this.#isStopped = true
    for (const attempt of this.#attempts.values()) clearTimeout(attempt.timer)
    this.#attempts.clear()
  }

  /** Starts a handshake with every node in `lsas` this node has not met, where it is the lower fingerprint. */
  scan (lsas: readonly Lsa[]): void {
    if (this.#isStopped) return
    const self = this.#components.author.identity.fingerprint
    const nowMs = this.#components.clock.monotonic()
    for (const lsa of lsas) {
      const fingerprint = lsa.origin
      if (fingerprint === self || self > fingerprint || lsa.withdrawn) continue
      if (this.#completed.has(fingerprint) || this.#attempts.has(fingerprint) || this.#components.isDirectlyHandshaken(fingerprint)) continue
      if (this.#components.peers.trustOf(fingerprint) === 'blacklisted' || (this.#retryAfter.get(fingerprint) ?? 0) > nowMs) continue
      if (!this.#components.hasRoute(fingerprint)) continue
      const attempt = this.#open(fingerprint, lsa.agent_id, 'initiator')
      this.#step(fingerprint, attempt, () => attempt.session.start(this.#components.clock.now()))
    }
  }

  /** A MESH_HELLO was delivered to this node (already opened end to end by the router). */
  readonly onMeshHello = (carrier: MeshEnvelope): undefined => {
    const hello = (carrier.payload as CarrierPayload).body as CipEnvelope<'HELLO'>
    const fingerprint = carrier.origin
    if (this.#isStopped) return undefined
    if (this.#components.peers.trustOf(fingerprint) === 'blacklisted') {
      throw new HandshakeError('Cannot handshake: peer is blacklisted', { reason: 'blacklisted', fingerprint })
    }
    let attempt = this.#attempts.get(fingerprint)
    if (hello.payload.challenge_response === undefined) {
      // A first HELLO: start (or restart) as responder, unless ours is in flight and we are the lower fingerprint.
      const isOursInFlight = attempt?.session.role === 'initiator' && this.#components.author.identity.fingerprint < fingerprint
      if (isOursInFlight) return undefined
      if (attempt !== undefined) clearTimeout(attempt.timer)
      this.#completed.delete(fingerprint)
      attempt = this.#open(fingerprint, hello.sender.agent_id, 'responder')
    }
    if (attempt === undefined) return undefined
    const current = attempt
    current.pubkey = hello.sender.pubkey
    current.agentId = hello.sender.agent_id
    this.#step(fingerprint, current, () => current.session.receive(hello, this.#components.clock.now()), [hello.msg_id])
    return undefined
  }

  #open (fingerprint: string, agentId: string, role: 'initiator' | 'responder'): Attempt {
    const session = new HandshakeSession({
      role,
      author: this.#components.author,
      localPeerId: null,
      remote: { fingerprint, agentId, peerId: null },
      capabilities: ['cip', 'mesh'],
      randomBytes: this.#components.randomBytes ?? cryptoRandomBytes
    })
    const timer = setTimeout(() => {
      this.#fail(fingerprint, new HandshakeError('Cannot complete routed handshake: deadline passed', { reason: 'timeout', fingerprint }))
    }, this.#config.timeoutMs)
    timer.unref()
    const attempt: Attempt = { session, agentId, pubkey: '', startedAt: this.#components.clock.monotonic(), timer }
    this.#attempts.set(fingerprint, attempt)
    return attempt
  }

  #step (fingerprint: string, attempt: Attempt, run: () => HandshakeStep, causeMsgIds: string[] = []): void {
    let step: HandshakeStep
    try {
      step = run()
    } catch (err) {
      this.#fail(fingerprint, err, causeMsgIds)
      return
    }
    if (step.send !== undefined) {
      this.#components.sendHello(fingerprint, step.send).catch((err: unknown) => {
        if (this.#attempts.get(fingerprint) === attempt && !step.isComplete) this.#fail(fingerprint, err)
        else this.#log.debug({ peer: fingerprint, err: (err as Error).message }, 'last routed HELLO leg not acknowledged')
      })
    }
    if (step.isComplete) this.#complete(fingerprint, attempt, causeMsgIds)
  }

  #complete (fingerprint: string, attempt: Attempt, causeMsgIds: string[]): void {
    clearTimeout(attempt.timer)
    this.#attempts.delete(fingerprint)
    const nowMs = this.#components.clock.now()
    this.#components.peers.recordPeer({ fingerprint, agentId: attempt.agentId, pubkey: attempt.pubkey, peerId: null, address: null, capabilities: ['cip', 'mesh'] }, nowMs)
    const admission = this.#components.peers.applyTrust(fingerprint, 'handshake_valid', { reason: 'valid routed handshake (SPEC §15.1)', causeMsgIds })
    const refusal = handshakeRefusal(admission)
    if (refusal !== undefined) {
      this.#fail(fingerprint, new HandshakeError(`Cannot admit peer: ${admission.reason}`, { reason: refusal, fingerprint }))
      return
    }
    this.#completed.add(fingerprint)
    this.#components.metrics?.increment('web4_handshakes_total', { result: 'completed' })
    this.#components.events.emit('handshake_completed', fingerprint, {
      role: attempt.session.role, routed: true, duration_ms: Math.round((this.#components.clock.monotonic() - attempt.startedAt) * 1000) / 1000, trust: this.#components.peers.trustOf(fingerprint)
    })
  }

  #fail (fingerprint: string, err: unknown, causeMsgIds: string[] = []): void {
    const attempt = this.#attempts.get(fingerprint)
    if (attempt !== undefined) clearTimeout(attempt.timer)
    this.#attempts.delete(fingerprint)
    const reason = isWeb4Error(err) ? err.reason : 'internal'
    // Without a path there is nothing to wait for: the next link-state change rescans.
    if (!(isWeb4Error(err) && err.name === 'NoRouteError')) this.#retryAfter.set(fingerprint, this.#components.clock.monotonic() + this.#config.retryMs)
    this.#components.metrics?.increment('web4_handshakes_total', { result: reason })
    this.#components.events.emit('handshake_failed', fingerprint, { reason, routed: true, error: isWeb4Error(err) ? err.name : 'Error', message: (err as Error).message })
    if (reason === 'bad_challenge_response') {
      // The HELLO was signed end to end by its origin, so a bad response is the origin's own.
      this.#components.peers.applyTrust(fingerprint, 'handshake_failed', { reason: 'routed challenge response does not verify (SPEC §5)', causeMsgIds })
    }
  }
}
