/**
 * Link-state routing limits and tunables (DESIGN §3 "Mesh routing", §6 rows "link-state"
 * and "route switch"). Every bound is listed in docs/LIMITS.md with the reason for it.
 */

/**
 * How often a node re-floods its LSA when nothing changed, in ms. OSPF refreshes every
 * 30 min for thousands of routers; a ≤ 50-node mesh can afford 30 s, which keeps every
 * LSDB converged within one refresh after a lost flood (DESIGN §6).
 */
export const LSA_REFRESH_MS = 30_000

/**
 * How long an LSA lives without a newer one, in ms: 3.5 refreshes (DESIGN §6), so three
 * refreshes in a row may be lost before a live node's LSA ages out, and a dead node's
 * LSA disappears within two minutes even when nobody saw it withdraw.
 */
export const LSA_MAX_AGE_MS = 105_000

/**
 * Shortest time between two LSAs of one origin, in ms: at most one per second
 * (DESIGN §6), so a flapping link costs every node at most one flood per second per origin.
 */
export const LSA_MIN_INTERVAL_MS = 1000

/**
 * How long a triggered update waits before it is sent, in ms (DESIGN §6: triggered
 * updates ≥ 200 ms apart), so a burst of link changes goes out as one LSA.
 */
export const LSA_TRIGGER_DELAY_MS = 200

/**
 * Most origins the LSDB holds, withdrawn ones included (DESIGN §6). Four times the
 * 50-node design size; past it, new origins are refused (fail closed), never evicted,
 * so a flood of fresh keys cannot push real nodes out.
 */
export const LSDB_MAX_ORIGINS = 256

/**
 * Relative change of a link's smoothed RTT that triggers a re-flood (DESIGN §6: 20 %),
 * together with {@link RTT_REFLOOD_MIN_MS}; smaller moves wait for the periodic refresh.
 */
export const RTT_REFLOOD_RATIO = 0.2

/**
 * Absolute change of a link's smoothed RTT, in ms, that triggers a re-flood together with
 * {@link RTT_REFLOOD_RATIO} (DESIGN §6: 5 ms), so sub-millisecond LAN jitter, which is
 * easily 20 %, never floods the mesh.
 */
export const RTT_REFLOOD_MIN_MS = 5

/**
 * Smallest cost of a link, in ms: a loopback or same-host link may advertise 0 ms, and
 * a zero cost would make a path of many such hops as cheap as one hop.
 */
export const MIN_LINK_COST_MS = 0.1

/**
 * Two path costs closer than this, in ms, are equal: sums of the same link costs taken
 * in another order may differ in the last bits, and ties must break the same way.
 */
export const COST_TIE_TOLERANCE_MS = 1e-9

/**
 * Weight of the newest sample in a route's smoothed cost (DESIGN §6 route switch): 1/4,
 * about the last seven updates; twice as fast as the transport's RTT smoothing (1/8),
 * since the costs it smooths are already smoothed RTTs.
 */
export const ROUTE_COST_EWMA_ALPHA = 0.25

/**
 * Least relative improvement, of the current route's cost, that moves a route to another
 * next hop while the current one still works (DESIGN §6: 10 %).
 */
export const ROUTE_SWITCH_MIN_IMPROVEMENT_RATIO = 0.1

/**
 * Least absolute improvement, in ms, that moves a route to another next hop while the
 * current one still works (DESIGN §6: 10 ms). The bar is the larger of this and
 * {@link ROUTE_SWITCH_MIN_IMPROVEMENT_RATIO} of the current cost; see `RouteTable`.
 */
export const ROUTE_SWITCH_MIN_IMPROVEMENT_MS = 10
