/**
 * SERVICE_INVOKE (SPEC §4): `{service, version, input}` for a handler an application
 * registered on this node; its JSON result travels back in the delivery receipt, and an
 * error it throws becomes the receipt's typed error.
 */
import type { JsonValue } from '../../../protocol/canonical-json.ts'
import type { MeshEnvelope } from '../../../protocol/envelope/types.ts'
import { InvalidEnvelopeError } from '../../../protocol/errors.ts'
import type { ProtocolHandler } from '../../protocol-router/index.ts'
import { assertViaMesh } from './assert-via-mesh.ts'

/** A registered service: takes the input and the caller's fingerprint, returns the result. */
export type ServiceHandler = (input: JsonValue, from: string) => JsonValue | Promise<JsonValue>

/** What the SERVICE_INVOKE handler needs. */
export interface ServiceInvokeHandlerComponents {
  /** The service registry: the handler registered for `service`@`version`, if any. */
  findService: (service: string, version: string) => ServiceHandler | undefined
}

/**
 * Creates the SERVICE_INVOKE handler.
 *
 * The handler throws `InvalidEnvelopeError` reason `unknown_service` when nothing is
 * registered for the service and version, and `wrong_channel` when the envelope did not
 * come over the mesh; it rethrows what the service throws.
 */
export function createServiceInvokeHandler (components: ServiceInvokeHandlerComponents): ProtocolHandler<MeshEnvelope<'SERVICE_INVOKE'>> {
  return (carrier, context) => {
    const { from } = assertViaMesh(carrier, context)
    const { service, version, input } = carrier.payload
    const handler = components.findService(service, version)
    if (handler === undefined) {
      throw new InvalidEnvelopeError(`Cannot invoke "${service}@${version}": no such service on this node`, { reason: 'unknown_service', msgId: carrier.msg_id })
    }
    return handler(input, from)
  }
}
