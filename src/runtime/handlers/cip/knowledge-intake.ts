/**
 * What the five knowledge handlers share (SPEC §7, §10 "CIP.FACT_PROPOSE → knowledge
 * exchange"): the envelope goes to the knowledge service, which decides it — or, while
 * this node is overloaded, holds it in its bounded queue (SPEC §7 rule 5), which the
 * AgentLoop reports as `intake_deferred`.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { IntakeDeferredNotice } from '../../agent-loop/index.ts'
import type { DispatchContext, HandlerResult } from '../../protocol-router/index.ts'

/** The CIP types that carry knowledge. */
export type KnowledgeType = 'FACT_PROPOSE' | 'FACT_CHALLENGE' | 'FACT_CONFIRM' | 'FACT_REJECT' | 'DECISION_SHARE'

/** What a knowledge handler needs. */
export interface KnowledgeHandlerComponents {
  /** The knowledge service's intake (`KnowledgeService.accept`); it queues while overloaded and throws `BackpressureError` when full. */
  acceptKnowledge: (envelope: CipEnvelope<KnowledgeType>) => void
  /** True while this node's presence is `overloaded`. */
  isOverloaded: () => boolean
  /** Reports held-back input (`AgentLoopHub.deferIntake`). */
  deferIntake: (notice: IntakeDeferredNotice) => void
}

/** Hands a knowledge envelope to the knowledge service and reports it when it was held back. */
export function takeKnowledge (components: KnowledgeHandlerComponents, envelope: CipEnvelope<KnowledgeType>, context: DispatchContext): HandlerResult {
  const isDeferred = components.isOverloaded()
  components.acceptKnowledge(envelope)
  if (isDeferred) {
    components.deferIntake(Object.freeze({ from: envelope.sender.fingerprint, via: context.via, msgId: envelope.msg_id, type: envelope.type, reason: 'local_overloaded' }))
  }
  return undefined
}
