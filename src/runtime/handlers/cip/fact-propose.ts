/**
 * CIP FACT_PROPOSE (SPEC §4, §7): a claim, decided by deferred acceptance. It goes to the
 * knowledge service.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { takeKnowledge } from './knowledge-intake.ts'
import type { KnowledgeHandlerComponents } from './knowledge-intake.ts'

/** What the FACT_PROPOSE handler needs. */
export type FactProposeHandlerComponents = KnowledgeHandlerComponents

/** Creates the CIP FACT_PROPOSE handler. */
export function createFactProposeHandler (components: FactProposeHandlerComponents): SyncProtocolHandler<CipEnvelope<'FACT_PROPOSE'>> {
  return (envelope, context) => takeKnowledge(components, envelope, context)
}
