/**
 * What a mesh node is to the code that embeds it: the options `createMeshNode` takes,
 * the {@link MeshNode} surface, and the views it returns (DESIGN §3).
 */
import type { Clock } from '../config/clock.ts'
import type { LinkStateService, LinkStateServiceInit } from '../mesh/link-state/link-state-service.ts'
import type { PeerRegistry, PeerRow } from '../mesh/peers/index.ts'
import type { RoutedHandshakeInit } from '../mesh/routed-handshake/routed-handshake.ts'
import type { DeliveryReceipt, MeshRouterInit } from '../mesh/router/mesh-router.ts'
import type { MeshRttEntry } from '../mesh/rtt/index.ts'
import type { BodyOptions } from '../mesh/envelope.ts'
import type { EventLog } from '../observability/event-log.ts'
import type { Logger } from '../observability/logger.ts'
import type { CountingMetrics } from '../observability/metrics.ts'
import type { BodyType, MeshEnvelope, Presence } from '../protocol/envelope/types.ts'
import type { KeyPairIdentity } from '../protocol/identity/index.ts'
import type { AgentLoop } from '../runtime/agent-loop/index.ts'
import type { ServiceHandler } from '../runtime/handlers/index.ts'
import type { HandshakeServiceInit } from '../runtime/handshake/handshake-service.ts'
import type { HcpService, HcpServiceInit } from '../runtime/hcp/hcp-service.ts'
import type { KnowledgeService, KnowledgeServiceInit } from '../runtime/knowledge/knowledge-service.ts'
import type { LipService, LipServiceInit } from '../runtime/lip/lip-service.ts'
import type { ChannelName } from '../transport/channels.ts'
import type { LinkSupervisorInit } from '../transport/link-supervisor.ts'
import type { LinkTransport } from '../transport/link-transport.ts'
import type { RttSummary } from '../transport/rtt-summary.ts'

export type { ServiceHandler } from '../runtime/handlers/index.ts'

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
  /** Human sessions (HCP): cap and pacing. */
  hcp?: HcpServiceInit
  /** Liminal evidence (LIP): source tiers by host pattern, queue bounds. */
  lip?: LipServiceInit
}

/** What `send()` takes besides the destination. */
export interface SendOptions extends BodyOptions {
  /** How long to wait for the receipt. @default RECEIPT_TIMEOUT_MS (10 s) */
  timeoutMs?: number
  /**
   * The send acts for a human (SPEC §8): it goes out only if that human's HCP session
   * allows the act on `topic` (or inside the consent scope, `scopeItem`) now.
   */
  onBehalfOf?: { human: string, topic: string } | { human: string, scopeItem: string }
}

/** A delivered message, as the node hands it to its listeners. */
export interface DeliveredMessage {
  carrier: MeshEnvelope
  /** Fingerprint of the origin. */
  from: string
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
  /**
   * Routes one envelope of `type` to `to` (a fingerprint or an agent id) over the mesh
   * and resolves with its signed receipt.
   *
   * @throws {NoRouteError} unknown or ambiguous destination, or no path
   * @throws {DeliveryTimeoutError} no receipt in time
   * @throws {PayloadSchemaError} the payload does not match its type
   * @throws {TrustViolationError} `onBehalfOf` a human whose consent refuses the act, or who must be checked in with first
   * @throws {BackpressureError} `onBehalfOf` a human under high pressure or low clarity (pacing defers)
   */
  send: (to: string, type: BodyType | 'SERVICE_INVOKE', payload: unknown, options?: SendOptions) => Promise<DeliveryReceipt>
  /** Registers a SERVICE_INVOKE handler for `service`@`version`. */
  registerService: (service: string, version: string, handler: ServiceHandler) => void
  /** Calls `listener` for every CIP / HCP / LIP envelope the mesh delivers to this node and its handler took. */
  onMessage: (listener: (message: DeliveredMessage) => void) => () => void
  /** Routes, for `/v1/routes` and `inspect`. */
  routes: () => ReturnType<LinkStateService['routes']>
  /** Round trips to every destination routed to: link heartbeat, advertised path cost, measured send → receipt (`/v1/routes`). */
  meshRtt: () => MeshRttEntry[]
  /** Bytes waiting in the send queues of `channel`, summed over every link (the `web4_transport_queue_bytes` gauge). */
  queuedBytes: (channel: ChannelName) => number
  /** The link-state database, for `topology`. */
  readonly linkState: LinkStateService
  /** Knowledge claims: propose, confirm, challenge, list (SPEC §7). */
  readonly knowledge: KnowledgeService
  /** Human sessions (HCP, SPEC §3): each human's state and whether this agent may act for them. */
  readonly hcp: HcpService
  /** Liminal evidence (LIP, SPEC §3): the queue of external evidence and its statuses. */
  readonly lip: LipService
  /** The application surface: events, presence and intent (SPEC §1 levels 2–3). */
  readonly agentLoop: AgentLoop
  /**
   * Takes one CIP / HCP / LIP envelope as if the mesh had delivered it end to end
   * (simulations such as TrustBench, bridges from other transports): schema, fingerprint,
   * freshness, signature (verified once per deeply frozen object, TRUSTBENCH §2) and
   * replay are checked as for a delivery, then the ProtocolRouter hands it to its type's handler.
   *
   * @throws the typed error of a refusal (also counted and emitted as `envelope_rejected`)
   */
  ingest: (envelope: unknown) => void
  /**
   * Sets this node's presence and LRI and announces them to the mesh (STATE_UPDATE);
   * `overloaded` defers knowledge intake (SPEC §7 rule 5), leaving it releases the queue.
   *
   * @throws {RangeError} an unknown presence or an LRI outside 0..100
   */
  setPresence: (presence: Presence, lri?: number) => void
  readonly events: EventLog
  readonly metrics: CountingMetrics
  readonly registry: PeerRegistry
}
