/**
 * `createMeshNode(options)`: the composition root (DESIGN §3). It builds every part in
 * dependency order — store, peer registry, transport and its supervisor, the direct
 * intake and the handshake service — wires the runtime's ports to the mesh's
 * implementations, starts them in that order and stops them in reverse.
 *
 * @example
 * ```ts
 * await using node = await createMeshNode({ dataDir: './alice', listen: ['/ip4/127.0.0.1/tcp/0'] })
 * await node.start()
 * node.peers() // what the node knows of each peer
 * ```
 */
import { join } from 'node:path'
import type { Clock } from './config/clock.ts'
import { systemClock } from './config/clock.ts'
import { DATA_FILES, DEFAULT_LISTEN_ADDR } from './config/constants.ts'
import { loadDataDir } from './config/data-dir.ts'
import { LinkStateService } from './mesh/link-state/link-state-service.ts'
import type { LinkStateServiceInit } from './mesh/link-state/link-state-service.ts'
import { createPeerRegistry } from './mesh/peers/index.ts'
import type { PeerRegistry, PeerRow } from './mesh/peers/index.ts'
import { RoutedHandshakeService } from './mesh/routed-handshake/routed-handshake.ts'
import type { RoutedHandshakeInit } from './mesh/routed-handshake/routed-handshake.ts'
import { MeshRouter } from './mesh/router/mesh-router.ts'
import { TrustMeshService } from './mesh/trust-mesh/trust-mesh-service.ts'
import type { DeliveryHandler, DeliveryReceipt, MeshRouterInit } from './mesh/router/mesh-router.ts'
import type { SequenceStore } from './mesh/sequence-store.ts'
import { resolveDestination } from './mesh/router/resolve-destination.ts'
import { buildBodyEnvelope } from './mesh/envelope.ts'
import type { BodyOptions } from './mesh/envelope.ts'
import { createEventLog } from './observability/event-log.ts'
import type { EventLog } from './observability/event-log.ts'
import type { Logger } from './observability/logger.ts'
import { SILENT_LOGGER } from './observability/logger.ts'
import { createCountingMetrics } from './observability/metrics.ts'
import type { CountingMetrics } from './observability/metrics.ts'
import type { JsonValue } from './protocol/canonical-json.ts'
import type { BodyEnvelope, BodyType, Envelope, EvidencePayload, MeshEnvelope, Presence, StateBlock } from './protocol/envelope/types.ts'
import { BODY_TYPES } from './protocol/envelope/types.ts'
import { InvalidEnvelopeError, isWeb4Error, reportError } from './protocol/errors.ts'
import { verifyEnvelope } from './protocol/envelope/open.ts'
import { validateEnvelope } from './protocol/envelope/validate.ts'
import type { KeyPairIdentity } from './protocol/identity/index.ts'
import { HandshakeService } from './runtime/handshake/handshake-service.ts'
import type { HandshakeServiceInit } from './runtime/handshake/handshake-service.ts'
import { DirectIntake } from './runtime/intake/direct-intake.ts'
import type { DirectHandler } from './runtime/intake/direct-intake.ts'
import { createPersistentReplayCache } from './runtime/persistent-replay-cache.ts'
import type { PersistentReplayCache } from './runtime/persistent-replay-cache.ts'
import type { ReplayStore } from './runtime/replay-store.ts'
import {
  createMemoryClaimStore, createMemoryPeerStore, createMemoryReplayStore, createMemorySequenceStore, createSqliteClaimStore,
  createSqlitePeerStore, createSqliteReplayStore, createSqliteSequenceStore, openDatabase
} from './store/index.ts'
import type { ClaimStore } from './store/index.ts'
import { KnowledgeService } from './runtime/knowledge/knowledge-service.ts'
import type { KnowledgeOutcome, KnowledgeServiceInit } from './runtime/knowledge/knowledge-service.ts'
import type { MeshDatabase } from './store/index.ts'
import { createLibp2pLinkTransport } from './transport/libp2p/libp2p-link-transport.ts'
import { createLinkSupervisor } from './transport/link-supervisor.ts'
import type { LinkSupervisor, LinkSupervisorInit } from './transport/link-supervisor.ts'
import type { ChannelName } from './transport/channels.ts'
import type { LinkInfo, LinkTransport } from './transport/link-transport.ts'
import type { RttSummary } from './transport/rtt-summary.ts'

/** How often link RTT summaries are copied into the registry, and expired replay entries pruned. */
export const HOUSEKEEPING_INTERVAL_MS = 5000

export interface MeshNodeOptions {
  /** Data directory holding `identity.key` and `config.json` (DESIGN §4); its `mesh.db` is the store. */
  dataDir?: string
  /** The identity, when not read from `dataDir`. */
  identity?: KeyPairIdentity
  /** The agent id, when not read from `dataDir`; overrides the config's. */
  agentId?: string
  /** libp2p listen multiaddrs; override the config's. @default config, else ['/ip4/0.0.0.0/tcp/4701'] */
  listen?: string[]
  /** Multiaddrs to dial and keep linked; added to the config's. */
  peers?: string[]
  /** Pinned roots; added to the config's `trusted_fingerprints`. */
  trustedFingerprints?: string[]
  /** `sqlite` (`DATA/mesh.db`) or `memory`. @default 'sqlite' with a data directory, else 'memory' */
  store?: 'sqlite' | 'memory'
  /** A transport to use instead of libp2p (the in-memory network of tests). */
  transport?: LinkTransport
  clock?: Clock
  logger?: Logger
  /** This node's presence and LRI as announced in STATE_UPDATE. @default engaged, 50 */
  presence?: Presence
  lri?: number
  /** Overrides of the supervisor's timing (tests). */
  supervisor?: LinkSupervisorInit
  /** Overrides of the handshake's timing (tests). */
  handshake?: HandshakeServiceInit
  /** Overrides of link-state timing (tests). */
  linkState?: LinkStateServiceInit
  /** Overrides of the router (tests). */
  router?: MeshRouterInit
  /** Overrides of the routed handshake (tests). */
  routedHandshake?: RoutedHandshakeInit
  /** Overrides of knowledge (tests, simulations). */
  knowledge?: KnowledgeServiceInit
}

/** What `send()` takes besides the destination. */
export interface SendOptions extends BodyOptions {
  /** How long to wait for the receipt. @default RECEIPT_TIMEOUT_MS (10 s) */
  timeoutMs?: number
}

/** A delivered message, as the node hands it to its listeners. */
export interface DeliveredMessage {
  carrier: MeshEnvelope
  /** Fingerprint of the origin. */
  from: string
}

/** Handles a SERVICE_INVOKE input; the result travels back in the receipt (SPEC §4). */
export type ServiceHandler = (input: JsonValue, from: string) => JsonValue | Promise<JsonValue>

/** One peer as operators see it: the registry row and the live link. */
export interface PeerView extends PeerRow {
  isLinked: boolean
  linkDirection: 'inbound' | 'outbound' | null
  isHandshaken: boolean
  liveRtt: RttSummary | null
}

/** What `node.json` and `GET /v1/node` tell. */
export interface NodeInfo {
  agent_id: string
  fingerprint: string
  pubkey: string
  peer_id: string
  multiaddrs: string[]
  presence: Presence
  lri: number
}

/** A running mesh node. */
export interface MeshNode {
  start: () => Promise<void>
  stop: () => Promise<void>
  [Symbol.asyncDispose]: () => Promise<void>
  readonly identity: KeyPairIdentity
  readonly agentId: string
  info: () => NodeInfo
  peers: () => PeerView[]
  /** Dials `address` and keeps the link up (reconnecting). */
  connect: (address: string) => void
  /**
   * Routes one envelope of `type` to `to` (a fingerprint or an agent id) over the mesh
   * and resolves with its signed receipt.
   *
   * @throws {NoRouteError} unknown or ambiguous destination, or no path
   * @throws {DeliveryTimeoutError} no receipt in time
   * @throws {PayloadSchemaError} the payload does not match its type
   */
  send: (to: string, type: BodyType | 'SERVICE_INVOKE', payload: unknown, options?: SendOptions) => Promise<DeliveryReceipt>
  /** Registers a SERVICE_INVOKE handler for `service`@`version`. */
  registerService: (service: string, version: string, handler: ServiceHandler) => void
  /** Calls `listener` for every envelope the mesh delivers to this node. */
  onMessage: (listener: (message: DeliveredMessage) => void) => () => void
  /** Routes, for `/v1/routes` and `inspect`. */
  routes: () => ReturnType<LinkStateService['routes']>
  /** Bytes waiting in the send queues of `channel`, summed over every link (the `web4_transport_queue_bytes` gauge). */
  queuedBytes: (channel: ChannelName) => number
  /** The link-state database, for `topology`. */
  readonly linkState: LinkStateService
  /** Knowledge claims: propose, confirm, challenge, list (SPEC §7). */
  readonly knowledge: KnowledgeService
  /**
   * Takes one CIP / HCP / LIP envelope as if the mesh had delivered it end to end
   * (simulations such as TrustBench, bridges from other transports): schema, fingerprint,
   * freshness, signature (verified once per deeply frozen object, TRUSTBENCH §2) and
   * replay are checked as for a delivery, then it is handled by its type.
   *
   * @throws the typed error of a refusal (also counted and emitted as `envelope_rejected`)
   */
  ingest: (envelope: unknown) => void
  /** Sets this node's presence and LRI (announced in STATE_UPDATE; `overloaded` defers intake, SPEC §7 rule 5). */
  setPresence: (presence: Presence, lri?: number) => void
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly registry: PeerRegistry
}

/** Builds a node; nothing listens until `start()`. */
export async function createMeshNode (options: MeshNodeOptions): Promise<MeshNode> {
  const dataDir = options.dataDir === undefined ? undefined : await loadDataDir(options.dataDir)
  const identity = options.identity ?? dataDir?.identity
  if (identity === undefined) throw new RangeError('Cannot create mesh node: give "dataDir" or "identity"')
  const agentId = options.agentId ?? dataDir?.config.agent_id
  if (agentId === undefined) throw new RangeError('Cannot create mesh node: give "dataDir" or "agentId"')
  const clock = options.clock ?? systemClock
  const logger = (options.logger ?? SILENT_LOGGER).child({ node: identity.fingerprint.slice(0, 12), agent_id: agentId })
  const metrics = createCountingMetrics()
  const events = createEventLog({ node: identity.fingerprint, clock, logger })
  const storeKind = options.store ?? (dataDir === undefined ? 'memory' : 'sqlite')
  const database = storeKind === 'sqlite' ? openDatabase(join(requireDataDir(options.dataDir), DATA_FILES.database)) : undefined
  const peerStore = database === undefined ? createMemoryPeerStore() : createSqlitePeerStore(database)
  const replayStore: ReplayStore = database === undefined ? createMemoryReplayStore() : createSqliteReplayStore(database)
  const sequences: SequenceStore = database === undefined ? createMemorySequenceStore() : createSqliteSequenceStore(database)
  const claimStore: ClaimStore = database === undefined ? createMemoryClaimStore() : createSqliteClaimStore(database)
  const registry = createPeerRegistry({ store: peerStore, clock, events, logger, metrics }, {
    trustedFingerprints: [...(dataDir?.config.trusted_fingerprints ?? []), ...(options.trustedFingerprints ?? [])]
  })
  const listen = options.listen ?? (dataDir === undefined ? [DEFAULT_LISTEN_ADDR] : [...dataDir.config.listen])
  const transport = options.transport ?? await createLibp2pLinkTransport({ identity, clock, logger }, {
    listen,
    isDenied: (fingerprint) => registry.trustOf(fingerprint) === 'blacklisted'
  })
  const supervisor = createLinkSupervisor({ transport, clock, events, logger, metrics }, options.supervisor)
  return new Node({
    identity, agentId, clock, logger, metrics, events, registry, transport, supervisor, database, replayStore, sequences, claimStore,
    dialTargets: [...(dataDir?.config.peers ?? []), ...(options.peers ?? [])],
    state: { presence: options.presence ?? 'engaged', lri: options.lri ?? 50, kernel_signals: [], intent: 'mesh' },
    handshake: options.handshake ?? {},
    linkState: options.linkState ?? {},
    router: options.router ?? {},
    routedHandshake: options.routedHandshake ?? {},
    knowledge: options.knowledge ?? {}
  })
}

function requireDataDir (path: string | undefined): string {
  if (path === undefined) throw new RangeError('Cannot use the sqlite store without "dataDir"')
  return path
}

interface NodeParts {
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
}

/** Signature verifications shared by every node of this process, for deeply frozen envelopes only (TRUSTBENCH §2). */
const SHARED_SIGNATURE_MEMO = new WeakSet<object>()

/** Types the knowledge service takes (SPEC §10: CIP.FACT_* → knowledge exchange). */
const KNOWLEDGE_TYPES: ReadonlySet<string> = new Set(['FACT_PROPOSE', 'FACT_CONFIRM', 'FACT_CHALLENGE', 'FACT_REJECT', 'DECISION_SHARE'])

class Node implements MeshNode {
  readonly identity: KeyPairIdentity
  readonly agentId: string
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly registry: PeerRegistry
  readonly linkState: LinkStateService
  readonly knowledge: KnowledgeService
  readonly #trustMesh: TrustMeshService
  readonly #parts: NodeParts
  readonly #handshake: HandshakeService
  readonly #router: MeshRouter
  readonly #routedHandshake: RoutedHandshakeService
  readonly #services = new Map<string, ServiceHandler>()
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
    this.#handshake = new HandshakeService({
      ...common,
      author,
      sender: parts.transport,
      peers: parts.registry,
      localState: { current: () => ({ ...parts.state }) },
      onHandshaken: (link) => { this.linkState.onNeighbourChange(link, true) }
    }, parts.handshake)
    this.linkState = new LinkStateService({
      ...common,
      identity: parts.identity,
      agentId: parts.agentId,
      sender: parts.transport,
      sequences: parts.sequences,
      trustOf: (fingerprint) => parts.registry.trustOf(fingerprint),
      neighbours: () => this.#handshake.handshakenPeers().map((link) => ({ link, rttMs: parts.supervisor.rttOf(link.peerId)?.smoothedMs })),
      addresses: () => parts.transport.listenAddresses(),
      onAccepted: (lsa) => { this.#trustMesh.onLsa(lsa) }
    }, parts.linkState)
    this.#router = new MeshRouter({
      ...common,
      author,
      sender: parts.transport,
      linkState: this.linkState,
      trustOf: (fingerprint) => parts.registry.trustOf(fingerprint),
      links: () => this.#handshake.handshakenPeers(),
      replay: this.#replay
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
      spreadEvidence: (payload) => { this.#router.broadcast({ type: 'MESH_EVIDENCE', payload }) }
    })
    this.#router.handle('MESH_EVIDENCE', (carrier) => {
      this.#trustMesh.onEvidence(carrier.payload as EvidencePayload)
      return undefined
    })
    this.#router.handle('MESH_HELLO', this.#routedHandshake.onMeshHello)
    this.#router.handle('SERVICE_INVOKE', async (carrier) => await this.#invoke(carrier))
    const deliver: DeliveryHandler = (carrier, from) => {
      this.#notify({ carrier, from })
      return undefined
    }
    this.knowledge = new KnowledgeService({
      ...common,
      self: parts.identity.fingerprint,
      store: parts.claimStore,
      broadcast: async (type, payload) => {
        const body = buildBodyEnvelope(author, { type, payload, receiver: { agent_id: '*', fingerprint: '*' } }, { nowMs: parts.clock.now() })
        this.#router.broadcast({ type, payload: { body } })
        return await Promise.resolve(body)
      },
      trustOf: (fingerprint) => parts.registry.trustOf(fingerprint),
      isPinned: (fingerprint) => parts.registry.get(fingerprint)?.isPinned === true,
      isOverloaded: () => parts.state.presence === 'overloaded',
      onOutcome: (outcome) => { this.#onKnowledgeOutcome(outcome) }
    }, parts.knowledge)
    const toKnowledge: DeliveryHandler = (carrier, from) => {
      this.knowledge.accept((carrier.payload as { body: BodyEnvelope }).body)
      this.#notify({ carrier, from })
      return undefined
    }
    for (const type of BODY_TYPES) this.#router.handle(type, KNOWLEDGE_TYPES.has(type) ? toKnowledge : deliver)
    // Trust changed: every claim is decided again with the new views (SPEC §7, issue #5).
    let isTickScheduled = false
    parts.events.subscribe((event) => {
      if (event.event_type !== 'trust_transition' || isTickScheduled) return
      isTickScheduled = true
      setImmediate(() => {
        isTickScheduled = false
        this.knowledge.tick()
      })
    })
    this.linkState.onChange(() => { this.#routedHandshake.scan(this.linkState.lsas()) })
  }

  async start (): Promise<void> {
    if (this.#state !== 'new') throw new Error(`Cannot start mesh node: it is ${this.#state}`)
    this.#state = 'started'
    const { clock, transport, supervisor, registry } = this.#parts
    const replay = this.#replay
    const handlers = new Map<string, DirectHandler>([
      ['HELLO', this.#handshake.onHello],
      ['STATE_UPDATE', this.#handshake.onStateUpdate],
      ['INTENT', this.#handshake.onIntent]
    ])
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
        registry.markSeen(link.fingerprint, clock.now())
        if (channel === 'mesh') this.#onMeshFrame(link, body)
        else intake.accept(link, channel, body)
      },
      onBadFrame: (link, channel, error) => {
        this.metrics.increment('web4_bad_input_total', { channel, error: reportError(error).metricLabel })
        this.events.emit('transport_error', link.fingerprint, { channel, reason: (error as { reason?: string }).reason ?? 'bad_frame', message: error.message })
      }
    })
    this.linkState.start()
    for (const address of this.#parts.dialTargets) supervisor.addDialTarget(address)
    this.#housekeeping = setInterval(() => { this.#houseKeep() }, HOUSEKEEPING_INTERVAL_MS)
    this.#housekeeping.unref()
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
      this.#replay.flush()
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
    const destination = resolveDestination(to, this.#knownNodes())
    const nowMs = this.#parts.clock.now()
    const author = { identity: this.identity, agentId: this.agentId }
    const receiver = { agent_id: this.#knownNodes().find((node) => node.fingerprint === destination)?.agentId ?? '', fingerprint: destination }
    if (type === 'SERVICE_INVOKE') {
      return await this.#router.send(destination, { type, payload: payload as MeshEnvelope['payload'] }, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs })
    }
    const body = buildBodyEnvelope(author, { type, payload, receiver }, { ...options, nowMs })
    return await this.#router.send(destination, { type, payload: { body }, body }, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs })
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
    } catch (err) {
      this.metrics.increment('web4_bad_input_total', { channel: 'ingest', error: reportError(err).metricLabel })
      this.events.emit('envelope_rejected', null, { channel: 'ingest', error: isWeb4Error(err) ? err.name : 'Error', reason: isWeb4Error(err) ? err.reason : 'internal' })
      throw err
    }
    if (KNOWLEDGE_TYPES.has(envelope.type)) this.knowledge.accept(envelope)
  }

  setPresence (presence: Presence, lri?: number): void {
    this.#parts.state.presence = presence
    if (lri !== undefined) this.#parts.state.lri = lri
    if (presence !== 'overloaded') this.knowledge.flush()
  }

  /** Knowledge outcomes move trust through the trust mesh (SPEC §15.6–§15.7). */
  #onKnowledgeOutcome (outcome: KnowledgeOutcome): void {
    this.#trustMesh.onKnowledgeOutcome(outcome)
  }

  routes (): ReturnType<LinkStateService['routes']> {
    return this.linkState.routes()
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

  async #invoke (carrier: MeshEnvelope): Promise<JsonValue> {
    const { service, version, input } = carrier.payload as { service: string, version: string, input: JsonValue }
    const handler = this.#services.get(`${service}@${version}`)
    if (handler === undefined) throw new InvalidEnvelopeError(`Cannot invoke "${service}@${version}": no such service on this node`, { reason: 'unknown_service' })
    return await handler(input, carrier.origin)
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
