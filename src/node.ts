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
import { createPeerRegistry } from './mesh/peers/index.ts'
import type { PeerRegistry, PeerRow } from './mesh/peers/index.ts'
import { createEventLog } from './observability/event-log.ts'
import type { EventLog } from './observability/event-log.ts'
import type { Logger } from './observability/logger.ts'
import { SILENT_LOGGER } from './observability/logger.ts'
import { createCountingMetrics } from './observability/metrics.ts'
import type { CountingMetrics } from './observability/metrics.ts'
import type { Presence, StateBlock } from './protocol/envelope/types.ts'
import { reportError } from './protocol/errors.ts'
import type { KeyPairIdentity } from './protocol/identity/index.ts'
import { HandshakeService } from './runtime/handshake/handshake-service.ts'
import type { HandshakeServiceInit } from './runtime/handshake/handshake-service.ts'
import { DirectIntake } from './runtime/intake/direct-intake.ts'
import type { DirectHandler } from './runtime/intake/direct-intake.ts'
import { createPersistentReplayCache } from './runtime/persistent-replay-cache.ts'
import type { ReplayStore } from './runtime/replay-store.ts'
import { createMemoryPeerStore, createMemoryReplayStore, createSqlitePeerStore, createSqliteReplayStore, openDatabase } from './store/index.ts'
import type { MeshDatabase } from './store/index.ts'
import { createLibp2pLinkTransport } from './transport/libp2p/libp2p-link-transport.ts'
import { createLinkSupervisor } from './transport/link-supervisor.ts'
import type { LinkSupervisor, LinkSupervisorInit } from './transport/link-supervisor.ts'
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
}

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
    identity, agentId, clock, logger, metrics, events, registry, transport, supervisor, database, replayStore,
    dialTargets: [...(dataDir?.config.peers ?? []), ...(options.peers ?? [])],
    state: { presence: options.presence ?? 'engaged', lri: options.lri ?? 50, kernel_signals: [], intent: 'mesh' },
    handshake: options.handshake ?? {}
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
  dialTargets: string[]
  state: StateBlock
  handshake: HandshakeServiceInit
}

class Node implements MeshNode {
  readonly identity: KeyPairIdentity
  readonly agentId: string
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly registry: PeerRegistry
  readonly #parts: NodeParts
  readonly #handshake: HandshakeService
  #housekeeping: NodeJS.Timeout | undefined
  #state: 'new' | 'started' | 'stopped' = 'new'

  constructor (parts: NodeParts) {
    this.#parts = parts
    this.identity = parts.identity
    this.agentId = parts.agentId
    this.events = parts.events
    this.metrics = parts.metrics
    this.registry = parts.registry
    this.#handshake = new HandshakeService({
      author: { identity: parts.identity, agentId: parts.agentId },
      sender: parts.transport,
      peers: parts.registry,
      localState: { current: () => ({ ...parts.state }) },
      clock: parts.clock,
      events: parts.events,
      logger: parts.logger,
      metrics: parts.metrics
    }, parts.handshake)
  }

  async start (): Promise<void> {
    if (this.#state !== 'new') throw new Error(`Cannot start mesh node: it is ${this.#state}`)
    this.#state = 'started'
    const { clock, transport, supervisor, registry } = this.#parts
    const replay = createPersistentReplayCache(this.#parts.replayStore, clock.now())
    const handlers = new Map<string, DirectHandler>([
      ['HELLO', this.#handshake.onHello],
      ['STATE_UPDATE', this.#handshake.onStateUpdate],
      ['INTENT', this.#handshake.onIntent]
    ])
    const intake = new DirectIntake({
      peers: registry, replay, sender: transport, clock, events: this.events, logger: this.#parts.logger, metrics: this.metrics, handlers,
      isHandshaken: (link) => this.#handshake.isHandshaken(link),
      onPreHandshakeRefusal: (link, error) => { this.#handshake.onPreHandshakeRefusal(link, error) }
    })
    await supervisor.start({
      onLinkOpen: (link) => { this.#handshake.onLinkOpen(link) },
      onLinkClose: (link) => {
        this.#handshake.onLinkClose(link)
        intake.forget(link)
      },
      onFrame: (link, channel, body) => {
        registry.markSeen(link.fingerprint, clock.now())
        intake.accept(link, channel, body)
      },
      onBadFrame: (link, channel, error) => {
        this.metrics.increment('web4_bad_input_total', { channel, error: reportError(error).metricLabel })
        this.events.emit('transport_error', link.fingerprint, { channel, reason: (error as { reason?: string }).reason ?? 'bad_frame', message: error.message })
      }
    })
    for (const address of this.#parts.dialTargets) supervisor.addDialTarget(address)
    this.#housekeeping = setInterval(() => { this.#houseKeep() }, HOUSEKEEPING_INTERVAL_MS)
    this.#housekeeping.unref()
  }

  async stop (): Promise<void> {
    if (this.#state === 'stopped') return
    const wasStarted = this.#state === 'started'
    this.#state = 'stopped'
    clearInterval(this.#housekeeping)
    this.#handshake.stop()
    if (wasStarted) {
      this.#houseKeep()
      await this.#parts.supervisor.stop()
    }
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
        isHandshaken: handshaken.has(row.fingerprint),
        liveRtt: link === undefined ? null : this.#parts.supervisor.rttOf(link.peerId) ?? null
      }
    })
  }

  connect (address: string): void {
    this.#parts.supervisor.addDialTarget(address)
  }

  /** Copies live RTT into the registry and prunes expired replay entries. */
  #houseKeep (): void {
    const nowMs = this.#parts.clock.now()
    for (const link of this.#parts.transport.links()) {
      const rtt = this.#parts.supervisor.rttOf(link.peerId)
      if (rtt !== undefined && this.#parts.registry.get(link.fingerprint) !== undefined) this.#parts.registry.recordRtt(link.fingerprint, rtt, nowMs)
    }
    this.#parts.replayStore.prune(nowMs)
  }
}
