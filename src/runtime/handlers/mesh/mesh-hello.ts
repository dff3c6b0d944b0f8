/**
 * MESH_HELLO (SPEC §15.1, §15.9): a leg of the CIP handshake routed over the mesh, with a
 * node this one is not linked to; it authenticates by its signed transcript alone. It goes
 * to the routed handshake.
 */
import type { MeshEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { assertViaMesh } from './assert-via-mesh.ts'

/** What the MESH_HELLO handler needs. */
export interface MeshHelloHandlerComponents {
  /** The routed handshake's step (`RoutedHandshakeService.onMeshHello`). */
  onMeshHello: (carrier: MeshEnvelope<'MESH_HELLO'>) => void
}

/**
 * Creates the MESH_HELLO handler.
 *
 * The handler throws `InvalidEnvelopeError` reason `wrong_channel` for a MESH_HELLO that did not come over the mesh.
 */
export function createMeshHelloHandler (components: MeshHelloHandlerComponents): SyncProtocolHandler<MeshEnvelope<'MESH_HELLO'>> {
  return (carrier, context) => {
    assertViaMesh(carrier, context)
    components.onMeshHello(carrier)
    return undefined
  }
}
