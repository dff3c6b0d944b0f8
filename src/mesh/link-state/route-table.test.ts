// The route table: hysteresis (current AND smoothed cost must win by max(10 %, 10 ms)),
// immediate failover, removal of unreachable destinations, and stability under jitter.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import type { LinkGraph } from './graph.ts'
import { RouteTable } from './route-table.ts'
import type { RouteChange } from './route-table.ts'
import { shortestPaths } from './shortest-path.ts'
import type { ShortestPath } from './shortest-path.ts'

const PROPERTY_OPTIONS = { seed: 20261126, numRuns: 100 }

/** Paths to `D` through each `[nextHop, cost]`, the first one the best. */
function toD (...vias: Array<[string, number]>): Map<string, ShortestPath> {
  const [best, ...rest] = vias.map(([nextHop, cost]) => ({ nextHop, cost, path: nextHop === 'D' ? ['D'] : [nextHop, 'D'] }))
  return new Map(best === undefined ? [] : [['D', { ...best, alternatives: rest }]])
}

/** Runs `updates` in order from time 0, one ms apart, and returns every change. */
function run (table: RouteTable, updates: Array<Map<string, ShortestPath>>, startMs = 0): RouteChange[][] {
  return updates.map((paths, i) => table.update(paths, startMs + i))
}

type Edge = readonly [string, string, number]

function graphOf (edges: readonly Edge[]): LinkGraph {
  const nodes = [...new Set(edges.flatMap(([a, b]) => [a, b]))].sort()
  const links = new Map(nodes.map((node) => [node, new Map<string, number>()]))
  for (const [a, b, cost] of edges) {
    links.get(a)?.set(b, cost)
    links.get(b)?.set(a, cost)
  }
  return { nodes, links }
}

/** `edges` with each cost scaled by the next factor of `factors`. */
function jittered (edges: readonly Edge[], factors: readonly number[], update: number): Edge[] {
  return edges.map(([a, b, cost], i) => [a, b, cost * (factors[(update * edges.length + i) % factors.length] ?? 1)])
}

describe('RouteTable.update()', () => {
  it('RouteTable.update() installs a new destination at once with its cost as the smoothed cost', () => {
    const table = new RouteTable()
    assert.deepEqual(table.update(toD(['B', 50], ['C', 60]), 1000), [{ destination: 'D', to: 'B', reason: 'new' }])
    assert.deepEqual(table.route('D'), { destination: 'D', nextHop: 'B', cost: 50, smoothedCost: 50, path: ['B', 'D'], sinceMs: 1000 })
    assert.equal(table.nextHop('D'), 'B')
    assert.equal(table.nextHop('X'), undefined)
    assert.equal(table.route('X'), undefined)
  })

  it('RouteTable.update() keeps a working route while the challenger wins by less than 10 ms', () => {
    const table = new RouteTable()
    table.update(toD(['B', 50]), 0)
    // 9 ms is 18 % of 50 ms, but below the 10 ms floor: no switch, however long it lasts.
    assert.deepEqual(run(table, Array.from({ length: 50 }, () => toD(['C', 41], ['B', 50]))).flat(), [])
    assert.deepEqual(table.route('D'), { destination: 'D', nextHop: 'B', cost: 50, smoothedCost: 50, path: ['B', 'D'], sinceMs: 0 })
    // 11 ms wins once the smoothed cost catches up: 41 → 39 takes three updates.
    const changes = run(table, Array.from({ length: 5 }, () => toD(['C', 39], ['B', 50])), 100)
    assert.deepEqual(changes.map((list) => list.length), [0, 0, 1, 0, 0])
    assert.deepEqual(changes[2], [{ destination: 'D', from: 'B', to: 'C', reason: 'better' }])
    assert.equal(table.route('D')?.sinceMs, 102)
  })

  it('RouteTable.update() keeps a working route while the challenger wins by less than 10 % of its cost', () => {
    const table = new RouteTable()
    table.update(toD(['B', 200]), 0)
    // 15 ms is over the floor but 7.5 % of 200 ms.
    assert.deepEqual(run(table, Array.from({ length: 50 }, () => toD(['C', 185], ['B', 200]))).flat(), [])
    const changes = run(table, Array.from({ length: 10 }, () => toD(['C', 178], ['B', 200])), 100).flat()
    assert.deepEqual(changes, [{ destination: 'D', from: 'B', to: 'C', reason: 'better' }])
  })

  it('RouteTable.update() does not switch on a dip that the smoothed cost does not confirm', () => {
    const table = new RouteTable()
    table.update(toD(['B', 100], ['C', 100]), 0)
    // One update at 70 ms: 30 ms better now, but smoothed only 92.5 (7.5 ms better).
    assert.deepEqual(run(table, [toD(['C', 70], ['B', 100]), toD(['B', 100], ['C', 100])]).flat(), [])
    assert.equal(table.nextHop('D'), 'B')
  })

  it('RouteTable.update() does not switch when the smoothed cost wins but the current cost does not', () => {
    const table = new RouteTable()
    run(table, Array.from({ length: 30 }, () => toD(['B', 130])))
    // B improves to 120 (smoothed still 127.5); C appears at 112: smoothed 15.5 ms better, current only 8 ms.
    assert.deepEqual(table.update(toD(['C', 112], ['B', 120]), 100), [])
    assert.equal(table.route('D')?.smoothedCost, 127.5)
  })

  it('RouteTable.update() fails over at once when the next hop has no usable path any more', () => {
    const table = new RouteTable()
    table.update(toD(['B', 10], ['C', 100]), 0)
    assert.deepEqual(table.update(toD(['C', 100]), 1), [{ destination: 'D', from: 'B', to: 'C', reason: 'failover' }])
    assert.deepEqual(table.route('D'), { destination: 'D', nextHop: 'C', cost: 100, smoothedCost: 100, path: ['C', 'D'], sinceMs: 1 })
  })

  it('RouteTable.update() removes a destination with no path, and reports changes sorted', () => {
    const table = new RouteTable()
    const both = new Map([...toD(['B', 10]), ['A', { nextHop: 'A', cost: 1, path: ['A'], alternatives: [] }]])
    assert.deepEqual(table.update(both, 0).map((change) => change.destination), ['A', 'D'])
    assert.deepEqual(table.update(new Map(), 1), [
      { destination: 'A', from: 'A', reason: 'unreachable' },
      { destination: 'D', from: 'B', reason: 'unreachable' }
    ])
    assert.deepEqual(table.routes(), [])
  })

  it('RouteTable.update() forgets the smoothed cost of a next hop that lost its path', () => {
    const table = new RouteTable()
    run(table, Array.from({ length: 20 }, () => toD(['B', 50], ['C', 100])))
    table.update(toD(['B', 50]), 20)
    // C comes back at 30 ms: no stale 100 ms history holds it back.
    assert.deepEqual(table.update(toD(['C', 30], ['B', 50]), 21), [{ destination: 'D', from: 'B', to: 'C', reason: 'better' }])
  })

  it('RouteTable.update() with alpha 1 and no margins follows every shortest path', () => {
    const table = new RouteTable({ alpha: 1, minImprovementRatio: 0, minImprovementMs: 0 })
    table.update(toD(['B', 50], ['C', 51]), 0)
    assert.deepEqual(table.update(toD(['C', 49], ['B', 50]), 1), [{ destination: 'D', from: 'B', to: 'C', reason: 'better' }])
  })

  it('new RouteTable() refuses bad options with RangeError', () => {
    for (const init of [{ alpha: 0 }, { alpha: 1.5 }, { alpha: Number.NaN }, { minImprovementRatio: -1 }, { minImprovementMs: -1 }]) {
      assert.throws(() => new RouteTable(init), RangeError)
    }
  })
})

describe('RouteTable over shortestPaths()', () => {
  // A metro-scale mesh (links 12–36 ms) with alternative paths to most destinations.
  const MESH: readonly Edge[] = [['A', 'B', 15], ['A', 'C', 24], ['B', 'D', 18], ['C', 'D', 15], ['D', 'E', 12], ['C', 'E', 36]]
  const factors = fc.array(fc.double({ min: 0.7, max: 1.3, noNaN: true }), { minLength: 600, maxLength: 600 })

  it('RouteTable prefers the direct link when costs tie', () => {
    const table = new RouteTable()
    table.update(shortestPaths(graphOf([['A', 'D', 20], ['A', 'B', 10], ['B', 'D', 10]]), 'A'), 0)
    assert.equal(table.nextHop('D'), 'D')
  })

  it('RouteTable never flaps a route more than once in 100 updates of ±30 % jitter on every link (property)', () => {
    fc.assert(fc.property(factors, (jitter) => {
      const tables = new Map(['A', 'B', 'C', 'D', 'E'].map((node) => [node, new RouteTable()]))
      const switches = new Map<string, number>()
      for (let update = 0; update < 100; update++) {
        const graph = graphOf(jittered(MESH, jitter, update))
        for (const [node, table] of tables) {
          for (const change of table.update(shortestPaths(graph, node), update)) {
            assert.notEqual(change.reason, 'unreachable')
            if (change.reason === 'new') continue
            const key = `${node}→${change.destination}`
            switches.set(key, (switches.get(key) ?? 0) + 1)
            assert.ok((switches.get(key) ?? 0) <= 1, `${key} switched twice (${change.reason} at update ${update})`)
          }
        }
      }
    }), PROPERTY_OPTIONS)
  })

  it('RouteTable moves to a link made 3× cheaper within a few updates, under ±30 % jitter (property)', () => {
    const before: Edge[] = [['A', 'B', 30], ['B', 'D', 30], ['A', 'C', 15], ['C', 'D', 60]]
    const after: Edge[] = [['A', 'B', 30], ['B', 'D', 30], ['A', 'C', 15], ['C', 'D', 20]]
    fc.assert(fc.property(factors, (jitter) => {
      const table = new RouteTable()
      for (let update = 0; update < 30; update++) table.update(shortestPaths(graphOf(jittered(before, jitter, update)), 'A'), update)
      assert.equal(table.nextHop('D'), 'B')
      let switchedAt: number | undefined
      for (let update = 30; update < 100; update++) {
        const changes = table.update(shortestPaths(graphOf(jittered(after, jitter, update)), 'A'), update)
        if (changes.length > 0) {
          assert.equal(switchedAt, undefined, 'switches once')
          assert.deepEqual(changes.map((change) => change.to), ['C'])
          switchedAt = update
        }
      }
      assert.ok(switchedAt !== undefined && switchedAt - 30 < 8, `switched ${switchedAt === undefined ? 'never' : `after ${switchedAt - 30 + 1} updates`}`)
    }), PROPERTY_OPTIONS)
  })

  it('RouteTable fails over in the same update when a link on the route goes away, under ±30 % jitter (property)', () => {
    const withoutBD = MESH.filter(([a, b]) => !(a === 'B' && b === 'D'))
    fc.assert(fc.property(factors, fc.integer({ min: 1, max: 99 }), (jitter, cutAt) => {
      const table = new RouteTable()
      for (let update = 0; update < cutAt; update++) table.update(shortestPaths(graphOf(jittered(MESH, jitter, update)), 'A'), update)
      const viaB = table.nextHop('D') === 'B'
      const changes = table.update(shortestPaths(graphOf(jittered(withoutBD, jitter, cutAt)), 'A'), cutAt)
      assert.equal(table.nextHop('D'), 'C')
      if (viaB) assert.deepEqual(changes.find((change) => change.destination === 'D'), { destination: 'D', from: 'B', to: 'C', reason: 'failover' })
    }), PROPERTY_OPTIONS)
  })

  it('RouteTable removes a destination whose last link went away', () => {
    const table = new RouteTable()
    table.update(shortestPaths(graphOf(MESH), 'A'), 0)
    const cut = MESH.filter(([a, b]) => a !== 'E' && b !== 'E')
    const changes = table.update(shortestPaths(graphOf([...cut, ['E', 'F', 1]]), 'A'), 1)
    assert.deepEqual(changes, [{ destination: 'E', from: 'B', reason: 'unreachable' }])
  })
})
