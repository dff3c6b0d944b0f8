/**
 * CIP HELLO (SPEC §5, §10 "CIP.HELLO → handshake"): on a direct link, a leg of the
 * handshake with the link peer. Over the mesh the routed handshake speaks MESH_HELLO, so a
 * bare HELLO delivered by the mesh is refused.
 */
import type { CipEnvelope } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import type { LinkInfo } from '../../../transport/link-transport.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'

/** What the HELLO handler needs. */
export interface HelloHandlerComponents {
  /** The direct-link handshake's HELLO step (`HandshakeService.onHello`). */
  onDirectHello: (link: LinkInfo, envelope: CipEnvelope<'HELLO'>) => void
}

/**
 * Creates the CIP HELLO handler.
 *
 * The handler throws {@link InvalidEnvelopeError} reason `hello_via_mesh` for a HELLO the mesh delivered.
 */
export function createHelloHandler (components: HelloHandlerComponents): SyncProtocolHandler<CipEnvelope<'HELLO'>> {
  return (envelope, context) => {
    if (context.via !== 'direct') {
      throw new InvalidEnvelopeError(`Cannot handshake with "${envelope.sender.fingerprint.slice(0, 16)}" over the mesh with a bare HELLO: routed handshakes use MESH_HELLO`, { reason: 'hello_via_mesh', msgId: envelope.msg_id })
    }
    components.onDirectHello(context.link, envelope)
    return undefined
  }
}
