/**
 * HCP HCP_DECISION (SPEC §4, §8): a decision of the human, which must carry a rationale
 * and alternatives (SPEC §8): one without is refused with `PayloadSchemaError` (its state
 * block still applies). It goes to the HCP service, which updates the human's session.
 */
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HCP_DECISION handler needs. */
export interface HcpDecisionHandlerComponents {
  /** The HCP service's intake (`HcpService.onEnvelope`). */
  onHcpEnvelope: (envelope: HcpEnvelope<'HCP_DECISION'>) => void
}

/** Creates the HCP HCP_DECISION handler. */
export function createHcpDecisionHandler (components: HcpDecisionHandlerComponents): SyncProtocolHandler<HcpEnvelope<'HCP_DECISION'>> {
  return (envelope) => {
    components.onHcpEnvelope(envelope)
    return undefined
  }
}
