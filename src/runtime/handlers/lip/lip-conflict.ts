/**
 * LIP LIP_CONFLICT (SPEC §4, §7): an objection to queued evidence; a trusted peer's
 * conflict makes it disputed.
 */
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the LIP_CONFLICT handler needs. */
export interface LipConflictHandlerComponents {
  /** The LIP service's intake (`LipService.onEnvelope`). */
  onLipEnvelope: (envelope: LipEnvelope<'LIP_CONFLICT'>) => void
}

/** Creates the LIP LIP_CONFLICT handler. */
export function createLipConflictHandler (components: LipConflictHandlerComponents): SyncProtocolHandler<LipEnvelope<'LIP_CONFLICT'>> {
  return (envelope) => {
    components.onLipEnvelope(envelope)
    return undefined
  }
}
