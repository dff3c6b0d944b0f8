/**
 * LIP LIP_FETCH (SPEC §4, §7): a peer asks for evidence on a query; the LIP service hands
 * the request to the application (the AgentLoop's `lip_fetch`).
 */
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the LIP_FETCH handler needs. */
export interface LipFetchHandlerComponents {
  /** The LIP service's intake (`LipService.onEnvelope`). */
  onLipEnvelope: (envelope: LipEnvelope<'LIP_FETCH'>) => void
}

/** Creates the LIP LIP_FETCH handler. */
export function createLipFetchHandler (components: LipFetchHandlerComponents): SyncProtocolHandler<LipEnvelope<'LIP_FETCH'>> {
  return (envelope) => {
    components.onLipEnvelope(envelope)
    return undefined
  }
}
