/**
 * The route table with hysteresis (DESIGN §6 route switch: "only when current and
 * smoothed cost both improve by ≥ 10 % (or ≥ 10 ms); ties prefer the direct link").
 * Pure: it keeps state between updates but does no I/O and reads no clock.
 */
import {
  COST_TIE_TOLERANCE_MS, ROUTE_COST_EWMA_ALPHA, ROUTE_SWITCH_MIN_IMPROVEMENT_MS, ROUTE_SWITCH_MIN_IMPROVEMENT_RATIO
} from './constants.ts'
import type { PathVia, ShortestPath } from './shortest-path.ts'

/** Options of {@link RouteTable}. */
export interface RouteTableInit {
  /** Weight of the newest cost in the smoothed cost. @default ROUTE_COST_EWMA_ALPHA (1/4) */
  alpha?: number
  /** Least relative improvement that moves a working route. @default ROUTE_SWITCH_MIN_IMPROVEMENT_RATIO (0.1) */
  minImprovementRatio?: number
  /** Least absolute improvement, in ms, that moves a working route. @default ROUTE_SWITCH_MIN_IMPROVEMENT_MS (10) */
  minImprovementMs?: number
}

/** One installed route. */
export interface Route {
  readonly destination: string
  readonly nextHop: string
  /** The cost of the path through `nextHop` now, in ms. */
  readonly cost: number
  /** The smoothed cost of paths through `nextHop`, in ms. */
  readonly smoothedCost: number
  /** The nodes after this one, from `nextHop` to `destination`. */
  readonly path: readonly string[]
  /** When the route took this next hop (the `nowMs` of that update). */
  readonly sinceMs: number
}

/**
 * Why a route changed: `new` (first path to the destination), `failover` (the next hop
 * has no usable path any more), `better` (another next hop beat it by the margin),
 * `unreachable` (no path at all; the route is removed).
 */
export type RouteChangeReason = 'new' | 'failover' | 'better' | 'unreachable'

/** One change made by {@link RouteTable.update}. */
export interface RouteChange {
  readonly destination: string
  /** The previous next hop, unless the route is new. */
  readonly from?: string
  /** The new next hop, unless the destination became unreachable. */
  readonly to?: string
  readonly reason: RouteChangeReason
}

interface RouteState extends Route {
  /** Smoothed cost per candidate next hop. */
  readonly smoothed: ReadonlyMap<string, number>
}

/**
 * Routes per destination, moved by new shortest paths with hysteresis:
 * - each update smooths, per destination and per candidate next hop (the best path and
 *   its loop-free alternatives), the path cost with an EWMA of weight `alpha`;
 * - while the current next hop still has a usable path, the route moves to the new best
 *   next hop only when that one's cost AND smoothed cost are both lower than the current
 *   one's by at least max(`minImprovementRatio` × current, `minImprovementMs`);
 * - a next hop with no usable path is replaced at once (failover never waits), and a
 *   destination with no path is removed.
 *
 * Why the larger of 10 % and 10 ms: DESIGN §6 says "≥ 10 % (or ≥ 10 ms)". Read as "either
 * suffices" (the smaller bar), 10 % of a 1 ms LAN path is 0.1 ms and 10 ms of a 500 ms
 * WAN path is 2 %: both are below the jitter of the RTTs the costs come from, so routes
 * would follow the noise at both ends of the range. Read as the larger bar, 10 ms is a
 * floor under the relative margin: a switch must win at least 10 ms and at least 10 %.
 * The price: among paths under 100 ms a gain below 10 ms never moves a working route,
 * which matters little next to the cost of reordering and re-measuring after a switch.
 *
 * "Usable" means the next hop is still downstream (see `ShortestPath.alternatives`): a
 * route held by hysteresis while every other node does the same could otherwise form
 * a loop that lasts as long as the costs stay put. The price: when a neighbour's link
 * is cheaper than the spread between two paths behind it (two paths of equal cost
 * behind 1 ms links, under heavy jitter), the route follows the shortest path as plain
 * link state would; the ≥ 20 % and ≥ 5 ms re-flood rule keeps such jitter out of the
 * graph in the first place.
 */
export class RouteTable {
  readonly #alpha: number
  readonly #minImprovementRatio: number
  readonly #minImprovementMs: number
  readonly #routes = new Map<string, RouteState>()

  /** @throws {RangeError} when an option is out of range */
  constructor (init: RouteTableInit = {}) {
    this.#alpha = init.alpha ?? ROUTE_COST_EWMA_ALPHA
    this.#minImprovementRatio = init.minImprovementRatio ?? ROUTE_SWITCH_MIN_IMPROVEMENT_RATIO
    this.#minImprovementMs = init.minImprovementMs ?? ROUTE_SWITCH_MIN_IMPROVEMENT_MS
    if (!(this.#alpha > 0 && this.#alpha <= 1)) {
      throw new RangeError(`Cannot create route table: "alpha" must be in (0, 1], got ${this.#alpha}`)
    }
    if (!(this.#minImprovementRatio >= 0 && this.#minImprovementMs >= 0)) {
      throw new RangeError('Cannot create route table: "minImprovementRatio" and "minImprovementMs" must be ≥ 0')
    }
  }

  /**
   * Applies the shortest paths of one computation (the output of `shortestPaths`).
   *
   * @returns the routes that changed, sorted by destination
   */
  update (paths: ReadonlyMap<string, ShortestPath>, nowMs: number): RouteChange[] {
    const changes: RouteChange[] = []
    for (const [destination, best] of paths) {
      const change = this.#updateOne(destination, best, nowMs)
      if (change !== undefined) changes.push(change)
    }
    for (const [destination, route] of this.#routes) {
      if (paths.has(destination)) continue
      this.#routes.delete(destination)
      changes.push({ destination, from: route.nextHop, reason: 'unreachable' })
    }
    return changes.sort((a, b) => (a.destination < b.destination ? -1 : a.destination > b.destination ? 1 : 0))
  }

  /** The next hop toward `destination`, or undefined. */
  nextHop (destination: string): string | undefined {
    return this.#routes.get(destination)?.nextHop
  }

  /** The route to `destination`, or undefined. */
  route (destination: string): Route | undefined {
    const state = this.#routes.get(destination)
    return state === undefined ? undefined : routeOf(state)
  }

  /** Every route, sorted by destination. */
  routes (): Route[] {
    return [...this.#routes.values()].map(routeOf).sort((a, b) => (a.destination < b.destination ? -1 : 1))
  }

  #updateOne (destination: string, best: ShortestPath, nowMs: number): RouteChange | undefined {
    const candidates = new Map<string, PathVia>([[best.nextHop, best]])
    for (const alternative of best.alternatives) {
      if (!candidates.has(alternative.nextHop)) candidates.set(alternative.nextHop, alternative)
    }
    const current = this.#routes.get(destination)
    const smoothed = new Map<string, number>()
    for (const [nextHop, { cost }] of candidates) {
      const before = current?.smoothed.get(nextHop)
      smoothed.set(nextHop, before === undefined ? cost : before + this.#alpha * (cost - before))
    }
    const install = (path: PathVia, sinceMs: number): void => {
      this.#routes.set(destination, {
        destination, nextHop: path.nextHop, cost: path.cost, smoothedCost: smoothed.get(path.nextHop) ?? path.cost,
        path: path.path, sinceMs, smoothed
      })
    }
    if (current === undefined) {
      install(best, nowMs)
      return { destination, to: best.nextHop, reason: 'new' }
    }
    const kept = candidates.get(current.nextHop)
    if (kept === undefined) {
      install(best, nowMs)
      return { destination, from: current.nextHop, to: best.nextHop, reason: 'failover' }
    }
    if (best.nextHop !== current.nextHop && this.#isClearlyBetter(best, kept, smoothed)) {
      install(best, nowMs)
      return { destination, from: current.nextHop, to: best.nextHop, reason: 'better' }
    }
    install(kept, current.sinceMs)
    return undefined
  }

  /** Both the cost and the smoothed cost of `challenger` beat `incumbent`'s by the margin. */
  #isClearlyBetter (challenger: PathVia, incumbent: PathVia, smoothed: ReadonlyMap<string, number>): boolean {
    const smoothedIncumbent = smoothed.get(incumbent.nextHop) ?? incumbent.cost
    const smoothedChallenger = smoothed.get(challenger.nextHop) ?? challenger.cost
    return this.#beatsByMargin(challenger.cost, incumbent.cost) && this.#beatsByMargin(smoothedChallenger, smoothedIncumbent)
  }

  #beatsByMargin (challengerCost: number, incumbentCost: number): boolean {
    const marginMs = Math.max(this.#minImprovementRatio * incumbentCost, this.#minImprovementMs)
    return incumbentCost - challengerCost >= marginMs - COST_TIE_TOLERANCE_MS
  }
}

function routeOf (state: RouteState): Route {
  const { destination, nextHop, cost, smoothedCost, path, sinceMs } = state
  return { destination, nextHop, cost, smoothedCost, path, sinceMs }
}
