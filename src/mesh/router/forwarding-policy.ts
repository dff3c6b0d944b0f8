/**
 * MeshForwardingPolicy (SPEC §9 and its Decision on `hops`): what a node does with a
 * carrier it received — deliver it, flood it, forward it to a next hop, or drop it with
 * a reason from one closed list. Pure: the node's view (registry, trust, routes) arrives
 * as functions, and nothing is read or written besides them.
 *
 * @example
 * ```ts
 * const { hops, decision } = decideForwarding(carrier, { self, isKnown, trustOf, nextHop })
 * if (decision.action === 'forward') await links.send(decision.nextHop, { ...carrier, hops })
 * ```
 */
import { BROADCAST } from '../../protocol/envelope/types.ts'
import type { TrustState } from '../../protocol/trust/index.ts'
import { MAX_HOPS } from './constants.ts'

/**
 * Every reason a router drops a carrier, one closed list for the `mesh_dropped` event and
 * the drop counter's `reason` label. {@link decideForwarding} gives the first six; the
 * router gives the rest: `duplicate` (id seen in the de-duplication cache), `rate_limited`
 * (the origin's rate was exceeded), `invalid` (the header or schema failed), `tampered`
 * (the end-to-end signature failed at the destination, SPEC §15.9), `backpressure` (the
 * next hop's queue is full), `link_down` (the next hop's link closed while sending).
 */
export const DROP_REASONS = [
  'loop', 'max_hops', 'blocked', 'blocked_origin', 'unknown_destination', 'no_route',
  'duplicate', 'rate_limited', 'invalid', 'tampered', 'backpressure', 'link_down'
] as const
export type DropReason = typeof DROP_REASONS[number]

/** The drop reasons {@link decideForwarding} itself gives, in the order its rules run. */
export const POLICY_DROP_REASONS = [
  'loop', 'max_hops', 'blocked', 'blocked_origin', 'unknown_destination', 'no_route'
] as const satisfies readonly DropReason[]
export type PolicyDropReason = typeof POLICY_DROP_REASONS[number]

/** The members of a mesh carrier the policy reads; relays need not open the body (SPEC §15.9). */
export interface CarrierHeader {
  /** The destination's fingerprint, or `*` for a broadcast. */
  destination: string
  /** The trace as the carrier arrived, without this node. */
  hops: readonly string[]
  /** The origin's fingerprint (the signer, who does not appear in `hops`). */
  origin: string
}

/** This node's view, as the router sees it when the carrier arrives. */
export interface ForwardingContext {
  /** This node's fingerprint. */
  self: string
  /** Longest `hops` trace allowed once this node appended itself. @default MAX_HOPS (16) */
  maxHops?: number
  /** True when the peer registry or the link state knows the fingerprint (SPEC §9 rule 5). */
  isKnown: (fingerprint: string) => boolean
  /** This node's own trust view of a fingerprint (SPEC §9 Decision: the forwarding node's view). */
  trustOf: (fingerprint: string) => TrustState
  /** The neighbour the route to a fingerprint leaves through, or `undefined` when there is none. */
  nextHop: (fingerprint: string) => string | undefined
}

/** What to do with the carrier. */
export type ForwardingDecision =
  | { action: 'deliver' }
  | { action: 'broadcast' }
  | { action: 'forward', nextHop: string }
  | { action: 'drop', reason: PolicyDropReason }

/** The new trace and the decision. */
export interface ForwardingResult {
  /** The carrier's `hops` with this node appended: what it delivers, floods or forwards. */
  hops: string[]
  decision: ForwardingDecision
}

/** The shape of a forwarding policy, so a router can take another in tests. */
export type MeshForwardingPolicy = (carrier: CarrierHeader, context: ForwardingContext) => ForwardingResult

/**
 * Appends `context.self` to the carrier's `hops`, then applies the rules of SPEC §9 in
 * this order, the first that matches deciding:
 * 1. `deliver` when this node is the destination — whatever the trace, its length or the
 *    origin's trust (the destination's own intake judges the origin);
 * 2. drop `loop` when this node is already in `hops`, or is the origin (the origin never
 *    appends itself, so a carrier back at its origin went round), or the destination appears
 *    before the end of `hops` (it was passed without delivering);
 * 3. drop `max_hops` when the new `hops` is longer than `maxHops`;
 * 4. drop `blocked` when this node's view of the destination is `blacklisted`, then
 *    `blocked_origin` when its view of the origin is;
 * 5. `broadcast` (deliver locally and flood) when the destination is `*`;
 *    drop `unknown_destination` when the destination is not known (SPEC §9 rule 5);
 * 6. `forward` to the route's next hop; drop `no_route` when there is none, and `loop`
 *    when it is the origin or already in `hops` (the routes disagree and would send the
 *    carrier round).
 *
 * Called by a node that receives a carrier, never by the origin when it sends one: so
 * A → B → C reaches C with `hops = [B, C]`.
 *
 * @throws {RangeError} when `maxHops` is not a positive integer
 */
export function decideForwarding (carrier: CarrierHeader, context: ForwardingContext): ForwardingResult {
  const maxHops = context.maxHops ?? MAX_HOPS
  if (!Number.isSafeInteger(maxHops) || maxHops < 1) {
    throw new RangeError(`Cannot decide forwarding: "maxHops" must be a positive integer, got ${String(maxHops)}`)
  }
  const hops = [...carrier.hops, context.self]
  return { hops, decision: decide(carrier, context, hops, maxHops) }
}

function decide (carrier: CarrierHeader, context: ForwardingContext, hops: readonly string[], maxHops: number): ForwardingDecision {
  const { destination, origin } = carrier
  const { self } = context
  // SPEC §9 rule 1 (with the Decision): the destination delivers first.
  if (destination === self) return { action: 'deliver' }
  // SPEC §9 rule 2: loop.
  if (carrier.hops.includes(self) || origin === self || carrier.hops.includes(destination)) return drop('loop')
  // SPEC §9 rule 3: hop limit, counted on the trace with this node in it.
  if (hops.length > maxHops) return drop('max_hops')
  // SPEC §9 rule 4, in this node's own view; a blacklisted origin is not relayed either.
  if (destination !== BROADCAST && context.trustOf(destination) === 'blacklisted') return drop('blocked')
  if (context.trustOf(origin) === 'blacklisted') return drop('blocked_origin')
  if (destination === BROADCAST) return { action: 'broadcast' }
  // SPEC §9 rule 5: only to destinations the registry or link state knows.
  if (!context.isKnown(destination)) return drop('unknown_destination')
  const nextHop = context.nextHop(destination)
  if (nextHop === undefined) return drop('no_route')
  if (nextHop === origin || hops.includes(nextHop)) return drop('loop')
  return { action: 'forward', nextHop }
}

function drop (reason: PolicyDropReason): ForwardingDecision {
  return { action: 'drop', reason }
}
