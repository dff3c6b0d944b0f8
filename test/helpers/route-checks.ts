/**
 * What the harness waits for, as pure checks over what each node's `GET /v1/routes` and
 * `GET /v1/topology` answered: convergence (every node routes to every other, and every
 * node's link-state view holds every link that is up) and separation (no node routes
 * across a partition).
 */

/** One route as `GET /v1/routes` lists it (the members the harness reads). */
export interface RouteJson {
  destination: string
  next_hop: string
  is_direct: boolean
  path: string[]
}

/** A pair of nodes whose route is missing (or present where it must not be). */
export interface RouteGap {
  from: string
  to: string
}

/** The pairs of `members` where `from` has no route to `to`; empty once the mesh has converged. */
export function missingRoutes (routesByNode: ReadonlyMap<string, readonly RouteJson[]>, members: readonly string[]): RouteGap[] {
  const gaps: RouteGap[] = []
  for (const from of members) {
    const reachable = new Set((routesByNode.get(from) ?? []).map((route) => route.destination))
    for (const to of members) {
      if (to !== from && !reachable.has(to)) gaps.push({ from, to })
    }
  }
  return gaps
}

/** The pairs where a node of one side still routes to a node of the other; empty once the partition took effect. */
export function crossingRoutes (routesByNode: ReadonlyMap<string, readonly RouteJson[]>, sideA: readonly string[], sideB: readonly string[]): RouteGap[] {
  const gaps: RouteGap[] = []
  for (const [mine, theirs] of [[sideA, sideB], [sideB, sideA]] as const) {
    const other = new Set(theirs)
    for (const from of mine) {
      for (const route of routesByNode.get(from) ?? []) {
        if (other.has(route.destination)) gaps.push({ from, to: route.destination })
      }
    }
  }
  return gaps
}

/** One link as `GET /v1/topology` lists it (the members the harness reads). */
export interface TopologyEdgeJson {
  source: string
  target: string
  state: string
}

/** A link (by its ends' fingerprints) that a node's link-state view does not hold as active. */
export interface LinkGap {
  node: string
  link: readonly [string, string]
}

/**
 * The links of `links` (pairs of fingerprints, either order) that some node of
 * `edgesByNode` does not see as active; empty once every view holds every link. All
 * pairs reachable is not enough for failover: a node may reach everyone one way round
 * while it does not yet know the other way.
 */
export function missingLinks (edgesByNode: ReadonlyMap<string, readonly TopologyEdgeJson[]>, links: ReadonlyArray<readonly [string, string]>): LinkGap[] {
  const gaps: LinkGap[] = []
  for (const [node, edges] of edgesByNode) {
    const active = new Set(edges.filter((edge) => edge.state === 'active').flatMap((edge) => [`${edge.source} ${edge.target}`, `${edge.target} ${edge.source}`]))
    for (const link of links) {
      if (!active.has(`${link[0]} ${link[1]}`)) gaps.push({ node, link })
    }
  }
  return gaps
}
