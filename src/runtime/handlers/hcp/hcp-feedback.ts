/**
 * HCP HCP_FEEDBACK (SPEC §4, §8): feedback, corrections and satisfaction; validating
 * streaks earn HCP social trust, correcting streaks lose it. It goes to the HCP service,
 * which updates the human's session.
 */
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HCP_FEEDBACK handler needs. */
export interface HcpFeedbackHandlerComponents {
  /** The HCP service's intake (`HcpService.onEnvelope`). */
  onHcpEnvelope: (envelope: HcpEnvelope<'HCP_FEEDBACK'>) => void
}

/** Creates the HCP HCP_FEEDBACK handler. */
export function createHcpFeedbackHandler (components: HcpFeedbackHandlerComponents): SyncProtocolHandler<HcpEnvelope<'HCP_FEEDBACK'>> {
  return (envelope) => {
    components.onHcpEnvelope(envelope)
    return undefined
  }
}
