/**
 * MESH_EVIDENCE (SPEC §15.7): two conflicting envelopes of one signer, spread to the whole
 * mesh; every receiver checks them itself before it blacklists anyone. The payload goes to
 * the trust mesh.
 */
import type { EvidencePayload, MeshEnvelope } from '../../../protocol/envelope/types.ts'
import type { SyncProtocolHandler } from '../../protocol-router/index.ts'
import { assertViaMesh } from './assert-via-mesh.ts'

/** What the MESH_EVIDENCE handler needs. */
export interface MeshEvidenceHandlerComponents {
  /** Checks and applies the evidence (`TrustMeshService.onEvidence`, called with the payload only). */
  onEvidence: (payload: EvidencePayload) => void
}

/**
 * Creates the MESH_EVIDENCE handler.
 *
 * The handler throws `InvalidEnvelopeError` reason `wrong_channel` for evidence that did not come over the mesh.
 */
export function createMeshEvidenceHandler (components: MeshEvidenceHandlerComponents): SyncProtocolHandler<MeshEnvelope<'MESH_EVIDENCE'>> {
  return (carrier, context) => {
    assertViaMesh(carrier, context)
    components.onEvidence(carrier.payload)
    return undefined
  }
}
