/**
 * HCP HCP_CONTEXT (SPEC §4, §8): context, constraints and shared history from the human.
 * It goes to the HCP service, which updates the human's session.
 */
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HCP_CONTEXT handler needs. */
export interface HcpContextHandlerComponents {
  /** The HCP service's intake (`HcpService.onEnvelope`). */
  onHcpEnvelope: (envelope: HcpEnvelope<'HCP_CONTEXT'>) => void
}

/** Creates the HCP HCP_CONTEXT handler. */
export function createHcpContextHandler (components: HcpContextHandlerComponents): SyncProtocolHandler<HcpEnvelope<'HCP_CONTEXT'>> {
  return (envelope) => {
    components.onHcpEnvelope(envelope)
    return undefined
  }
}
