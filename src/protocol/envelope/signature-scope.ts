/**
 * What an envelope's signature covers (SPEC §3, §4): the canonical form of the whole
 * envelope without `sign`; for the mesh carrier also without `hops`, the trace relays
 * append to.
 */
import { canonicalBytes } from '../canonical-json.ts'

const BODY_UNSIGNED: ReadonlySet<string> = new Set(['sign'])
const MESH_UNSIGNED: ReadonlySet<string> = new Set(['sign', 'hops'])

/** The top-level members a signature leaves out, for an envelope of this shape. */
export function unsignedMembersOf (envelope: object): ReadonlySet<string> {
  return Object.hasOwn(envelope, 'mesh') ? MESH_UNSIGNED : BODY_UNSIGNED
}

/** The bytes an envelope's signature covers. */
export function signedBytesOf (envelope: object): Uint8Array {
  return canonicalBytes(envelope, unsignedMembersOf(envelope))
}
