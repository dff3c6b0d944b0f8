/**
 * HCP HCP_INTENT (SPEC §4, §10 "HCP.INTENT → AgentLoop"): the human's goal. The HCP
 * service records it in the human's session (an explicit answer confirms a pending
 * check-in), then the AgentLoop hears of it as an `intent`.
 */
import type { HcpEnvelope } from '../../../protocol/envelope/types.ts'
import type { HcpIntentNotice } from '../../agent-loop/index.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HCP_INTENT handler needs. */
export interface HcpIntentHandlerComponents {
  /** The HCP service's intake (`HcpService.onEnvelope`). */
  onHcpEnvelope: (envelope: HcpEnvelope<'HCP_INTENT'>) => void
  /** Tells the AgentLoop (`intent`). */
  notifyIntent: (notice: HcpIntentNotice) => void
}

/** Creates the HCP HCP_INTENT handler. */
export function createHcpIntentHandler (components: HcpIntentHandlerComponents): SyncProtocolHandler<HcpEnvelope<'HCP_INTENT'>> {
  return (envelope, context) => {
    components.onHcpEnvelope(envelope)
    const { goal, topic, priority } = envelope.payload
    components.notifyIntent(Object.freeze({ protocol: 'hcp', from: envelope.sender.fingerprint, via: context.via, msgId: envelope.msg_id, goal, topic, priority }))
    return undefined
  }
}
