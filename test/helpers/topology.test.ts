import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crossingEdges, edgesOf, gridEdges, halvesOf, isConnected, lineEdges, nodeCountOf, randomEdges, ringEdges } from './topology.ts'

describe('topology', () => {
  it('lineEdges(), ringEdges() and gridEdges() build the named shapes with the dialer first', () => {
    assert.deepEqual(lineEdges(4), [[0, 1], [1, 2], [2, 3]])
    assert.deepEqual(ringEdges(4), [[0, 1], [1, 2], [2, 3], [0, 3]])
    assert.throws(() => ringEdges(2), RangeError)
    assert.deepEqual(gridEdges(2, 3), [[0, 1], [0, 3], [1, 2], [1, 4], [2, 5], [3, 4], [4, 5]])
    assert.equal(nodeCountOf({ kind: 'grid', rows: 2, columns: 3 }), 6)
  })

  it('randomEdges() is connected, has the asked edge count, no duplicates, and repeats per seed', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const edges = randomEdges(8, 11, seed)
      assert.equal(edges.length, 11)
      assert.equal(new Set(edges.map((edge) => edge.join('-'))).size, 11)
      assert.ok(edges.every(([a, b]) => a < b && a >= 0 && b < 8))
      assert.ok(isConnected(edges, [0, 1, 2, 3, 4, 5, 6, 7]), `seed ${seed}`)
      assert.deepEqual(randomEdges(8, 11, seed), edges)
    }
    assert.notDeepEqual(randomEdges(8, 11, 1), randomEdges(8, 11, 2))
    assert.throws(() => randomEdges(5, 3, 1), RangeError)
    assert.throws(() => randomEdges(5, 11, 1), RangeError)
  })

  it('edgesOf() orders the ends of hand-written edges and refuses a self-link', () => {
    assert.deepEqual(edgesOf({ kind: 'edges', nodes: 3, edges: [[2, 0], [1, 2]] }), [[0, 2], [1, 2]])
    assert.throws(() => edgesOf({ kind: 'edges', nodes: 3, edges: [[1, 1]] }), RangeError)
  })

  it('halvesOf() and crossingEdges() split a ring into two connected halves joined by two edges', () => {
    const ring = ringEdges(6)
    const [left, right] = halvesOf(6)
    assert.deepEqual([left, right], [[0, 1, 2], [3, 4, 5]])
    assert.deepEqual(crossingEdges(ring, left), [[2, 3], [0, 5]])
    const inner = ring.filter((edge) => !crossingEdges(ring, left).includes(edge))
    assert.ok(isConnected(inner, left) && isConnected(inner, right))
    assert.equal(isConnected(inner, [0, 1, 2, 3, 4, 5]), false)
    assert.deepEqual(halvesOf(5), [[0, 1, 2], [3, 4]])
  })
})
