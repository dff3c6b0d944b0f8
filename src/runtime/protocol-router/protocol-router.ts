/**
 * The ProtocolRouter (SPEC §10, STYLE §11): one table from `${protocol}.${type}` to the
 * handler of that message type. Every dispatch is counted by protocol, type and result
 * and timed; an envelope whose protocol and type name no route is refused with
 * `InvalidEnvelopeError` reason `unrouted_type`.
 */
import type { Clock } from '../../config/clock.ts'
import type { Logger } from '../../observability/logger.ts'
import type { MeshMetrics } from '../../observability/metrics.ts'
import { MESH_OWN_TYPES, protocolOfEnvelope, protocolOfType } from '../../protocol/envelope/types.ts'
import type { BodyEnvelope, Envelope, MeshEnvelope } from '../../protocol/envelope/types.ts'
import { InvalidEnvelopeError, isWeb4Error } from '../../protocol/errors.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'
import { isRouteKey, ROUTE_KEYS } from './route-table.ts'
import type { DispatchContext, HandlerResult, HandlerTable, ProtocolHandler, RouteKey } from './route-table.ts'

/** The result label of `web4_runtime_dispatch_total`. */
export const DISPATCH_RESULTS = ['ok', 'error', 'unrouted'] as const
/** How a dispatch ended. */
export type DispatchResult = typeof DISPATCH_RESULTS[number]

/** What the router needs. */
export interface ProtocolRouterComponents {
  logger: Logger
  metrics?: MeshMetrics
  /** Times each dispatch. @default a clock over `performance.now()` */
  clock?: Pick<Clock, 'monotonic'>
  /**
   * Told of every envelope a handler took without error (the AgentLoop's `envelope`
   * event); an exception it throws is logged and goes no further.
   */
  onDispatched?: (envelope: Envelope, context: DispatchContext) => void
}

/** The router's public surface. */
export interface ProtocolRouter {
  /**
   * Runs the handler of the envelope's `${protocol}.${type}` and returns what it returns:
   * synchronously for a synchronous handler (so the direct intake sees its typed errors
   * at once), as a promise for an asynchronous one (SERVICE_INVOKE).
   *
   * @throws {InvalidEnvelopeError} reason `unrouted_type` when no route matches
   * @throws whatever the handler throws, after counting it as `error`
   */
  dispatch: (envelope: Envelope, context: DispatchContext) => HandlerResult | Promise<HandlerResult>
  /**
   * Dispatches an envelope the direct intake took from `link` (the intake's handler
   * shape): context `{ via: 'direct', from: link.fingerprint, link }`. Throws
   * synchronously, so the intake refuses and penalises as for its own checks. An
   * asynchronous handler's rejection (none exists for direct types) is counted and logged.
   *
   * @throws {InvalidEnvelopeError} reason `unrouted_type` when no route matches
   * @throws whatever a synchronous handler throws
   */
  dispatchDirect: (envelope: Envelope, link: LinkInfo) => void
  /**
   * Dispatches what a mesh carrier delivered to this node (the MeshRouter's delivery
   * handler shape): the carrier itself for the mesh's own types, else the body it carries.
   *
   * @throws {InvalidEnvelopeError} reason `carrier_mismatch` when a body-type carrier holds no body of its type
   */
  dispatchDelivery: (carrier: MeshEnvelope, from: string) => HandlerResult | Promise<HandlerResult>
  /** Every route, in the order of the protocol vocabularies. */
  routes: () => readonly RouteKey[]
}

const SYSTEM_MONOTONIC: Pick<Clock, 'monotonic'> = Object.freeze({ monotonic: (): number => performance.now() })
const MESH_OWN: ReadonlySet<string> = new Set(MESH_OWN_TYPES)
const MAX_TYPE_CHARS_IN_MESSAGE = 64

interface Labels { readonly protocol: string, readonly type: string }

/** The router; build it with `createProtocolRouter`. */
export class ProtocolRouterImpl implements ProtocolRouter {
  readonly #components: ProtocolRouterComponents
  readonly #clock: Pick<Clock, 'monotonic'>
  readonly #log: Logger
  readonly #handlers: ReadonlyMap<RouteKey, ProtocolHandler>

  /** @throws {RangeError} when the table misses a route or names one that does not exist */
  constructor (components: ProtocolRouterComponents, handlers: HandlerTable) {
    this.#components = components
    this.#clock = components.clock ?? SYSTEM_MONOTONIC
    this.#log = components.logger.child({ component: 'runtime:protocol-router' })
    const missing = ROUTE_KEYS.filter((key) => typeof (handlers as Partial<Record<string, unknown>>)[key] !== 'function')
    if (missing.length > 0) throw new RangeError(`Cannot create protocol router: no handler for ${missing.map((key) => `"${key}"`).join(', ')}`)
    const extra = Object.keys(handlers).filter((key) => !isRouteKey(key))
    if (extra.length > 0) throw new RangeError(`Cannot create protocol router: ${extra.map((key) => `"${key}"`).join(', ')} is not a route`)
    this.#handlers = new Map(ROUTE_KEYS.map((key) => [key, handlers[key] as ProtocolHandler]))
  }

  dispatch (envelope: Envelope, context: DispatchContext): HandlerResult | Promise<HandlerResult> {
    const protocol = protocolOfEnvelope(envelope as unknown as Readonly<Record<string, unknown>>)
    const type: unknown = (envelope as { type?: unknown }).type
    const key = `${protocol ?? 'unknown'}.${typeof type === 'string' ? type : ''}`
    const handler = isRouteKey(key) ? this.#handlers.get(key) : undefined
    const labels: Labels = { protocol: protocol ?? 'unknown', type: labelOfType(type) }
    if (handler === undefined) {
      this.#count(labels, 'unrouted')
      const shown = typeof type === 'string' ? type.slice(0, MAX_TYPE_CHARS_IN_MESSAGE) : String(type)
      throw new InvalidEnvelopeError(`Cannot dispatch "${shown}" of protocol "${protocol ?? 'unknown'}": no route`, {
        reason: 'unrouted_type', ...(typeof envelope.msg_id === 'string' ? { msgId: envelope.msg_id } : {})
      })
    }
    const startedAt = this.#clock.monotonic()
    let result: HandlerResult | Promise<HandlerResult>
    try {
      result = handler(envelope, context)
    } catch (err) {
      this.#finish(labels, startedAt, err)
      throw err
    }
    if (!(result instanceof Promise)) {
      this.#finish(labels, startedAt, undefined, envelope, context)
      return result
    }
    return result.then((value) => {
      this.#finish(labels, startedAt, undefined, envelope, context)
      return value
    }, (err: unknown) => {
      this.#finish(labels, startedAt, err)
      throw err
    })
  }

  dispatchDirect (envelope: Envelope, link: LinkInfo): void {
    const result = this.dispatch(envelope, { via: 'direct', from: link.fingerprint, link })
    if (result instanceof Promise) {
      result.catch((err: unknown) => { this.#log.warn({ peer: link.fingerprint, type: envelope.type, err: (err as Error).message }, 'asynchronous handler failed') })
    }
  }

  dispatchDelivery (carrier: MeshEnvelope, from: string): HandlerResult | Promise<HandlerResult> {
    const context: DispatchContext = { via: 'mesh', from, carrier }
    if (MESH_OWN.has(carrier.type)) return this.dispatch(carrier, context)
    const body = (carrier.payload as { body?: BodyEnvelope }).body
    if (body?.type !== carrier.type) {
      this.#count({ protocol: 'mesh', type: labelOfType(carrier.type) }, 'error')
      throw new InvalidEnvelopeError(`Cannot dispatch carrier "${carrier.id}": it holds no "${carrier.type}" body`, { reason: 'carrier_mismatch', msgId: carrier.msg_id })
    }
    return this.dispatch(body, context)
  }

  routes (): readonly RouteKey[] {
    return ROUTE_KEYS
  }

  #finish (labels: Labels, startedAt: number, err: unknown, envelope?: Envelope, context?: DispatchContext): void {
    const elapsedMs = Math.max(0, this.#clock.monotonic() - startedAt)
    this.#components.metrics?.increment('web4_runtime_dispatch_ms_total', { ...labels }, elapsedMs)
    if (envelope === undefined || context === undefined) {
      this.#count(labels, 'error')
      this.#log.debug({ ...labels, error: isWeb4Error(err) ? err.name : 'InternalError', reason: isWeb4Error(err) ? err.reason : 'internal' }, 'handler refused envelope')
      return
    }
    this.#count(labels, 'ok')
    try {
      this.#components.onDispatched?.(envelope, context)
    } catch (listenerErr) {
      this.#log.warn({ ...labels, err: (listenerErr as Error).message }, 'onDispatched threw')
    }
  }

  #count (labels: Labels, result: DispatchResult): void {
    this.#components.metrics?.increment('web4_runtime_dispatch_total', { ...labels, result })
  }
}

// Labels come from closed sets (STYLE §13): a type outside every vocabulary is `unknown`.
function labelOfType (type: unknown): string {
  return typeof type === 'string' && protocolOfType(type) !== undefined ? type : 'unknown'
}
