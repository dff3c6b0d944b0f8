import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { MeshEvent } from '../observability/events.ts'
import { RETURN_WATCH_MAX, watchReturningNodes } from './returning-nodes.ts'

/** A stand-in for the event log: hands every emitted event to the subscribers. */
function hub (): { subscribe: (listener: (event: MeshEvent) => void) => () => void, route: (peer: string, reason: string) => void } {
  const listeners = new Set<(event: MeshEvent) => void>()
  let seq = 0
  return {
    subscribe: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    route: (peer, reason) => {
      const event: MeshEvent = { event_type: 'route_changed', node: 'self', peer, payload: { reason }, occurred_at: new Date(0).toISOString(), seq: ++seq }
      for (const listener of listeners) listener(event)
    }
  }
}

describe('watchReturningNodes()', () => {
  it('calls back once, after the quiet spell, for a burst of lost destinations that are reachable again', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const events = hub()
    let calls = 0
    watchReturningNodes(events, () => { calls++ }, { quietMs: 500 })
    events.route('b', 'unreachable')
    events.route('c', 'unreachable')
    events.route('b', 'new')
    t.mock.timers.tick(400)
    events.route('c', 'new')
    t.mock.timers.tick(499)
    assert.equal(calls, 0, 'still returning')
    t.mock.timers.tick(1)
    assert.equal(calls, 1)
    events.route('c', 'failover')
    t.mock.timers.tick(1000)
    assert.equal(calls, 1, 'a route that moves is no return')
  })

  it('ignores destinations seen for the first time, and stops when told', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const events = hub()
    let calls = 0
    const stop = watchReturningNodes(events, () => { calls++ }, { quietMs: 10 })
    events.route('new-node', 'new')
    t.mock.timers.tick(100)
    assert.equal(calls, 0, 'a node met for the first time missed nothing')
    events.route('b', 'unreachable')
    events.route('b', 'new')
    stop()
    t.mock.timers.tick(100)
    assert.equal(calls, 0, 'stopped before the quiet spell ended')
  })

  it('remembers at most RETURN_WATCH_MAX lost destinations, forgetting the oldest', (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] })
    const events = hub()
    let calls = 0
    watchReturningNodes(events, () => { calls++ }, { quietMs: 10 })
    for (let i = 0; i <= RETURN_WATCH_MAX; i++) events.route(`n${i}`, 'unreachable')
    events.route('n0', 'new')
    t.mock.timers.tick(100)
    assert.equal(calls, 0, 'the oldest was forgotten')
    events.route(`n${RETURN_WATCH_MAX}`, 'new')
    t.mock.timers.tick(100)
    assert.equal(calls, 1)
  })
})
