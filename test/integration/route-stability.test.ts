/**
 * Integration (issue #4): jittered RTTs cause no route flapping. A diamond A–B–D and
 * A–C–D where both of A's links run through relays adding 20 ± 15 ms each way, so the
 * two paths cost the same give or take the jitter; over 20 s of heartbeats, A's route to
 * D is installed once and switches at most once.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { MeshNode } from '../../src/node.ts'
import { startLinkRelay } from '../helpers/link-relay.ts'
import type { LinkRelay } from '../helpers/link-relay.ts'
import { addressOf, startNode, stopAll } from '../helpers/in-process-nodes.ts'
import { waitFor } from '../helpers/wait-for.ts'

const nodes: MeshNode[] = []
const proxies: LinkRelay[] = []
after(async () => {
  await stopAll(nodes)
  await Promise.allSettled(proxies.map(async (proxy) => { await proxy.close() }))
})

function portOf (node: MeshNode): number {
  return Number(/\/tcp\/(\d+)\//.exec(addressOf(node))?.[1])
}

describe('route stability', { timeout: 60_000 }, () => {
  it('does not flap between two equal paths whose RTTs jitter', async () => {
    const d = await startNode('stable-d')
    const b = await startNode('stable-b', { peers: [addressOf(d)] })
    const c = await startNode('stable-c', { peers: [addressOf(d)] })
    nodes.push(d, b, c)
    const viaB = await startLinkRelay({ targetHost: '127.0.0.1', targetPort: portOf(b), delayMs: 20, jitterMs: 15, seed: 7 })
    const viaC = await startLinkRelay({ targetHost: '127.0.0.1', targetPort: portOf(c), delayMs: 20, jitterMs: 15, seed: 11 })
    proxies.push(viaB, viaC)
    const a = await startNode('stable-a', { peers: [viaB.addressFor(b.info().peer_id), viaC.addressFor(c.info().peer_id)] })
    nodes.push(a)
    const destination = d.identity.fingerprint
    await waitFor(() => a.linkState.nextHop(destination) !== undefined, { timeoutMs: 15_000, what: 'a route to D' })
    const since = a.events.lastSeq
    await new Promise((resolve) => setTimeout(resolve, 20_000))
    const rtt = a.peers().filter((peer) => peer.isLinked).map((peer) => peer.liveRtt?.samples ?? 0)
    assert.ok(rtt.every((samples) => samples >= 15), `heartbeats ran through the relays: ${rtt.join(', ')} samples`)
    const switches = a.events.since(since).filter((event) => event.event_type === 'route_changed' && event.peer === destination && event.payload.from !== null && event.payload.to !== null)
    assert.deepEqual(a.events.since(since).filter((event) => event.event_type === 'session_close'), [], 'no link dropped through the relays')
    assert.ok(switches.length <= 1, `route to D switched ${switches.length} times in 20 s: ${JSON.stringify(switches.map((event) => event.payload))}`)
    assert.ok(a.linkState.nextHop(destination) !== undefined)
  })
})
