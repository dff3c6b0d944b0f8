/**
 * HCP HCP_STATE_UPDATE (SPEC §4, §8): the human's presence, affect, clarity, pressure and
 * consent. It goes to the HCP service, which updates the human's session.
 */
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HCP_STATE_UPDATE handler needs. */
export interface HcpStateUpdateHandlerComponents {
  /** The HCP service's intake (`HcpService.onEnvelope`). */
  onHcpEnvelope: (envelope: HcpEnvelope<'HCP_STATE_UPDATE'>) => void
}

/** Creates the HCP HCP_STATE_UPDATE handler. */
export function createHcpStateUpdateHandler (components: HcpStateUpdateHandlerComponents): SyncProtocolHandler<HcpEnvelope<'HCP_STATE_UPDATE'>> {
  return (envelope) => {
    components.onHcpEnvelope(envelope)
    return undefined
  }
}
