import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crossingRoutes, missingLinks, missingRoutes } from './route-checks.ts'
import type { RouteJson } from './route-checks.ts'

const route = (destination: string, nextHop = destination): RouteJson => ({ destination, next_hop: nextHop, is_direct: nextHop === destination, path: [destination] })

describe('route checks', () => {
  it('missingRoutes() lists every ordered pair without a route, and nothing once all routes exist', () => {
    const partial = new Map([['a', [route('b')]], ['b', [route('a'), route('c')]], ['c', []]])
    assert.deepEqual(missingRoutes(partial, ['a', 'b', 'c']), [{ from: 'a', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'b' }])
    const full = new Map([['a', [route('b'), route('c', 'b')]], ['b', [route('a'), route('c')]], ['c', [route('b'), route('a', 'b')]]])
    assert.deepEqual(missingRoutes(full, ['a', 'b', 'c']), [])
    assert.deepEqual(missingRoutes(new Map(), ['a']), [], 'one node has nobody to route to')
  })

  it('crossingRoutes() lists routes that cross between the sides, both ways', () => {
    const routes = new Map([['a', [route('b'), route('c', 'b')]], ['b', [route('a')]], ['c', [route('d')]], ['d', [route('c')]]])
    assert.deepEqual(crossingRoutes(routes, ['a', 'b'], ['c', 'd']), [{ from: 'a', to: 'c' }])
    routes.set('a', [route('b')])
    assert.deepEqual(crossingRoutes(routes, ['a', 'b'], ['c', 'd']), [])
  })

  it('missingLinks() lists, per node, each link its view does not hold as active, in either direction', () => {
    const edge = (source: string, target: string, state = 'active'): { source: string, target: string, state: string } => ({ source, target, state })
    const views = new Map([
      ['a', [edge('a', 'b'), edge('c', 'b')]],
      ['b', [edge('b', 'a'), edge('b', 'c', 'inactive')]]
    ])
    assert.deepEqual(missingLinks(views, [['a', 'b'], ['b', 'c']]), [{ node: 'b', link: ['b', 'c'] }])
    views.set('b', [edge('b', 'a'), edge('b', 'c')])
    assert.deepEqual(missingLinks(views, [['a', 'b'], ['b', 'c']]), [])
    assert.deepEqual(missingLinks(views, [['a', 'c']]), [{ node: 'a', link: ['a', 'c'] }, { node: 'b', link: ['a', 'c'] }])
  })
})
