/**
 * CIP FACT_CHALLENGE (SPEC §4, §7): a challenge of a claim. It goes to the knowledge
 * service.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { takeKnowledge } from './knowledge-intake.ts'
import type { KnowledgeHandlerComponents } from './knowledge-intake.ts'

/** What the FACT_CHALLENGE handler needs. */
export type FactChallengeHandlerComponents = KnowledgeHandlerComponents

/** Creates the CIP FACT_CHALLENGE handler. */
export function createFactChallengeHandler (components: FactChallengeHandlerComponents): SyncProtocolHandler<CipEnvelope<'FACT_CHALLENGE'>> {
  return (envelope, context) => takeKnowledge(components, envelope, context)
}
