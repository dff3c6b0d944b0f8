/**
 * The mesh's own types arrive only through the mesh: the direct intake refuses mesh
 * envelopes on link channels, and this guard keeps a wiring mistake from handing one to a
 * mesh handler as if a link peer had sent it.
 */
import type { MeshEnvelope } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import type { DispatchContext, MeshContext } from '../../protocol-router/index.ts'

/**
 * Returns the mesh context of a mesh-delivered envelope.
 *
 * @throws {InvalidEnvelopeError} reason `wrong_channel` when the envelope came over a direct link
 */
export function assertViaMesh (envelope: MeshEnvelope, context: DispatchContext): MeshContext {
  if (context.via !== 'mesh') {
    throw new InvalidEnvelopeError(`Cannot take "${envelope.type}" from a direct link: it travels only over the mesh`, { reason: 'wrong_channel', msgId: envelope.msg_id })
  }
  return context
}
