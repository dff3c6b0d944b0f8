/**
 * The node's application layer (SPEC §1 levels 2–3, §10): the AgentLoop, the HCP and
 * LIP services, and the ProtocolRouter with one handler per message type, wired to the
 * parts the node already has. Every envelope that reaches this node — over a direct
 * link, delivered by the mesh, or ingested — goes through the one router.
 */
import type { Clock } from '../config/clock.ts'
import type { PeerRegistry } from '../mesh/peers/index.ts'
import type { RoutedHandshakeService } from '../mesh/routed-handshake/routed-handshake.ts'
import type { TrustMeshService } from '../mesh/trust-mesh/trust-mesh-service.ts'
import type { EventLog } from '../observability/event-log.ts'
import type { Logger } from '../observability/logger.ts'
import type { CountingMetrics } from '../observability/metrics.ts'
import type { Envelope, IntentPayload, MeshEnvelope, Presence, StateBlock } from '../protocol/envelope/types.ts'
import { createAgentLoop } from '../runtime/agent-loop/index.ts'
import type { AgentLoopHub } from '../runtime/agent-loop/index.ts'
import { createHandlerTable } from '../runtime/handlers/index.ts'
import type { ServiceHandler } from '../runtime/handlers/index.ts'
import type { HandshakeService } from '../runtime/handshake/handshake-service.ts'
import { HcpService } from '../runtime/hcp/hcp-service.ts'
import type { HcpServiceInit } from '../runtime/hcp/hcp-service.ts'
import type { KnowledgeService } from '../runtime/knowledge/knowledge-service.ts'
import { LipService } from '../runtime/lip/lip-service.ts'
import type { LipServiceInit } from '../runtime/lip/lip-service.ts'
import { createProtocolRouter } from '../runtime/protocol-router/index.ts'
import type { ProtocolRouter } from '../runtime/protocol-router/index.ts'
import { watchReturningNodes } from './returning-nodes.ts'

/** What the application layer is built from. */
export interface ApplicationComponents {
  self: string
  clock: Clock
  logger: Logger
  metrics: CountingMetrics
  events: EventLog
  registry: PeerRegistry
  handshake: HandshakeService
  routedHandshake: RoutedHandshakeService
  knowledge: KnowledgeService
  trustMesh: TrustMeshService
  services: ReadonlyMap<string, ServiceHandler>
  /** This node's own state, as announced. */
  localState: () => StateBlock
  /** Sets presence and LRI and announces them (the node's). */
  setPresence: (presence: Presence, lri: number) => void
  /** Spreads a validated INTENT (the node's). */
  declareIntent: (intent: IntentPayload) => void
  /** Told of every CIP / HCP / LIP envelope the mesh delivered and its handler took. */
  onDelivered: (carrier: MeshEnvelope, from: string) => void
}

/** The built layer. */
export interface Application {
  agentLoop: AgentLoopHub
  hcp: HcpService
  lip: LipService
  protocolRouter: ProtocolRouter
}

/** Builds the AgentLoop, the HCP and LIP services and the ProtocolRouter over them. */
export function createApplication (components: ApplicationComponents, init: { hcp?: HcpServiceInit, lip?: LipServiceInit } = {}): Application {
  const { clock, logger, metrics, events, registry } = components
  const agentLoop = createAgentLoop({
    logger, metrics, events, localState: components.localState, setPresence: components.setPresence, declareIntent: components.declareIntent
  })
  const hcp = new HcpService({ clock, events, logger, metrics, onState: (notice) => { agentLoop.emit('hcp_state', notice) } }, init.hcp)
  const lip = new LipService({
    self: components.self,
    trustOf: (fingerprint) => registry.trustOf(fingerprint),
    isOverloaded: () => agentLoop.isOverloaded(),
    clock,
    events,
    logger,
    metrics,
    onStatus: (notice) => { agentLoop.emit('lip_status', notice) },
    onFetch: (notice) => { agentLoop.emit('lip_fetch', notice) }
  }, init.lip)
  const table = createHandlerTable({
    onDirectHello: components.handshake.onHello,
    onDirectStateUpdate: components.handshake.onStateUpdate,
    recordState: (fingerprint, state, atMs) => { registry.recordState(fingerprint, state, atMs) },
    now: () => clock.now(),
    events,
    notifyStateUpdate: (notice) => { agentLoop.emit('state_update', notice) },
    notifyIntent: (notice) => { agentLoop.emit('intent', notice) },
    isOverloaded: () => agentLoop.isOverloaded(),
    acceptKnowledge: (envelope) => { components.knowledge.accept(envelope) },
    deferIntake: (notice) => { agentLoop.deferIntake(notice) },
    onHcpEnvelope: (envelope) => { hcp.onEnvelope(envelope) },
    onLipEnvelope: (envelope) => { lip.onEnvelope(envelope) },
    onMeshHello: components.routedHandshake.onMeshHello,
    findService: (service, version) => components.services.get(`${service}@${version}`),
    // The MeshRouter settles receipts itself; one that reaches a handler answers nothing.
    onReceipt: () => {},
    onEvidence: (payload) => { components.trustMesh.onEvidence(payload) }
  })
  const protocolRouter = createProtocolRouter({
    logger,
    metrics,
    clock,
    onDispatched: (envelope: Envelope, context) => {
      agentLoop.emit('envelope', { envelope, from: context.from, via: context.via })
      if (context.via === 'mesh' && context.carrier !== undefined && context.carrier !== envelope) components.onDelivered(context.carrier, context.from)
    }
  }, table)
  // Trust changed: claims and evidence are decided again with the new views (SPEC §7, §15.13).
  let isScheduled = false
  events.subscribe((event) => {
    agentLoop.onMeshEvent(event)
    if (event.event_type !== 'trust_transition' || isScheduled) return
    isScheduled = true
    setImmediate(() => {
      isScheduled = false
      components.knowledge.tick()
      lip.reevaluate()
    })
  })
  // A node that was cut off or down missed the floods: say again what this node said (knowledge only lives in floods).
  watchReturningNodes(events, () => {
    components.knowledge.reannounce().then((sent) => {
      if (sent > 0) logger.info({ sent }, 'claims sent again to nodes that came back')
    }, (err: unknown) => { logger.warn({ err: (err as Error).message }, 'claims not sent again') })
  })
  return { agentLoop, hcp, lip, protocolRouter }
}
