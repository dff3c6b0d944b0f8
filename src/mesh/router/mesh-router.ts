/**
 * The MeshRouter (the brief's `router`): multi-hop delivery of end-to-end signed
 * envelopes over link-state routes (SPEC §9, DESIGN §3). Relays check the header rules
 * of the MeshForwardingPolicy, de-duplicate by carrier id, append themselves to `hops`
 * and forward; they need not verify bodies. The destination opens everything end to end
 * (a relay that altered a signed member is caught there and blamed on no one, SPEC
 * §15.9) and answers with a signed MESH_RECEIPT routed back, so `send()` resolves with
 * `{hops, rttMs}` or rejects with a typed error — never a silent loss. When the next hop
 * of an unanswered send goes down, the send is retried on the new route at once; while
 * no receipt has come it is also re-sent every few seconds (a relay further along may
 * have lost its link). Every copy has the same msg_id, so the destination delivers once.
 */
import type { Clock } from '../../config/clock.ts'
import type { MeshEvents } from '../../observability/events.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import type { JsonValue } from '../../protocol/canonical-json.ts'
import { canonicalBytes } from '../../protocol/canonical-json.ts'
import { MAX_ENVELOPE_BYTES } from '../../protocol/constants.ts'
import { buildMeshEnvelope } from '../../protocol/envelope/builders.ts'
import type { EnvelopeAuthor } from '../../protocol/envelope/builders.ts'
import { openEnvelope } from '../../protocol/envelope/open.ts'
import { sealEnvelope } from '../../protocol/envelope/seal.ts'
import type { BodyEnvelope, MeshEnvelope, MeshType } from '../../protocol/envelope/types.ts'
import { validateEnvelope } from '../../protocol/envelope/validate.ts'
import { BackpressureError, DeliveryTimeoutError, InvalidEnvelopeError, isWeb4Error, NoRouteError, reportError } from '../../protocol/errors.ts'
import { parseJson } from '../../protocol/json-intake.ts'
import type { ReplayCache } from '../../protocol/replay-cache.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { TokenBucket } from '../../runtime/intake/token-bucket.ts'
import type { FrameSender } from '../../runtime/ports.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import type { LinkStateView } from '../link-state/link-state-service.ts'
import { DEDUP_TTL_MS, DELIVERED_OUTCOMES_MAX, MAX_CARRIER_BYTES, MAX_HOPS, MESH_LINK_BURST, MESH_LINK_RATE_PER_SECOND, RECEIPT_TIMEOUT_MS, RETRANSMIT_INTERVAL_MS, RETRY_INTERVAL_MS } from './constants.ts'
import { decideForwarding } from './forwarding-policy.ts'
import type { DropReason } from './forwarding-policy.ts'
import { buildReceipt, receiptOutcome } from './receipts.ts'
import { SeenIds } from './seen-ids.ts'

/** What a delivered send resolves with. */
export interface DeliveryReceipt {
  /** The destination's fingerprint. */
  to: string
  /** The carrier's hops as it reached the destination: [B, C] for A→B→C. */
  hops: string[]
  /** Time from the first send to the receipt, in ms. */
  rttMs: number
  /** A SERVICE_INVOKE result, when there is one. */
  result?: JsonValue
}

/** What a receipt says. */
interface ReceiptOutcome {
  status: 'delivered' | 'failed'
  result?: JsonValue
  error?: { name: string, reason: string, message: string }
}

/** Handles a body (or SERVICE_INVOKE) delivered to this node; may return a result for the receipt. */
export type DeliveryHandler = (carrier: MeshEnvelope, from: string) => JsonValue | undefined | Promise<JsonValue | undefined>

export interface MeshRouterComponents {
  author: EnvelopeAuthor
  sender: FrameSender
  linkState: LinkStateView
  trustOf: (fingerprint: string) => TrustState
  /** The handshaken direct links. */
  links: () => LinkInfo[]
  replay: ReplayCache
  clock: Clock
  events: MeshEvents
  logger: Logger
  metrics?: MeshMetrics
  /** Told of every send that got its receipt (the mesh RTT table); an exception it throws is logged. */
  onReceipt?: (receipt: DeliveryReceipt) => void
}

export interface MeshRouterInit {
  /** @default MAX_HOPS (16) */
  maxHops?: number
  /** @default RECEIPT_TIMEOUT_MS (10 s) */
  receiptTimeoutMs?: number
}

interface PendingSend {
  /** One msg_id for every carrier of this send, so the destination delivers it at most once. */
  readonly msgId: string
  readonly destination: string
  readonly body: BodyEnvelope | undefined
  readonly type: MeshType
  readonly payload: MeshEnvelope['payload']
  readonly startedAt: number
  readonly resolve: (receipt: DeliveryReceipt) => void
  readonly reject: (err: Error) => void
  readonly timer: NodeJS.Timeout
  carrierIds: string[]
  viaPeerId: string | undefined
  retryTimer: NodeJS.Timeout | undefined
  /** Re-sends while no receipt has come, in case a link further along the path died. */
  retransmitTimer: NodeJS.Timeout | undefined
}

/** The router. */
export class MeshRouter {
  readonly #components: MeshRouterComponents
  readonly #config: Required<MeshRouterInit>
  readonly #log: Logger
  readonly #seen = new SeenIds({ ttlMs: DEDUP_TTL_MS })
  readonly #pending = new Map<string, PendingSend>()
  readonly #handlers = new Map<string, DeliveryHandler>()
  readonly #buckets = new Map<string, TokenBucket>()
  /** Outcomes of recent deliveries by `origin msg_id`, so a retried carrier gets its receipt again, not a second delivery. */
  readonly #delivered = new Map<string, { outcome: ReceiptOutcome, at: number }>()
  #isStopped = false

  constructor (components: MeshRouterComponents, init: MeshRouterInit = {}) {
    this.#components = components
    this.#config = { maxHops: init.maxHops ?? MAX_HOPS, receiptTimeoutMs: init.receiptTimeoutMs ?? RECEIPT_TIMEOUT_MS }
    this.#log = components.logger.child({ component: 'mesh:router' })
  }

  /** Registers the handler of one delivered type (a body type, SERVICE_INVOKE or MESH_HELLO). */
  handle (type: MeshType, handler: DeliveryHandler): void {
    this.#handlers.set(type, handler)
  }

  /** Rejects every unanswered send and stops retrying. */
  stop (): void {
    this.#isStopped = true
    for (const [id, pending] of this.#pending) this.#settle(id, pending, new DeliveryTimeoutError('Cannot deliver: node stopping', { reason: 'stopped' }))
  }

  /**
   * Routes a carrier of `body` (or a SERVICE_INVOKE / MESH_HELLO payload) to
   * `destination` and waits for its receipt.
   *
   * @throws {NoRouteError} unknown destination or no path
   * @throws {DeliveryTimeoutError} no receipt in time
   * @throws {BackpressureError} the next hop's queue is full
   * @throws {InvalidEnvelopeError} with reason `too_large` when the carrier exceeds {@link MAX_CARRIER_BYTES} (nothing is sent)
   */
  async send (destination: string, message: { type: MeshType, payload: MeshEnvelope['payload'], body?: BodyEnvelope }, options: { timeoutMs?: number } = {}): Promise<DeliveryReceipt> {
    if (destination === this.#components.author.identity.fingerprint) throw new NoRouteError('Cannot send to this node itself', { reason: 'unknown_destination', fingerprint: destination })
    if (!this.#components.linkState.isKnown(destination)) throw new NoRouteError(`Cannot send to "${destination.slice(0, 16)}": not in the link-state database`, { reason: 'unknown_destination', fingerprint: destination })
    const { promise, resolve, reject } = Promise.withResolvers<DeliveryReceipt>()
    const timeoutMs = options.timeoutMs ?? this.#config.receiptTimeoutMs
    const key = globalThis.crypto.randomUUID()
    const pending: PendingSend = {
      msgId: globalThis.crypto.randomUUID(),
      destination, body: message.body, type: message.type, payload: message.payload, startedAt: this.#components.clock.monotonic(), resolve, reject,
      timer: setTimeout(() => { this.#settle(key, pending, new DeliveryTimeoutError(`Cannot deliver to "${destination.slice(0, 16)}": no receipt within ${timeoutMs} ms`, { reason: 'no_receipt', fingerprint: destination, limit: timeoutMs })) }, timeoutMs),
      carrierIds: [], viaPeerId: undefined, retryTimer: undefined, retransmitTimer: undefined
    }
    pending.timer.unref()
    // A dead link further along the path drops the carrier at a relay; re-sending (same msg_id,
    // so the destination delivers once) lets the new route carry it before the deadline.
    pending.retransmitTimer = setInterval(() => {
      this.#transmit(pending).catch(() => { this.#scheduleRetry(pending) })
    }, RETRANSMIT_INTERVAL_MS)
    pending.retransmitTimer.unref()
    this.#pending.set(key, pending)
    try {
      await this.#transmit(pending)
    } catch (err) {
      this.#settle(key, pending, err as Error)
    }
    return await promise
  }

  /**
   * Floods a carrier to the whole mesh (destination `*`): a body of any family, or a mesh
   * payload of its own (MESH_EVIDENCE). Every node delivers it and passes it on,
   * de-duplicated by id and bounded by the hop limit; no receipts.
   *
   * @throws {InvalidEnvelopeError} with reason `too_large` when the carrier exceeds {@link MAX_CARRIER_BYTES} (nothing is sent)
   */
  broadcast (message: { type: MeshType, payload: MeshEnvelope['payload'] }): MeshEnvelope {
    const receiver = { agent_id: '*', fingerprint: '*' }
    const unsigned = buildMeshEnvelope(this.#components.author, { type: message.type, payload: message.payload, receiver }, { nowMs: this.#components.clock.now() })
    const carrier = sealEnvelope<MeshEnvelope>(unsigned, this.#components.author.identity)
    const bytes = encodeOutgoing(carrier)
    this.#seen.checkAndAdd(carrier.id, this.#components.clock.monotonic())
    for (const link of this.#components.links()) {
      this.#components.sender.send(link.peerId, 'mesh', bytes).catch((err: unknown) => { this.#drop(carrier, link, 'backpressure', err) })
    }
    this.#components.metrics?.increment('web4_mesh_envelopes_total', { action: 'sent' })
    return carrier
  }

  /** A link went down: unanswered sends that went through it are retried on the new route. */
  onLinkDown (link: LinkInfo): void {
    for (const pending of this.#pending.values()) {
      if (pending.viaPeerId === link.peerId) this.#scheduleRetry(pending)
    }
  }

  /** A frame on the `mesh` channel from a handshaken link; never throws. */
  onMeshFrame (link: LinkInfo, body: Uint8Array): void {
    let carrier: MeshEnvelope | undefined
    try {
      const bucket = this.#bucketOf(link)
      if (!bucket.tryTake(this.#components.clock.now())) throw new BackpressureError('Cannot relay: link rate limit', { reason: 'rate_limited' })
      const envelope = validateEnvelope(parseJson(body, { maxBytes: MAX_ENVELOPE_BYTES }))
      if (!('mesh' in envelope)) throw new InvalidEnvelopeError(`Cannot relay "${envelope.msg_id}": not a mesh envelope`, { reason: 'wrong_channel' })
      carrier = envelope
    } catch (err) {
      this.#drop(undefined, link, err instanceof BackpressureError ? 'rate_limited' : 'invalid', err)
      return
    }
    if (!this.#seen.checkAndAdd(carrier.id, this.#components.clock.monotonic())) {
      this.#drop(carrier, link, 'duplicate')
      return
    }
    const { hops, decision } = decideForwarding(carrier, {
      self: this.#components.author.identity.fingerprint,
      maxHops: this.#config.maxHops,
      isKnown: (fingerprint) => this.#components.linkState.isKnown(fingerprint),
      trustOf: this.#components.trustOf,
      nextHop: (fingerprint) => this.#components.linkState.nextHop(fingerprint)
    })
    const relayed: MeshEnvelope = { ...carrier, hops }
    switch (decision.action) {
      case 'deliver':
        this.#deliver(relayed, link)
        return
      case 'broadcast':
        this.#deliver(relayed, link)
        this.#flood(relayed, link)
        return
      case 'forward':
        this.#forward(relayed, decision.nextHop, link)
        return
      case 'drop':
        this.#drop(relayed, link, decision.reason)
    }
  }

  async #transmit (pending: PendingSend): Promise<void> {
    const nextHop = this.#components.linkState.nextHop(pending.destination)
    const link = nextHop === undefined ? undefined : this.#linkOf(nextHop)
    if (link === undefined) throw new NoRouteError(`Cannot send to "${pending.destination.slice(0, 16)}": no route`, { reason: 'no_path', fingerprint: pending.destination })
    const receiver = { agent_id: pending.body?.receiver.agent_id ?? '', fingerprint: pending.destination }
    const payload = pending.body === undefined ? pending.payload : { body: pending.body }
    // Every retry is a fresh carrier (new id, so relays do not drop it as a duplicate) with the same msg_id.
    const unsigned = buildMeshEnvelope(this.#components.author, { type: pending.type, payload, receiver }, { nowMs: this.#components.clock.now() })
    const carrier = sealEnvelope<MeshEnvelope>({ ...unsigned, msg_id: pending.msgId }, this.#components.author.identity)
    const bytes = encodeOutgoing(carrier)
    pending.carrierIds.push(carrier.id)
    pending.viaPeerId = link.peerId
    this.#seen.checkAndAdd(carrier.id, this.#components.clock.monotonic())
    await this.#components.sender.send(link.peerId, 'mesh', bytes)
    this.#components.metrics?.increment('web4_mesh_envelopes_total', { action: 'sent' })
  }

  #scheduleRetry (pending: PendingSend): void {
    if (pending.retryTimer !== undefined || this.#isStopped) return
    pending.viaPeerId = undefined
    pending.retryTimer = setTimeout(() => {
      pending.retryTimer = undefined
      const isStillPending = [...this.#pending.values()].includes(pending)
      if (!isStillPending) return
      this.#transmit(pending).catch(() => { this.#scheduleRetry(pending) })
    }, RETRY_INTERVAL_MS)
    pending.retryTimer.unref()
  }

  #deliver (carrier: MeshEnvelope, link: LinkInfo): void {
    let opened: MeshEnvelope
    try {
      opened = openEnvelope(carrier, { nowMs: this.#components.clock.now(), replay: this.#components.replay }) as MeshEnvelope
    } catch (err) {
      const earlier = isWeb4Error(err) && err.name === 'ReplayError' ? this.#delivered.get(`${carrier.origin} ${carrier.msg_id}`) : undefined
      if (earlier !== undefined) {
        // A retry of something already delivered (the signature checked out before the replay did): answer again.
        this.#sendReceipt(carrier, earlier.outcome)
        return
      }
      // SPEC §15.9: a routed envelope that fails end to end blames no one.
      this.#drop(carrier, link, isWeb4Error(err) && err.name === 'SignatureMismatchError' ? 'tampered' : 'invalid', err)
      return
    }
    this.#components.metrics?.increment('web4_mesh_envelopes_total', { action: 'delivered' })
    this.#components.events.emit('mesh_delivered', opened.origin, { id: opened.id, type: opened.type, hops: opened.hops })
    if (opened.type === 'MESH_RECEIPT') {
      this.#onReceipt(opened)
      return
    }
    void this.#runHandler(opened)
  }

  async #runHandler (carrier: MeshEnvelope): Promise<void> {
    const handler = this.#handlers.get(carrier.type)
    let outcome: ReceiptOutcome
    try {
      if (handler === undefined) throw new InvalidEnvelopeError(`Cannot deliver "${carrier.type}": no handler on this node`, { reason: 'unrouted_type' })
      const result = await handler(carrier, carrier.origin)
      outcome = result === undefined ? { status: 'delivered' } : { status: 'delivered', result }
    } catch (err) {
      const name = isWeb4Error(err) ? err.name : 'InternalError'
      outcome = { status: 'failed', error: { name, reason: isWeb4Error(err) ? err.reason : 'internal', message: (err as Error).message } }
    }
    if (carrier.destination === '*') return
    this.#remember(carrier, outcome)
    this.#sendReceipt(carrier, outcome)
  }

  #remember (carrier: MeshEnvelope, outcome: ReceiptOutcome): void {
    const nowMs = this.#components.clock.monotonic()
    for (const [key, entry] of this.#delivered) {
      if (nowMs - entry.at < DEDUP_TTL_MS && this.#delivered.size < DELIVERED_OUTCOMES_MAX) break
      this.#delivered.delete(key)
    }
    this.#delivered.set(`${carrier.origin} ${carrier.msg_id}`, { outcome, at: nowMs })
  }

  #sendReceipt (carrier: MeshEnvelope, outcome: ReceiptOutcome): void {
    const { receipt, bytes } = this.#receiptFor(carrier, outcome)
    const nextHop = this.#components.linkState.nextHop(carrier.origin)
    const link = nextHop === undefined ? undefined : this.#linkOf(nextHop)
    if (link === undefined) {
      this.#drop(receipt, undefined, 'no_route')
      return
    }
    this.#seen.checkAndAdd(receipt.id, this.#components.clock.monotonic())
    this.#components.sender.send(link.peerId, 'mesh', bytes).catch((err: unknown) => { this.#drop(receipt, undefined, 'backpressure', err) })
  }

  /**
   * The sealed receipt of `outcome` and its bytes — or, when a handler's result cannot
   * travel back (the receipt schema refuses it, or the relays and the origin would: over
   * {@link MAX_CARRIER_BYTES} or the JSON limits), a failed receipt with the typed error
   * that stopped it, so the origin learns why instead of timing out.
   */
  #receiptFor (carrier: MeshEnvelope, outcome: ReceiptOutcome): { receipt: MeshEnvelope, bytes: Uint8Array } {
    const seal = (sent: ReceiptOutcome): { receipt: MeshEnvelope, bytes: Uint8Array } => {
      const receipt = sealEnvelope(buildReceipt(this.#components.author, carrier, { ...sent, nowMs: this.#components.clock.now() }), this.#components.author.identity) as MeshEnvelope
      return { receipt, bytes: encodeOutgoing(receipt) }
    }
    if (outcome.result === undefined) return seal(outcome)
    try {
      const sealed = seal(outcome)
      // The JSON limits (depth, keys, items) every receiver applies before anything else.
      parseJson(sealed.bytes, { maxBytes: MAX_CARRIER_BYTES })
      return sealed
    } catch (err) {
      this.#log.warn({ id: carrier.id, type: carrier.type, err: (err as Error).message }, 'handler result cannot travel in a receipt; sending a failed receipt')
      return seal({
        status: 'failed',
        error: { name: isWeb4Error(err) ? err.name : 'InvalidEnvelopeError', reason: isWeb4Error(err) ? err.reason : 'bad_result', message: `Cannot return the result of "${carrier.type}": ${(err as Error).message}` }
      })
    }
  }

  #onReceipt (receipt: MeshEnvelope): void {
    const outcome = receiptOutcome(receipt)
    for (const [key, pending] of this.#pending) {
      if (!pending.carrierIds.includes(outcome.forId) || receipt.origin !== pending.destination) continue
      if (outcome.status === 'failed') {
        const error = outcome.error
        this.#settle(key, pending, new InvalidEnvelopeError(`Destination refused delivery: ${error?.name ?? 'Error'}: ${error?.message ?? ''}`, { reason: error?.reason ?? 'refused' }))
        return
      }
      this.#settle(key, pending, undefined, {
        to: pending.destination,
        hops: outcome.hops,
        rttMs: this.#components.clock.monotonic() - pending.startedAt,
        ...(outcome.result === undefined ? {} : { result: outcome.result })
      })
      return
    }
  }

  #settle (key: string, pending: PendingSend, error: Error | undefined, receipt?: DeliveryReceipt): void {
    if (this.#pending.get(key) !== pending) return
    this.#pending.delete(key)
    clearTimeout(pending.timer)
    clearTimeout(pending.retryTimer)
    clearInterval(pending.retransmitTimer)
    if (error !== undefined) {
      pending.reject(error)
    } else if (receipt !== undefined) {
      this.#tellReceipt(receipt)
      pending.resolve(receipt)
    }
  }

  #tellReceipt (receipt: DeliveryReceipt): void {
    const hops = String(Math.min(receipt.hops.length, this.#config.maxHops))
    this.#components.metrics?.increment('web4_mesh_receipts_total', { hops })
    this.#components.metrics?.increment('web4_mesh_receipt_rtt_ms_total', { hops }, receipt.rttMs)
    try {
      this.#components.onReceipt?.(receipt)
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'receipt listener threw')
    }
  }

  #forward (carrier: MeshEnvelope, nextHop: string, from: LinkInfo): void {
    const link = this.#linkOf(nextHop)
    if (link === undefined) {
      this.#drop(carrier, from, 'link_down')
      return
    }
    this.#components.sender.send(link.peerId, 'mesh', canonicalBytes(carrier))
      .then(() => {
        this.#components.metrics?.increment('web4_mesh_envelopes_total', { action: 'routed' })
        this.#components.events.emit('mesh_routed', carrier.origin, { id: carrier.id, type: carrier.type, destination: carrier.destination, next_hop: nextHop, hops: carrier.hops.length })
      })
      .catch((err: unknown) => { this.#drop(carrier, from, err instanceof BackpressureError ? 'backpressure' : 'link_down', err) })
  }

  #flood (carrier: MeshEnvelope, from: LinkInfo): void {
    if (carrier.hops.length >= this.#config.maxHops) return
    const bytes = canonicalBytes(carrier)
    for (const link of this.#components.links()) {
      if (link.peerId === from.peerId || carrier.hops.includes(link.fingerprint) || link.fingerprint === carrier.origin) continue
      this.#components.sender.send(link.peerId, 'mesh', bytes).catch(() => { /* a neighbour that cannot take it misses one broadcast */ })
    }
  }

  #drop (carrier: MeshEnvelope | undefined, link: LinkInfo | undefined, reason: DropReason, err?: unknown): void {
    this.#components.metrics?.increment('web4_mesh_envelopes_total', { action: 'dropped' })
    this.#components.metrics?.increment('web4_mesh_dropped_total', { reason })
    if (err !== undefined) this.#components.metrics?.increment('web4_bad_input_total', { channel: 'mesh', error: reportError(err).metricLabel })
    this.#components.events.emit('mesh_dropped', carrier?.origin ?? link?.fingerprint ?? null, {
      reason, id: carrier?.id ?? null, destination: carrier?.destination ?? null, type: carrier?.type ?? null,
      from: link?.fingerprint ?? null, ...(err === undefined ? {} : { error: isWeb4Error(err) ? err.name : 'Error', detail: isWeb4Error(err) ? err.reason : (err as Error).message })
    })
    this.#log.debug({ reason, id: carrier?.id, from: link?.fingerprint }, 'mesh envelope dropped')
  }

  #linkOf (fingerprint: string): LinkInfo | undefined {
    return this.#components.links().find((link) => link.fingerprint === fingerprint)
  }

  #bucketOf (link: LinkInfo): TokenBucket {
    let bucket = this.#buckets.get(link.peerId)
    if (bucket === undefined) {
      bucket = new TokenBucket(MESH_LINK_RATE_PER_SECOND, MESH_LINK_BURST)
      this.#buckets.set(link.peerId, bucket)
    }
    return bucket
  }

  /** Forgets a closed link's rate state. */
  forget (link: LinkInfo): void {
    this.#buckets.delete(link.peerId)
  }
}

/**
 * The canonical bytes of a carrier this node originates. One its relays would refuse —
 * over the envelope cap once a longest path has appended its hops — is never sent: the
 * caller gets a typed error at once instead of a DeliveryTimeoutError later, and no
 * neighbour counts it as bad input.
 *
 * @throws {InvalidEnvelopeError} with reason `too_large`
 */
function encodeOutgoing (carrier: MeshEnvelope): Uint8Array {
  const bytes = canonicalBytes(carrier)
  if (bytes.byteLength > MAX_CARRIER_BYTES) {
    throw new InvalidEnvelopeError(`Cannot send "${carrier.type}" envelope "${carrier.msg_id}": ${bytes.byteLength} bytes exceed the ${MAX_CARRIER_BYTES} a carrier may have when it leaves its origin`, { reason: 'too_large', msgId: carrier.msg_id, limit: MAX_CARRIER_BYTES })
  }
  return bytes
}
