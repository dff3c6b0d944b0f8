/**
 * LIP LIP_ACCEPT (SPEC §4, §7): a peer verified queued evidence; it and the peers it lists
 * corroborate.
 */
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the LIP_ACCEPT handler needs. */
export interface LipAcceptHandlerComponents {
  /** The LIP service's intake (`LipService.onEnvelope`). */
  onLipEnvelope: (envelope: LipEnvelope<'LIP_ACCEPT'>) => void
}

/** Creates the LIP LIP_ACCEPT handler. */
export function createLipAcceptHandler (components: LipAcceptHandlerComponents): SyncProtocolHandler<LipEnvelope<'LIP_ACCEPT'>> {
  return (envelope) => {
    components.onLipEnvelope(envelope)
    return undefined
  }
}
