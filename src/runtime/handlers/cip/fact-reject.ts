/**
 * CIP FACT_REJECT (SPEC §4, §7): a rejection of a claim, which counts as a challenge (SPEC
 * §15.12). It goes to the knowledge service.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { takeKnowledge } from './knowledge-intake.ts'
import type { KnowledgeHandlerComponents } from './knowledge-intake.ts'

/** What the FACT_REJECT handler needs. */
export type FactRejectHandlerComponents = KnowledgeHandlerComponents

/** Creates the CIP FACT_REJECT handler. */
export function createFactRejectHandler (components: FactRejectHandlerComponents): SyncProtocolHandler<CipEnvelope<'FACT_REJECT'>> {
  return (envelope, context) => takeKnowledge(components, envelope, context)
}
