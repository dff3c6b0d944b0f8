/**
 * The AgentLoop (SPEC §1, §5, §7 rule 5, §10): the typed surface an application
 * embedding a node uses. It subscribes to what the node receives — any delivered
 * envelope, peers' state updates and intents, claim and evidence statuses, trust
 * changes, human sessions, fetch requests and deferred intake — and drives the node's
 * own presence, LRI and intent through functions the node provides.
 *
 * @example
 * ```ts
 * const unsubscribe = node.agentLoop.on('intent', (notice) => {
 *   if (notice.protocol === 'cip' && notice.decision === 'accepted') plan(notice.goal, notice.topic)
 * })
 * node.agentLoop.setPresence('focused', 40)
 * node.agentLoop.declareIntent({ goal: 'learn', topic: 'boiling points', priority: 'normal', context: 'lab' })
 * ```
 */
import { AgentLoopImpl } from './agent-loop.ts'
import type { AgentLoopComponents, AgentLoopHub } from './agent-loop.ts'

export type { AgentLoop, AgentLoopComponents, AgentLoopHub } from './agent-loop.ts'
export { AGENT_LOOP_EVENTS, isAgentLoopEventName } from './agent-loop-events.ts'
export type {
  AgentLoopEventName, AgentLoopEvents, AgentLoopListener, CipIntentNotice, ClaimStatusNotice, DeliveredEnvelopeNotice,
  HcpIntentNotice, IntakeDeferredNotice, IntentNotice, StateUpdateNotice, TrustChangeNotice, Via
} from './agent-loop-events.ts'
export type { HcpStateNotice } from '../hcp/hcp-service.ts'
export type { LipFetchNotice, LipStatusNotice } from '../lip/lip-service.ts'
export { noticeOfMeshEvent } from './mesh-event-bridge.ts'
export type { BridgedNotice } from './mesh-event-bridge.ts'

/** Creates the AgentLoop hub; give applications its {@link AgentLoop} side. */
export function createAgentLoop (components: AgentLoopComponents): AgentLoopHub {
  return new AgentLoopImpl(components)
}
