/**
 * The pure core of link-state routing (DESIGN §3 "Mesh routing", §6 link-state and
 * route-switch rows; SPEC §9): self-certifying signed LSAs, the database that keeps the
 * newest per origin, the graph of links both ends advertise, shortest paths with
 * loop-free alternatives, and a route table with hysteresis. No I/O and no timers: time
 * is passed in, and flooding, pacing and persistence belong to the service around it.
 *
 * @example
 * ```ts
 * const lsdb = new LinkStateDatabase()
 * const routes = new RouteTable()
 * const lsa = openLsa(bytes, { nowMs: clock.now() })          // typed errors only
 * const { outcome } = lsdb.accept(lsa, clock.monotonic())
 * if (outcome === 'new' || outcome === 'updated' || outcome === 'withdrawn') {
 *   const graph = buildGraph(lsdb.entries().map((entry) => entry.lsa), {
 *     self: me.fingerprint, exclude: (fingerprint) => trustOf(fingerprint) === 'blacklisted'
 *   })
 *   for (const change of routes.update(shortestPaths(graph, me.fingerprint), clock.monotonic())) {
 *     events.emit('route_changed', change.destination, change)
 *   }
 * }
 * routes.nextHop(destination) // the neighbour to forward to, or undefined
 * ```
 */
export {
  COST_TIE_TOLERANCE_MS, LSA_MAX_AGE_MS, LSA_MIN_INTERVAL_MS, LSA_REFRESH_MS, LSA_TRIGGER_DELAY_MS, LSDB_MAX_ORIGINS,
  MIN_LINK_COST_MS, ROUTE_COST_EWMA_ALPHA, ROUTE_SWITCH_MIN_IMPROVEMENT_MS, ROUTE_SWITCH_MIN_IMPROVEMENT_RATIO,
  RTT_REFLOOD_MIN_MS, RTT_REFLOOD_RATIO
} from './constants.ts'
export { buildGraph } from './graph.ts'
export type { BuildGraphOptions, LinkGraph } from './graph.ts'
export { isSignificantRttChange, openLsa, sealLsa, signedBytesOfLsa } from './lsa.ts'
export type { OpenLsaOptions, SealLsaInit } from './lsa.ts'
export { LinkStateDatabase } from './lsdb.ts'
export type { LinkStateDatabaseInit, LsdbAcceptResult, LsdbEntry, LsdbOutcome } from './lsdb.ts'
export { RouteTable } from './route-table.ts'
export type { Route, RouteChange, RouteChangeReason, RouteTableInit } from './route-table.ts'
export { comparePaths, shortestPaths } from './shortest-path.ts'
export type { PathVia, ShortestPath } from './shortest-path.ts'
export { LSA_VERSION, validateLsa } from './validate-lsa.ts'
export type { Lsa, LsaNeighbour, LsaSign } from './validate-lsa.ts'
