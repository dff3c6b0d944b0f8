/**
 * CIP INTENT (SPEC §5 step 6): the peer declares an intent; this node accepts it, or
 * defers it while its own presence is overloaded (SPEC §7 rule 5). Reported as
 * `intent_accepted` / `intent_deferred` and told to the AgentLoop, whether it came over a
 * direct link or the mesh.
 */
import type { MeshEvents } from '../../../observability/events.ts'
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import type { CipIntentNotice } from '../../agent-loop/index.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the INTENT handler needs. */
export interface IntentHandlerComponents {
  /** True while this node's presence is `overloaded`. */
  isOverloaded: () => boolean
  events: MeshEvents
  /** Tells the AgentLoop (`intent`). */
  notifyIntent: (notice: CipIntentNotice) => void
}

/** Creates the CIP INTENT handler. */
export function createIntentHandler (components: IntentHandlerComponents): SyncProtocolHandler<CipEnvelope<'INTENT'>> {
  return (envelope, context) => {
    const from = envelope.sender.fingerprint
    const { goal, topic, priority, context: intentContext } = envelope.payload
    const isDeferred = components.isOverloaded()
    components.events.emit(isDeferred ? 'intent_deferred' : 'intent_accepted', from, {
      msg_id: envelope.msg_id, goal, topic, via: context.via, ...(isDeferred ? { reason: 'local_overloaded' } : {})
    })
    components.notifyIntent(Object.freeze({
      protocol: 'cip', from, via: context.via, msgId: envelope.msg_id, goal, topic, priority, context: intentContext,
      ...(isDeferred ? { decision: 'deferred', reason: 'local_overloaded' } as const : { decision: 'accepted' } as const)
    }))
    return undefined
  }
}
