/**
 * CIP STATE_UPDATE (SPEC §5 step 5, §10 "CIP.STATE_UPDATE → agent state"): the peer's
 * presence and LRI. On a direct link the handshake records it (and releases an INTENT it
 * held for the peer); over the mesh it is recorded in the peer book here. Either way the
 * AgentLoop hears of it.
 */
import type { MeshEvents } from '../../../observability/events.ts'
import type { CipEnvelope, Presence } from '../../../protocol/envelope/types.ts'
import type { LinkInfo } from '../../../transport/link-transport.ts'
import type { StateUpdateNotice } from '../../agent-loop/index.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the STATE_UPDATE handler needs. */
export interface StateUpdateHandlerComponents {
  /** The direct-link handshake's STATE_UPDATE step (`HandshakeService.onStateUpdate`); it emits `state_update` itself. */
  onDirectStateUpdate: (link: LinkInfo, envelope: CipEnvelope<'STATE_UPDATE'>) => void
  /** Records a routed peer's presence and LRI (the peer book's `recordState`; unknown peers are ignored there). */
  recordState: (fingerprint: string, state: { presence: Presence, lri: number }, atMs: number) => void
  /** Wall-clock time in ms. */
  now: () => number
  events: MeshEvents
  /** Tells the AgentLoop (`state_update`). */
  notifyStateUpdate: (notice: StateUpdateNotice) => void
}

/** Creates the CIP STATE_UPDATE handler. */
export function createStateUpdateHandler (components: StateUpdateHandlerComponents): SyncProtocolHandler<CipEnvelope<'STATE_UPDATE'>> {
  return (envelope, context) => {
    const from = envelope.sender.fingerprint
    const { presence, lri, ltppeerstate, kernel_signals: kernelSignals, intent } = envelope.payload
    if (context.via === 'direct') {
      components.onDirectStateUpdate(context.link, envelope)
    } else {
      components.recordState(from, { presence, lri }, components.now())
      components.events.emit('state_update', from, { presence, lri, ltppeerstate, msg_id: envelope.msg_id, via: 'mesh' })
    }
    components.notifyStateUpdate(Object.freeze({
      from, via: context.via, msgId: envelope.msg_id, presence, lri, ltppeerstate, kernelSignals: Object.freeze([...kernelSignals]), intent
    }))
    return undefined
  }
}
