/**
 * MESH_RECEIPT (SPEC §4, DESIGN §3): the signed delivery receipt of a carrier this node
 * sent. The MeshRouter settles its own sends from receipts before any handler runs, so
 * this route only sees receipts handed to it on purpose; it passes them to the callback.
 */
import type { MeshEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { assertViaMesh } from './assert-via-mesh.ts'

/** What the MESH_RECEIPT handler needs. */
export interface MeshReceiptHandlerComponents {
  /** Takes a delivery receipt. */
  onReceipt: (carrier: MeshEnvelope<'MESH_RECEIPT'>) => void
}

/**
 * Creates the MESH_RECEIPT handler.
 *
 * The handler throws `InvalidEnvelopeError` reason `wrong_channel` for a receipt that did not come over the mesh.
 */
export function createMeshReceiptHandler (components: MeshReceiptHandlerComponents): SyncProtocolHandler<MeshEnvelope<'MESH_RECEIPT'>> {
  return (carrier, context) => {
    assertViaMesh(carrier, context)
    components.onReceipt(carrier)
    return undefined
  }
}
