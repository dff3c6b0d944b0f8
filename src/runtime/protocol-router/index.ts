/**
 * The ProtocolRouter (SPEC §10, STYLE §11): dispatch by table, one handler per message
 * type. Every CIP, HCP and LIP type and every mesh type has a route (the compiler checks
 * the table is complete); an unknown type is refused with `InvalidEnvelopeError` reason
 * `unrouted_type`; `web4_runtime_dispatch_total{protocol,type,result}` and
 * `web4_runtime_dispatch_ms_total{protocol,type}` wrap every dispatch.
 *
 * @example
 * ```ts
 * const router = createProtocolRouter({ logger, metrics }, createHandlerTable(handlerComponents))
 * router.dispatchDirect(envelope, link)
 * meshRouter.handle('SERVICE_INVOKE', (carrier, from) => router.dispatchDelivery(carrier, from))
 * ```
 */
import { ProtocolRouterImpl } from './protocol-router.ts'
import type { ProtocolRouter, ProtocolRouterComponents } from './protocol-router.ts'
import type { HandlerTable } from './route-table.ts'

export { DISPATCH_RESULTS } from './protocol-router.ts'
export type { DispatchResult, ProtocolRouter, ProtocolRouterComponents } from './protocol-router.ts'
export { isRouteKey, ROUTE_KEYS } from './route-table.ts'
export type {
  DirectContext, DispatchContext, EnvelopeOfRoute, HandlerResult, HandlerTable, MeshContext, ProtocolHandler, RouteKey,
  SyncProtocolHandler
} from './route-table.ts'

/**
 * Creates a router over a complete handler table.
 *
 * @throws {RangeError} when the table misses a route or names one that does not exist
 */
export function createProtocolRouter (components: ProtocolRouterComponents, handlers: HandlerTable): ProtocolRouter {
  return new ProtocolRouterImpl(components, handlers)
}
