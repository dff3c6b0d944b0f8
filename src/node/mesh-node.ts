/**
 * The mesh node itself (DESIGN §3): holds the parts `createMeshNode` built, wires the
 * runtime's ports to the mesh's implementations, starts them in dependency order and
 * stops them in reverse. Every envelope taken in goes through the ProtocolRouter of
 * the application layer (`application.ts`).
 */
import type { Clock } from '../config/clock.ts'
import { LinkStateService } from '../mesh/link-state/link-state-service.ts'
import type { LinkStateServiceInit } from '../mesh/link-state/link-state-service.ts'
import type { PeerRegistry } from '../mesh/peers/index.ts'
import { RoutedHandshakeService } from '../mesh/routed-handshake/routed-handshake.ts'
import type { RoutedHandshakeInit } from '../mesh/routed-handshake/routed-handshake.ts'
import { MeshRouter } from '../mesh/router/mesh-router.ts'
import type { DeliveryReceipt, MeshRouterInit } from '../mesh/router/mesh-router.ts'
import { resolveDestination } from '../mesh/router/resolve-destination.ts'
import { meshRttView, PathRttTable } from '../mesh/rtt/index.ts'
import type { MeshRttEntry } from '../mesh/rtt/index.ts'
import type { SequenceStore } from '../mesh/sequence-store.ts'
import { TrustMeshService } from '../mesh/trust-mesh/trust-mesh-service.ts'
import { buildBodyEnvelope } from '../mesh/envelope.ts'
import type { EventLog } from '../observability/event-log.ts'
import type { Logger } from '../observability/logger.ts'
import type { CountingMetrics } from '../observability/metrics.ts'
import { verifyEnvelope } from '../protocol/envelope/open.ts'
import type { BodyEnvelope, BodyType, CipType, Envelope, EvidencePayload, MeshEnvelope, Presence, StateBlock } from '../protocol/envelope/types.ts'
import { BODY_TYPES, MESH_OWN_TYPES } from '../protocol/envelope/types.ts'
import { validateEnvelope } from '../protocol/envelope/validate.ts'
import { InvalidEnvelopeError, isWeb4Error, reportError } from '../protocol/errors.ts'
import type { KeyPairIdentity } from '../protocol/identity/index.ts'
import type { AgentLoop, AgentLoopHub } from '../runtime/agent-loop/index.ts'
import { HandshakeService } from '../runtime/handshake/handshake-service.ts'
import type { HandshakeServiceInit } from '../runtime/handshake/handshake-service.ts'
import type { HcpService, HcpServiceInit } from '../runtime/hcp/hcp-service.ts'
import { DirectIntake } from '../runtime/intake/direct-intake.ts'
import type { DirectHandler } from '../runtime/intake/direct-intake.ts'
import { KnowledgeService } from '../runtime/knowledge/knowledge-service.ts'
import type { KnowledgeServiceInit } from '../runtime/knowledge/knowledge-service.ts'
import type { LipService, LipServiceInit } from '../runtime/lip/lip-service.ts'
import { createPersistentReplayCache } from '../runtime/persistent-replay-cache.ts'
import type { PersistentReplayCache } from '../runtime/persistent-replay-cache.ts'
import type { ProtocolRouter } from '../runtime/protocol-router/index.ts'
import type { ReplayStore } from '../runtime/replay-store.ts'
import type { ClaimStore, MeshDatabase } from '../store/index.ts'
import type { ChannelName } from '../transport/channels.ts'
import type { LinkSupervisor } from '../transport/link-supervisor.ts'
import type { LinkInfo, LinkTransport } from '../transport/link-transport.ts'
import { createApplication } from './application.ts'
import { countFrameIn, countingSender } from './frame-counter.ts'
import type { DeliveredMessage, MeshNode, NodeInfo, PeerView, SendOptions, ServiceHandler } from './types.ts'

/** How often link RTT summaries are copied into the registry, and expired replay entries pruned. */
export const HOUSEKEEPING_INTERVAL_MS = 5000

/** The parts `createMeshNode` builds before the node. */
export interface NodeParts {
  identity: KeyPairIdentity
  agentId: string
  clock: Clock
  logger: Logger
  metrics: CountingMetrics
  events: EventLog
  registry: PeerRegistry
  transport: LinkTransport
  supervisor: LinkSupervisor
  database: MeshDatabase | undefined
  replayStore: ReplayStore
  sequences: SequenceStore
  claimStore: ClaimStore
  dialTargets: string[]
  state: StateBlock
  handshake: HandshakeServiceInit
  linkState: LinkStateServiceInit
  router: MeshRouterInit
  routedHandshake: RoutedHandshakeInit
  knowledge: KnowledgeServiceInit
  hcp: HcpServiceInit
  lip: LipServiceInit
}

/** Signature verifications shared by every node of this process, for deeply frozen envelopes only (TRUSTBENCH §2). */
const SHARED_SIGNATURE_MEMO = new WeakSet<object>()

/** The node; build it with `createMeshNode`. */
export class Node implements MeshNode {
  readonly identity: KeyPairIdentity
  readonly agentId: string
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly registry: PeerRegistry
  readonly linkState: LinkStateService
  readonly knowledge: KnowledgeService
  readonly hcp: HcpService
  readonly lip: LipService
  readonly agentLoop: AgentLoop
  readonly #agentLoop: AgentLoopHub
  readonly #protocol: ProtocolRouter
  readonly #trustMesh: TrustMeshService
  readonly #parts: NodeParts
  readonly #handshake: HandshakeService
  readonly #router: MeshRouter
  readonly #routedHandshake: RoutedHandshakeService
  readonly #services = new Map<string, ServiceHandler>()
  readonly #pathRtt = new PathRttTable()
  readonly #listeners = new Set<(message: DeliveredMessage) => void>()
  /** One seen-cache for every path an envelope can take in (direct links and the mesh). */
  readonly #replay: PersistentReplayCache
  #housekeeping: NodeJS.Timeout | undefined
  #state: 'new' | 'started' | 'stopped' = 'new'

  constructor (parts: NodeParts) {
    this.#parts = parts
    this.identity = parts.identity
    this.agentId = parts.agentId
    this.events = parts.events
    this.metrics = parts.metrics
    this.registry = parts.registry
    const author = { identity: parts.identity, agentId: parts.agentId }
    this.#replay = createPersistentReplayCache(parts.replayStore, parts.clock.now())
    const common = { clock: parts.clock, events: parts.events, logger: parts.logger, metrics: parts.metrics }
    const sender = countingSender(parts.transport, parts.metrics)
    this.#handshake = new HandshakeService({
      ...common,
      author,
      sender,
      peers: parts.registry,
      localState: { current: () => ({ ...parts.state }) },
      onHandshaken: (link) => { this.linkState.onNeighbourChange(link, true) }
    }, parts.handshake)
    this.linkState = new LinkStateService({
      ...common,
      identity: parts.identity,
      agentId: parts.agentId,
      sender,
      sequences: parts.sequences,
      trustOf: (fingerprint) => parts.registry.trustOf(fingerprint),
      neighbours: () => this.#handshake.handshakenPeers().map((link) => ({ link, rttMs: parts.supervisor.rttOf(link.peerId)?.smoothedMs })),
      addresses: () => parts.transport.listenAddresses(),
      onAccepted: (lsa) => { this.#trustMesh.onLsa(lsa) }
    }, parts.linkState)
    this.#router = new MeshRouter({
      ...common,
      author,
      sender,
      linkState: this.linkState,
      trustOf: (fingerprint) => parts.registry.trustOf(fingerprint),
      links: () => this.#handshake.handshakenPeers(),
      replay: this.#replay,
      onReceipt: (receipt) => { this.#pathRtt.record(receipt.to, receipt.rttMs, receipt.hops.length, parts.clock.now()) }
    }, parts.router)
    this.#routedHandshake = new RoutedHandshakeService({
      ...common,
      author,
      sendHello: async (destination, hello) => await this.#router.send(destination, { type: 'MESH_HELLO', payload: { body: hello }, body: hello }),
      peers: parts.registry,
      isDirectlyHandshaken: (fingerprint) => this.#handshake.handshakenPeers().some((link) => link.fingerprint === fingerprint),
      hasRoute: (fingerprint) => this.linkState.nextHop(fingerprint) !== undefined
    }, parts.routedHandshake)
    this.#trustMesh = new TrustMeshService({
      ...common,
      self: parts.identity.fingerprint,
      registry: parts.registry,
      spreadEvidence: (payload) => { this.#spreadEvidence(payload) }
    })
    this.knowledge = new KnowledgeService({
      ...common,
      self: parts.identity.fingerprint,
      store: parts.claimStore,
      broadcast: async (type, payload) => await Promise.resolve(this.#broadcastBody(type, payload)),
      trustOf: (fingerprint) => parts.registry.trustOf(fingerprint),
      isPinned: (fingerprint) => parts.registry.get(fingerprint)?.isPinned === true,
      isOverloaded: () => parts.state.presence === 'overloaded',
      onOutcome: (outcome) => { this.#trustMesh.onKnowledgeOutcome(outcome) }
    }, parts.knowledge)
    const application = createApplication({
      ...common,
      self: parts.identity.fingerprint,
      registry: parts.registry,
      handshake: this.#handshake,
      routedHandshake: this.#routedHandshake,
      knowledge: this.knowledge,
      trustMesh: this.#trustMesh,
      services: this.#services,
      localState: () => ({ ...parts.state, kernel_signals: [...parts.state.kernel_signals] }),
      setPresence: (presence, lri) => { this.#applyPresence(presence, lri) },
      declareIntent: (intent) => { this.#broadcastBody('INTENT', intent) },
      onDelivered: (carrier, from) => { this.#notify({ carrier, from }) }
    }, { hcp: parts.hcp, lip: parts.lip })
    this.#agentLoop = application.agentLoop
    this.agentLoop = application.agentLoop
    this.hcp = application.hcp
    this.lip = application.lip
    this.#protocol = application.protocolRouter
    for (const type of [...BODY_TYPES, ...MESH_OWN_TYPES]) this.#router.handle(type, (carrier, from) => this.#protocol.dispatchDelivery(carrier, from))
    this.linkState.onChange(() => { this.#routedHandshake.scan(this.linkState.lsas()) })
    parts.events.subscribe((event) => {
      if (event.event_type === 'trust_transition' && event.payload.to === 'blacklisted' && event.peer !== null) this.#disconnect(event.peer)
    })
  }

  async start (): Promise<void> {
    if (this.#state !== 'new') throw new Error(`Cannot start mesh node: it is ${this.#state}`)
    this.#state = 'started'
    const { clock, transport, supervisor, registry } = this.#parts
    const replay = this.#replay
    const dispatch: DirectHandler = (link, envelope) => { this.#protocol.dispatchDirect(envelope, link) }
    const handlers = new Map<string, DirectHandler>(BODY_TYPES.map((type) => [type, dispatch]))
    const intake = new DirectIntake({
      peers: registry, replay, sender: transport, clock, events: this.events, logger: this.#parts.logger, metrics: this.metrics, handlers,
      isHandshaken: (link) => this.#handshake.isHandshaken(link),
      onPreHandshakeRefusal: (link, error) => { this.#handshake.onPreHandshakeRefusal(link, error) },
      records: new Map([['lsa', (link: LinkInfo, value: unknown) => { this.linkState.onLsa(link, value) }]])
    })
    await supervisor.start({
      onLinkOpen: (link) => { this.#handshake.onLinkOpen(link) },
      onLinkClose: (link) => {
        const wasHandshaken = this.#handshake.isHandshaken(link)
        this.#handshake.onLinkClose(link)
        intake.forget(link)
        this.#router.forget(link)
        if (wasHandshaken) {
          this.linkState.onNeighbourChange(link, false)
          this.#router.onLinkDown(link)
        }
      },
      onFrame: (link, channel, body) => {
        countFrameIn(this.metrics, channel)
        registry.markSeen(link.fingerprint, clock.now())
        if (channel === 'mesh') this.#onMeshFrame(link, body)
        else intake.accept(link, channel, body)
      },
      onBadFrame: (link, channel, error) => {
        const reason = (error as { reason?: string }).reason ?? 'bad_frame'
        this.metrics.increment('web4_bad_input_total', { channel, error: reportError(error).metricLabel })
        this.events.emit('transport_error', link.fingerprint, { channel, reason, message: error.message })
        this.#parts.logger.warn({ peer: link.fingerprint, channel, error: error.name, reason }, 'frame refused')
      }
    })
    this.linkState.start()
    for (const address of this.#parts.dialTargets) supervisor.addDialTarget(address)
    this.#housekeeping = setInterval(() => { this.#houseKeep() }, HOUSEKEEPING_INTERVAL_MS)
    this.#housekeeping.unref()
    // Claims restored from the store are decided now, not at the next input (issue #5 "Persistence").
    this.knowledge.start()
  }

  async stop (): Promise<void> {
    if (this.#state === 'stopped') return
    const wasStarted = this.#state === 'started'
    this.#state = 'stopped'
    clearInterval(this.#housekeeping)
    this.#routedHandshake.stop()
    this.knowledge.stop()
    this.#router.stop()
    if (wasStarted) {
      await this.linkState.stop()
      this.#handshake.stop()
      this.#houseKeep()
      await this.#parts.supervisor.stop()
    } else {
      this.#handshake.stop()
    }
    this.#replay.flush()
    this.#parts.database?.close()
  }

  async [Symbol.asyncDispose] (): Promise<void> {
    await this.stop()
  }

  info (): NodeInfo {
    return {
      agent_id: this.agentId,
      fingerprint: this.identity.fingerprint,
      pubkey: this.identity.pubkey,
      peer_id: this.#parts.transport.localPeerId,
      multiaddrs: this.#parts.transport.listenAddresses(),
      presence: this.#parts.state.presence,
      lri: this.#parts.state.lri
    }
  }

  peers (): PeerView[] {
    const links = new Map<string, LinkInfo>(this.#parts.transport.links().map((link) => [link.fingerprint, link]))
    const handshaken = new Set(this.#handshake.handshakenPeers().map((link) => link.fingerprint))
    return this.registry.list().map((row) => {
      const link = links.get(row.fingerprint)
      return {
        ...row,
        isLinked: link !== undefined,
        linkDirection: link?.direction ?? null,
        isHandshaken: handshaken.has(row.fingerprint) || this.#routedHandshake.isHandshaken(row.fingerprint),
        liveRtt: link === undefined ? null : this.#parts.supervisor.rttOf(link.peerId) ?? null
      }
    })
  }

  connect (address: string): void {
    this.#parts.supervisor.addDialTarget(address)
  }

  async send (to: string, type: BodyType | 'SERVICE_INVOKE', payload: unknown, options: SendOptions = {}): Promise<DeliveryReceipt> {
    const { onBehalfOf } = options
    if (onBehalfOf !== undefined) {
      // Consent and pacing first (SPEC §8): a refused act sends nothing at all.
      const { human, ...action } = onBehalfOf
      this.hcp.assertMayActFor(human, action)
    }
    const known = this.#knownNodes()
    const destination = resolveDestination(to, known)
    const sendOptions = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }
    if (type === 'SERVICE_INVOKE') return await this.#router.send(destination, { type, payload: payload as MeshEnvelope['payload'] }, sendOptions)
    const author = { identity: this.identity, agentId: this.agentId }
    const receiver = { agent_id: known.find((node) => node.fingerprint === destination)?.agentId ?? '', fingerprint: destination }
    const body = buildBodyEnvelope(author, { type, payload, receiver }, { ...options, nowMs: this.#parts.clock.now() })
    return await this.#router.send(destination, { type, payload: { body }, body }, sendOptions)
  }

  registerService (service: string, version: string, handler: ServiceHandler): void {
    this.#services.set(`${service}@${version}`, handler)
  }

  onMessage (listener: (message: DeliveredMessage) => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  ingest (value: unknown): void {
    let envelope: Envelope
    try {
      envelope = validateEnvelope(value)
      if ('mesh' in envelope) throw new InvalidEnvelopeError(`Cannot ingest mesh envelope "${envelope.msg_id}": give its body`, { reason: 'wrong_channel' })
      verifyEnvelope(envelope, { nowMs: this.#parts.clock.now(), replay: this.#replay, verifiedSignatures: SHARED_SIGNATURE_MEMO })
      const result = this.#protocol.dispatch(envelope, { via: 'mesh', from: envelope.sender.fingerprint })
      if (result instanceof Promise) throw new InvalidEnvelopeError(`Cannot ingest "${envelope.type}": not a body type`, { reason: 'wrong_channel' })
    } catch (err) {
      this.metrics.increment('web4_bad_input_total', { channel: 'ingest', error: reportError(err).metricLabel })
      this.events.emit('envelope_rejected', null, { channel: 'ingest', error: isWeb4Error(err) ? err.name : 'Error', reason: isWeb4Error(err) ? err.reason : 'internal' })
      throw err
    }
  }

  setPresence (presence: Presence, lri?: number): void {
    this.#agentLoop.setPresence(presence, lri)
  }

  /** Sets presence and LRI, tells the mesh, and when no longer overloaded releases deferred intake and decides what overload held back (SPEC §7 rule 5). */
  #applyPresence (presence: Presence, lri: number): void {
    const { state } = this.#parts
    state.presence = presence
    state.lri = lri
    if (this.#state === 'started') {
      this.#broadcastBody('STATE_UPDATE', { presence, lri, ltppeerstate: 'unknown', kernel_signals: [...state.kernel_signals], intent: state.intent })
    }
    if (presence === 'overloaded') return
    // Every claim, not only those with new input: a window that closed while overloaded was decided `pending` then.
    this.knowledge.tick()
    this.lip.reevaluate()
  }

  /** Signs a CIP body to every node (`receiver` `*`) and floods it over the mesh. */
  #broadcastBody (type: CipType, payload: unknown): BodyEnvelope {
    const author = { identity: this.identity, agentId: this.agentId }
    const body = buildBodyEnvelope(author, { type, payload, receiver: { agent_id: '*', fingerprint: '*' } }, { nowMs: this.#parts.clock.now() })
    this.#router.broadcast({ type, payload: { body } })
    return body
  }

  routes (): ReturnType<LinkStateService['routes']> {
    return this.linkState.routes()
  }

  meshRtt (): MeshRttEntry[] {
    const { transport, supervisor } = this.#parts
    const links = new Map(transport.links().map((link) => [link.fingerprint, link.peerId]))
    return meshRttView({
      routes: this.linkState.routes(),
      linkRtt: (fingerprint) => {
        const peerId = links.get(fingerprint)
        return peerId === undefined ? undefined : supervisor.rttOf(peerId)
      },
      pathRtt: (fingerprint) => this.#pathRtt.get(fingerprint)
    })
  }

  queuedBytes (channel: ChannelName): number {
    const { transport } = this.#parts
    return transport.links().reduce((total, link) => total + transport.queuedBytes(link.peerId, channel), 0)
  }

  /** Every node this one knows of: link state first, then the registry. */
  #knownNodes (): Array<{ fingerprint: string, agentId: string }> {
    const nodes = new Map<string, string>()
    for (const lsa of this.linkState.lsas()) nodes.set(lsa.origin, lsa.agent_id)
    for (const row of this.registry.list()) if (!nodes.has(row.fingerprint) && row.agentId !== '') nodes.set(row.fingerprint, row.agentId)
    nodes.delete(this.identity.fingerprint)
    return [...nodes].map(([fingerprint, agentId]) => ({ fingerprint, agentId }))
  }

  #onMeshFrame (link: LinkInfo, body: Uint8Array): void {
    if (!this.#handshake.isHandshaken(link)) {
      this.metrics.increment('web4_bad_input_total', { channel: 'mesh', error: 'trust_violation' })
      this.events.emit('mesh_dropped', link.fingerprint, { reason: 'not_handshaken', from: link.fingerprint })
      return
    }
    this.#router.onMeshFrame(link, body)
  }

  /** Floods equivocation evidence; evidence too large for one carrier stays with this node (logged), and never breaks the knowledge intake that found it. */
  #spreadEvidence (payload: EvidencePayload): void {
    try {
      this.#router.broadcast({ type: 'MESH_EVIDENCE', payload })
    } catch (err) {
      this.#parts.logger.warn({ err: (err as Error).message }, 'equivocation evidence not spread')
    }
  }

  /** Closes the links to a peer just blacklisted; the transport refuses its new ones (SPEC §9 rule 4). */
  #disconnect (fingerprint: string): void {
    const { transport, logger } = this.#parts
    for (const link of transport.links()) {
      if (link.fingerprint !== fingerprint) continue
      transport.close(link.peerId, 'blacklisted').catch((err: unknown) => { logger.warn({ peer: fingerprint, err: (err as Error).message }, 'closing a blacklisted peer\'s link failed') })
    }
  }

  #notify (message: DeliveredMessage): void {
    for (const listener of this.#listeners) {
      try {
        listener(message)
      } catch (err) {
        this.#parts.logger.warn({ err: (err as Error).message }, 'message listener threw')
      }
    }
  }

  /** Copies live RTT into the registry and prunes expired replay entries. */
  #houseKeep (): void {
    const nowMs = this.#parts.clock.now()
    for (const link of this.#parts.transport.links()) {
      const rtt = this.#parts.supervisor.rttOf(link.peerId)
      if (rtt !== undefined && this.#parts.registry.get(link.fingerprint) !== undefined) this.#parts.registry.recordRtt(link.fingerprint, rtt, nowMs)
    }
    this.#parts.replayStore.prune(nowMs)
    this.#parts.registry.flushSeen()
  }
}
