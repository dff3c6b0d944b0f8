/**
 * Fault suite (issue #7): 75 ± 50 ms of one-way delay with jitter on every link (a ring
 * of five `web4mesh start` processes, each link through a relay) causes no false "peer
 * down": over 30 s no node logs a `heartbeat_timeout` or a `session_close`, no route
 * becomes unreachable, and the heartbeats did measure the delay.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startMeshHarness } from '../helpers/mesh-harness.ts'
import type { MeshHarness } from '../helpers/mesh-harness.ts'
import { eventsSince, lastEventSeq } from '../helpers/mesh-observe.ts'
import type { PeerJson } from '../helpers/node-process.ts'

const DELAY_MS = 75
const JITTER_MS = 50
const WATCH_MS = 30_000
const NODES = 5

let mesh: MeshHarness
before(async () => {
  mesh = await startMeshHarness({ name: 'jitter', topology: { kind: 'ring', nodes: NODES }, latency: { delayMs: DELAY_MS, jitterMs: JITTER_MS }, seed: 75 })
})
after(async () => { await mesh.stop() })

describe('jittered links', { timeout: 90_000 }, () => {
  it(`${DELAY_MS} ± ${JITTER_MS} ms on every link: no heartbeat_timeout, no session_close and no unreachable route in ${WATCH_MS / 1000} s`, async (t) => {
    const convergedMs = await mesh.waitForConvergence({ timeoutMs: 30_000 })
    const since = await Promise.all(mesh.nodes.map(async (node) => await lastEventSeq(node.process)))
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS))
    const smoothed: number[] = []
    for (const node of mesh.nodes) {
      const events = await eventsSince(node.process, since[node.index], ['heartbeat_timeout', 'session_close', 'route_changed'])
      const downs = events.filter((event) => event.event_type !== 'route_changed' || event.payload.reason === 'unreachable')
      assert.deepEqual(downs.map((event) => [event.event_type, event.payload]), [], `node ${node.index} declared no peer down`)
      const peers = (await node.process.get('/v1/peers') as PeerJson[]).filter((peer) => peer.link.is_linked)
      assert.equal(peers.length, 2, `node ${node.index} still has both ring links`)
      smoothed.push(...peers.map((peer) => peer.rtt?.smoothed_ms ?? 0))
    }
    // Both directions of a link are delayed: the round trip is twice 25…125 ms.
    assert.ok(smoothed.every((ms) => ms >= 2 * (DELAY_MS - JITTER_MS)), `heartbeats measured the delay: smoothed RTTs ${smoothed.map(Math.round).join(', ')} ms`)
    t.diagnostic(`jittered links: converged in ${convergedMs} ms; smoothed RTTs ${Math.min(...smoothed).toFixed(0)}–${Math.max(...smoothed).toFixed(0)} ms; no peer down in ${WATCH_MS / 1000} s`)
  })
})
