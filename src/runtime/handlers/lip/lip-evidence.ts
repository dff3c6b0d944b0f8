/**
 * LIP LIP_EVIDENCE (SPEC §4, §7): internet evidence (SPEC §10 "LIP.EVIDENCE → knowledge
 * exchange"); the LIP service queues it in the liminal queue and decides it.
 */
import type { LipEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the LIP_EVIDENCE handler needs. */
export interface LipEvidenceHandlerComponents {
  /** The LIP service's intake (`LipService.onEnvelope`). */
  onLipEnvelope: (envelope: LipEnvelope<'LIP_EVIDENCE'>) => void
}

/** Creates the LIP LIP_EVIDENCE handler. */
export function createLipEvidenceHandler (components: LipEvidenceHandlerComponents): SyncProtocolHandler<LipEnvelope<'LIP_EVIDENCE'>> {
  return (envelope) => {
    components.onLipEnvelope(envelope)
    return undefined
  }
}
