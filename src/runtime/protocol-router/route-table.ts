/**
 * The routes of the ProtocolRouter (SPEC §10): one key `${protocol}.${type}` for every
 * type of every protocol, the envelope each key carries, the context a handler runs in,
 * and the handler table whose completeness the compiler checks.
 */
import type { JsonValue } from '../../protocol/canonical-json.ts'
import { CIP_TYPES, HCP_TYPES, LIP_TYPES, MESH_OWN_TYPES } from '../../protocol/envelope/types.ts'
import type {
  CipEnvelope, CipType, Envelope, HcpEnvelope, HcpType, LipEnvelope, LipType, MeshEnvelope, MeshOwnType
} from '../../protocol/envelope/types.ts'
import type { LinkInfo } from '../../transport/link-transport.ts'

/** Every route key: each CIP, HCP and LIP type under its family, and the mesh's own types under `mesh`. */
export type RouteKey = `cip.${CipType}` | `hcp.${HcpType}` | `lip.${LipType}` | `mesh.${MeshOwnType}`

/** Every route key, in the order of the protocol vocabularies. */
export const ROUTE_KEYS: readonly RouteKey[] = Object.freeze([
  ...CIP_TYPES.map((type) => `cip.${type}` as const),
  ...HCP_TYPES.map((type) => `hcp.${type}` as const),
  ...LIP_TYPES.map((type) => `lip.${type}` as const),
  ...MESH_OWN_TYPES.map((type) => `mesh.${type}` as const)
])

/** The envelope a route carries: a CIP / HCP / LIP body, or the mesh carrier itself for the mesh's own types. */
export type EnvelopeOfRoute<K extends RouteKey> =
  K extends `cip.${infer T extends CipType}` ? CipEnvelope<T>
    : K extends `hcp.${infer T extends HcpType}` ? HcpEnvelope<T>
    : K extends `lip.${infer T extends LipType}` ? LipEnvelope<T>
    : K extends `mesh.${infer T extends MeshOwnType}` ? MeshEnvelope<T>
    : never

/** An envelope that arrived on a direct link; the intake bound its sender to the link's key. */
export interface DirectContext {
  readonly via: 'direct'
  /** Fingerprint of the link peer (the envelope's sender). */
  readonly from: string
  readonly link: LinkInfo
}

/**
 * An envelope the mesh delivered end to end (or one taken in as if it had, such as the
 * node's `ingest`): `carrier` is the mesh envelope that carried it, when there was one.
 */
export interface MeshContext {
  readonly via: 'mesh'
  /** Fingerprint of the origin (the carrier's `origin`, or the envelope's sender). */
  readonly from: string
  readonly carrier?: MeshEnvelope
}

/** Where an envelope came from. */
export type DispatchContext = DirectContext | MeshContext

/** What a handler returns: a JSON result for the delivery receipt (SERVICE_INVOKE), or nothing. */
export type HandlerResult = JsonValue | undefined

/** Handles one message type; may be asynchronous (SERVICE_INVOKE). Throws typed errors to refuse. */
export type ProtocolHandler<E extends Envelope = Envelope> =
  (envelope: E, context: DispatchContext) => HandlerResult | Promise<HandlerResult>

/** A handler that finishes before it returns: every type but SERVICE_INVOKE. */
export type SyncProtocolHandler<E extends Envelope = Envelope> = (envelope: E, context: DispatchContext) => HandlerResult

/** The complete handler table: the compiler refuses a table that misses a route. */
export type HandlerTable = { readonly [K in RouteKey]: ProtocolHandler<EnvelopeOfRoute<K>> }

const ROUTES: ReadonlySet<string> = new Set(ROUTE_KEYS)

/** True when `key` names a route. */
export function isRouteKey (key: string): key is RouteKey {
  return ROUTES.has(key)
}
