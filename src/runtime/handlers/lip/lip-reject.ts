/**
 * LIP LIP_REJECT (SPEC §4, §7): a peer refutes queued evidence; it counts as a conflict.
 */
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the LIP_REJECT handler needs. */
export interface LipRejectHandlerComponents {
  /** The LIP service's intake (`LipService.onEnvelope`). */
  onLipEnvelope: (envelope: LipEnvelope<'LIP_REJECT'>) => void
}

/** Creates the LIP LIP_REJECT handler. */
export function createLipRejectHandler (components: LipRejectHandlerComponents): SyncProtocolHandler<LipEnvelope<'LIP_REJECT'>> {
  return (envelope) => {
    components.onLipEnvelope(envelope)
    return undefined
  }
}
