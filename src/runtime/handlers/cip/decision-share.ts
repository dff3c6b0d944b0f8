/**
 * CIP DECISION_SHARE (SPEC §4, §7): a decision and its DMP trace, kept in the decision
 * log. It goes to the knowledge service.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { takeKnowledge } from './knowledge-intake.ts'
import type { KnowledgeHandlerComponents } from './knowledge-intake.ts'

/** What the DECISION_SHARE handler needs. */
export type DecisionShareHandlerComponents = KnowledgeHandlerComponents

/** Creates the CIP DECISION_SHARE handler. */
export function createDecisionShareHandler (components: DecisionShareHandlerComponents): SyncProtocolHandler<CipEnvelope<'DECISION_SHARE'>> {
  return (envelope, context) => takeKnowledge(components, envelope, context)
}
