/**
 * CIP FACT_CONFIRM (SPEC §4, §7): a confirmation of a claim. It goes to the knowledge
 * service.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { takeKnowledge } from './knowledge-intake.ts'
import type { KnowledgeHandlerComponents } from './knowledge-intake.ts'

/** What the FACT_CONFIRM handler needs. */
export type FactConfirmHandlerComponents = KnowledgeHandlerComponents

/** Creates the CIP FACT_CONFIRM handler. */
export function createFactConfirmHandler (components: FactConfirmHandlerComponents): SyncProtocolHandler<CipEnvelope<'FACT_CONFIRM'>> {
  return (envelope, context) => takeKnowledge(components, envelope, context)
}
