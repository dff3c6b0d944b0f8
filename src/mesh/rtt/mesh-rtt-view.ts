/**
 * The mesh-wide RTT view: for every destination this node routes to, the three round
 * trips it knows — the direct link's heartbeat RTT (neighbours only), the path cost
 * from the RTTs every node advertises in its LSA (what routing minimises), and the
 * end-to-end RTT measured by delivery receipts. Pure.
 */
import type { RttSummary } from '../../transport/rtt-summary.ts'
import type { PathRtt } from './path-rtt-table.ts'

/** One destination's round trips. */
export interface MeshRttEntry {
  readonly destination: string
  /** Nodes on the path after this one, the destination included (1 for a neighbour). */
  readonly hops: number
  /** The first node on the path. */
  readonly nextHop: string
  /** The heartbeat RTT of the direct link, when the destination is a linked neighbour. */
  readonly link: RttSummary | undefined
  /** The sum of the advertised RTTs along the route, in ms. */
  readonly advertisedMs: number
  /** Measured send → receipt, when anything was delivered there. */
  readonly measured: PathRtt | undefined
}

/** What the view is built from. */
export interface MeshRttSources {
  routes: ReadonlyArray<{ readonly destination: string, readonly nextHop: string, readonly cost: number, readonly path: readonly string[] }>
  /** The direct link's RTT to a fingerprint, if linked. */
  linkRtt: (fingerprint: string) => RttSummary | undefined
  /** The measured end-to-end RTT to a fingerprint, if any. */
  pathRtt: (fingerprint: string) => PathRtt | undefined
}

/** Builds the view, one entry per route, in the routes' order. */
export function meshRttView (sources: MeshRttSources): MeshRttEntry[] {
  return sources.routes.map((route) => ({
    destination: route.destination,
    hops: Math.max(1, route.path.length),
    nextHop: route.nextHop,
    link: route.nextHop === route.destination ? sources.linkRtt(route.destination) : undefined,
    advertisedMs: route.cost,
    measured: sources.pathRtt(route.destination)
  }))
}
