/**
 * One handler per message type (SPEC §10, STYLE §11), each in its own file under
 * `handlers/<protocol>/<type>.ts` with its own minimal components, and
 * {@link createHandlerTable}, which builds the complete table the ProtocolRouter takes
 * from the union of those components.
 *
 * @example
 * ```ts
 * const router = createProtocolRouter({ logger, metrics }, createHandlerTable({
 *   onDirectHello: handshake.onHello, acceptKnowledge: (envelope) => { knowledge.accept(envelope) }, …
 * }))
 * ```
 */
import type { HandlerTable } from '../protocol-router/index.ts'
import { createDecisionShareHandler } from './cip/decision-share.ts'
import { createFactChallengeHandler } from './cip/fact-challenge.ts'
import { createFactConfirmHandler } from './cip/fact-confirm.ts'
import { createFactProposeHandler } from './cip/fact-propose.ts'
import { createFactRejectHandler } from './cip/fact-reject.ts'
import { createHelloHandler } from './cip/hello.ts'
import type { HelloHandlerComponents } from './cip/hello.ts'
import { createIntentHandler } from './cip/intent.ts'
import type { IntentHandlerComponents } from './cip/intent.ts'
import type { KnowledgeHandlerComponents } from './cip/knowledge-intake.ts'
import { createStateUpdateHandler } from './cip/state-update.ts'
import type { StateUpdateHandlerComponents } from './cip/state-update.ts'
import { createHcpContextHandler } from './hcp/hcp-context.ts'
import type { HcpContextHandlerComponents } from './hcp/hcp-context.ts'
import { createHcpDecisionHandler } from './hcp/hcp-decision.ts'
import type { HcpDecisionHandlerComponents } from './hcp/hcp-decision.ts'
import { createHcpFeedbackHandler } from './hcp/hcp-feedback.ts'
import type { HcpFeedbackHandlerComponents } from './hcp/hcp-feedback.ts'
import { createHcpHelloHandler } from './hcp/hcp-hello.ts'
import type { HcpHelloHandlerComponents } from './hcp/hcp-hello.ts'
import { createHcpIntentHandler } from './hcp/hcp-intent.ts'
import type { HcpIntentHandlerComponents } from './hcp/hcp-intent.ts'
import { createHcpStateUpdateHandler } from './hcp/hcp-state-update.ts'
import type { HcpStateUpdateHandlerComponents } from './hcp/hcp-state-update.ts'
import { createLipAcceptHandler } from './lip/lip-accept.ts'
import type { LipAcceptHandlerComponents } from './lip/lip-accept.ts'
import { createLipConflictHandler } from './lip/lip-conflict.ts'
import type { LipConflictHandlerComponents } from './lip/lip-conflict.ts'
import { createLipEvidenceHandler } from './lip/lip-evidence.ts'
import type { LipEvidenceHandlerComponents } from './lip/lip-evidence.ts'
import { createLipFetchHandler } from './lip/lip-fetch.ts'
import type { LipFetchHandlerComponents } from './lip/lip-fetch.ts'
import { createLipRejectHandler } from './lip/lip-reject.ts'
import type { LipRejectHandlerComponents } from './lip/lip-reject.ts'
import { createMeshEvidenceHandler } from './mesh/mesh-evidence.ts'
import type { MeshEvidenceHandlerComponents } from './mesh/mesh-evidence.ts'
import { createMeshHelloHandler } from './mesh/mesh-hello.ts'
import type { MeshHelloHandlerComponents } from './mesh/mesh-hello.ts'
import { createMeshReceiptHandler } from './mesh/mesh-receipt.ts'
import type { MeshReceiptHandlerComponents } from './mesh/mesh-receipt.ts'
import { createServiceInvokeHandler } from './mesh/service-invoke.ts'
import type { ServiceInvokeHandlerComponents } from './mesh/service-invoke.ts'

export { createDecisionShareHandler } from './cip/decision-share.ts'
export type { DecisionShareHandlerComponents } from './cip/decision-share.ts'
export { createFactChallengeHandler } from './cip/fact-challenge.ts'
export type { FactChallengeHandlerComponents } from './cip/fact-challenge.ts'
export { createFactConfirmHandler } from './cip/fact-confirm.ts'
export type { FactConfirmHandlerComponents } from './cip/fact-confirm.ts'
export { createFactProposeHandler } from './cip/fact-propose.ts'
export type { FactProposeHandlerComponents } from './cip/fact-propose.ts'
export { createFactRejectHandler } from './cip/fact-reject.ts'
export type { FactRejectHandlerComponents } from './cip/fact-reject.ts'
export { createHelloHandler } from './cip/hello.ts'
export type { HelloHandlerComponents } from './cip/hello.ts'
export { createIntentHandler } from './cip/intent.ts'
export type { IntentHandlerComponents } from './cip/intent.ts'
export type { KnowledgeHandlerComponents, KnowledgeType } from './cip/knowledge-intake.ts'
export { createStateUpdateHandler } from './cip/state-update.ts'
export type { StateUpdateHandlerComponents } from './cip/state-update.ts'
export { createHcpContextHandler } from './hcp/hcp-context.ts'
export type { HcpContextHandlerComponents } from './hcp/hcp-context.ts'
export { createHcpDecisionHandler } from './hcp/hcp-decision.ts'
export type { HcpDecisionHandlerComponents } from './hcp/hcp-decision.ts'
export { createHcpFeedbackHandler } from './hcp/hcp-feedback.ts'
export type { HcpFeedbackHandlerComponents } from './hcp/hcp-feedback.ts'
export { createHcpHelloHandler } from './hcp/hcp-hello.ts'
export type { HcpHelloHandlerComponents } from './hcp/hcp-hello.ts'
export { createHcpIntentHandler } from './hcp/hcp-intent.ts'
export type { HcpIntentHandlerComponents } from './hcp/hcp-intent.ts'
export { createHcpStateUpdateHandler } from './hcp/hcp-state-update.ts'
export type { HcpStateUpdateHandlerComponents } from './hcp/hcp-state-update.ts'
export { createLipAcceptHandler } from './lip/lip-accept.ts'
export type { LipAcceptHandlerComponents } from './lip/lip-accept.ts'
export { createLipConflictHandler } from './lip/lip-conflict.ts'
export type { LipConflictHandlerComponents } from './lip/lip-conflict.ts'
export { createLipEvidenceHandler } from './lip/lip-evidence.ts'
export type { LipEvidenceHandlerComponents } from './lip/lip-evidence.ts'
export { createLipFetchHandler } from './lip/lip-fetch.ts'
export type { LipFetchHandlerComponents } from './lip/lip-fetch.ts'
export { createLipRejectHandler } from './lip/lip-reject.ts'
export type { LipRejectHandlerComponents } from './lip/lip-reject.ts'
export { createMeshEvidenceHandler } from './mesh/mesh-evidence.ts'
export type { MeshEvidenceHandlerComponents } from './mesh/mesh-evidence.ts'
export { createMeshHelloHandler } from './mesh/mesh-hello.ts'
export type { MeshHelloHandlerComponents } from './mesh/mesh-hello.ts'
export { createMeshReceiptHandler } from './mesh/mesh-receipt.ts'
export type { MeshReceiptHandlerComponents } from './mesh/mesh-receipt.ts'
export { createServiceInvokeHandler } from './mesh/service-invoke.ts'
export type { ServiceHandler, ServiceInvokeHandlerComponents } from './mesh/service-invoke.ts'

/** Everything the handlers of the table need, together: the union of their components. */
export type HandlerTableComponents =
  & HelloHandlerComponents & StateUpdateHandlerComponents & IntentHandlerComponents & KnowledgeHandlerComponents
  & HcpHelloHandlerComponents & HcpIntentHandlerComponents & HcpContextHandlerComponents & HcpDecisionHandlerComponents
  & HcpFeedbackHandlerComponents & HcpStateUpdateHandlerComponents
  & LipFetchHandlerComponents & LipEvidenceHandlerComponents & LipConflictHandlerComponents & LipAcceptHandlerComponents
  & LipRejectHandlerComponents
  & MeshHelloHandlerComponents & ServiceInvokeHandlerComponents & MeshReceiptHandlerComponents & MeshEvidenceHandlerComponents

/** Builds the complete handler table: one handler per route, each given only what it declares. */
export function createHandlerTable (components: HandlerTableComponents): HandlerTable {
  const { events, isOverloaded, notifyIntent, onHcpEnvelope, onLipEnvelope } = components
  const knowledge: KnowledgeHandlerComponents = { acceptKnowledge: components.acceptKnowledge, isOverloaded, deferIntake: components.deferIntake }
  return {
    'cip.HELLO': createHelloHandler({ onDirectHello: components.onDirectHello }),
    'cip.INTENT': createIntentHandler({ isOverloaded, events, notifyIntent }),
    'cip.FACT_PROPOSE': createFactProposeHandler(knowledge),
    'cip.FACT_CHALLENGE': createFactChallengeHandler(knowledge),
    'cip.FACT_CONFIRM': createFactConfirmHandler(knowledge),
    'cip.FACT_REJECT': createFactRejectHandler(knowledge),
    'cip.DECISION_SHARE': createDecisionShareHandler(knowledge),
    'cip.STATE_UPDATE': createStateUpdateHandler({
      onDirectStateUpdate: components.onDirectStateUpdate, recordState: components.recordState, now: components.now, events,
      notifyStateUpdate: components.notifyStateUpdate
    }),
    'hcp.HCP_HELLO': createHcpHelloHandler({ onHcpEnvelope }),
    'hcp.HCP_INTENT': createHcpIntentHandler({ onHcpEnvelope, notifyIntent }),
    'hcp.HCP_CONTEXT': createHcpContextHandler({ onHcpEnvelope }),
    'hcp.HCP_DECISION': createHcpDecisionHandler({ onHcpEnvelope }),
    'hcp.HCP_FEEDBACK': createHcpFeedbackHandler({ onHcpEnvelope }),
    'hcp.HCP_STATE_UPDATE': createHcpStateUpdateHandler({ onHcpEnvelope }),
    'lip.LIP_FETCH': createLipFetchHandler({ onLipEnvelope }),
    'lip.LIP_EVIDENCE': createLipEvidenceHandler({ onLipEnvelope }),
    'lip.LIP_CONFLICT': createLipConflictHandler({ onLipEnvelope }),
    'lip.LIP_ACCEPT': createLipAcceptHandler({ onLipEnvelope }),
    'lip.LIP_REJECT': createLipRejectHandler({ onLipEnvelope }),
    'mesh.MESH_HELLO': createMeshHelloHandler({ onMeshHello: components.onMeshHello }),
    'mesh.SERVICE_INVOKE': createServiceInvokeHandler({ findService: components.findService }),
    'mesh.MESH_RECEIPT': createMeshReceiptHandler({ onReceipt: components.onReceipt }),
    'mesh.MESH_EVIDENCE': createMeshEvidenceHandler({ onEvidence: components.onEvidence })
  }
}
