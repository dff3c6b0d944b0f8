/**
 * HCP HCP_HELLO (SPEC §4, §8): the human's identity, consent scope and safety flags; opens
 * a probing conversation (HCP social trust). It goes to the HCP service, which updates the
 * human's session.
 */
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HCP_HELLO handler needs. */
export interface HcpHelloHandlerComponents {
  /** The HCP service's intake (`HcpService.onEnvelope`). */
  onHcpEnvelope: (envelope: HcpEnvelope<'HCP_HELLO'>) => void
}

/** Creates the HCP HCP_HELLO handler. */
export function createHcpHelloHandler (components: HcpHelloHandlerComponents): SyncProtocolHandler<HcpEnvelope<'HCP_HELLO'>> {
  return (envelope) => {
    components.onHcpEnvelope(envelope)
    return undefined
  }
}
