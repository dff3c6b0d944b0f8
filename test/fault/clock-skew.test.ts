/**
 * Fault suite (issue #7): clock skew. Four nodes whose wall clocks run 119 s ahead, 119 s
 * behind, 121 s ahead and 121 s behind (`WEB4MESH_CLOCK_OFFSET_MS`, test-only) each dial
 * one receiver with a true clock. The ±119 s nodes are inside the ±120 s window of SPEC §3
 * and complete their handshakes; the receiver refuses the HELLOs of the ±121 s nodes with
 * `TimestampError` (`future` / `stale`), counts each in
 * `web4_bad_input_total{error="timestamp"}`, and logs `handshake_failed` with the reason
 * `stale_timestamp` — and never handshakes or routes with them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { TIMESTAMP_SKEW_MS } from '../../src/protocol/constants.ts'
import { startMeshHarness } from '../helpers/mesh-harness.ts'
import type { MeshHarness } from '../helpers/mesh-harness.ts'
import { eventsSince, isHandshakenWith, metricOf, peerViewOf } from '../helpers/mesh-observe.ts'
import type { RouteJson } from '../helpers/route-checks.ts'
import { waitFor } from '../helpers/wait-for.ts'

/** The offsets of nodes 0…3; node 4 is the receiver, on true time. */
const OFFSETS_MS = [TIMESTAMP_SKEW_MS - 1000, -(TIMESTAMP_SKEW_MS - 1000), TIMESTAMP_SKEW_MS + 1000, -(TIMESTAMP_SKEW_MS + 1000)] as const
const RECEIVER = 4

let mesh: MeshHarness
before(async () => {
  mesh = await startMeshHarness({
    name: 'skew',
    topology: { kind: 'edges', nodes: 5, edges: [[0, RECEIVER], [1, RECEIVER], [2, RECEIVER], [3, RECEIVER]] },
    env: (i) => (i === RECEIVER ? {} : { WEB4MESH_CLOCK_OFFSET_MS: String(OFFSETS_MS[i]) })
  })
})
after(async () => { await mesh.stop() })

describe('clock skew', { timeout: 60_000 }, () => {
  it('accepts peers 119 s ahead and behind, and refuses peers 121 s ahead and behind with TimestampError, counted, and a failed handshake', async () => {
    const receiver = mesh.nodes[RECEIVER]!.process
    const [ahead, behind, farAhead, farBehind] = mesh.nodes.slice(0, 4).map((node) => node.fingerprint) as [string, string, string, string]

    await waitFor(async () => await isHandshakenWith(receiver, [ahead, behind]), { timeoutMs: 20_000, what: 'the receiver handshaken with the ±119 s nodes' })
    for (const i of [0, 1]) {
      assert.ok(await isHandshakenWith(mesh.nodes[i]!.process, [mesh.nodes[RECEIVER]!.fingerprint]), `node ${i} (${OFFSETS_MS[i]} ms) handshaken with the receiver`)
    }
    await waitFor(async () => {
      const failed = await eventsSince(receiver, 0, ['handshake_failed'])
      return [farAhead, farBehind].every((fingerprint) => failed.some((event) => event.peer === fingerprint))
    }, { timeoutMs: 20_000, what: 'a failed handshake with each ±121 s node' })

    const events = await eventsSince(receiver, 0, ['envelope_rejected', 'handshake_failed', 'handshake_completed'])
    for (const [fingerprint, reason] of [[farAhead, 'future'], [farBehind, 'stale']] as const) {
      const rejected = events.filter((event) => event.peer === fingerprint && event.event_type === 'envelope_rejected')
      assert.ok(rejected.length >= 1)
      assert.ok(rejected.every((event) => event.payload.error === 'TimestampError' && event.payload.reason === reason && event.payload.type === 'HELLO'), JSON.stringify(rejected.map((event) => event.payload)))
      const failed = events.filter((event) => event.peer === fingerprint && event.event_type === 'handshake_failed')
      assert.ok(failed.every((event) => event.payload.reason === 'stale_timestamp' && event.payload.error === 'HandshakeError'), JSON.stringify(failed.map((event) => event.payload)))
      assert.ok(!events.some((event) => event.peer === fingerprint && event.event_type === 'handshake_completed'), 'no handshake ever completed with a node outside the window')
      const view = await peerViewOf(receiver, fingerprint)
      assert.ok(view === undefined || (!view.link.is_handshaken && view.trust === 'unknown'), `the receiver never took the ${reason} node in: ${JSON.stringify(view)}`)
    }
    const refusedHellos = events.filter((event) => event.event_type === 'envelope_rejected' && (event.peer === farAhead || event.peer === farBehind)).length
    assert.ok(await metricOf(receiver, 'web4_bad_input_total', { channel: 'control', error: 'timestamp' }) >= refusedHellos, 'every refusal is counted under error="timestamp"')
    assert.ok(await metricOf(receiver, 'web4_handshakes_total', { result: 'stale_timestamp' }) >= 2)

    // Routes follow the handshakes once both ends have advertised the link (LSAs are debounced).
    let routes: string[] = []
    await waitFor(async () => {
      routes = (await receiver.get('/v1/routes') as RouteJson[]).map((route) => route.destination)
      return routes.includes(ahead) && routes.includes(behind)
    }, { timeoutMs: 20_000, what: 'routes from the receiver to the ±119 s nodes' })
    assert.ok(!routes.includes(farAhead) && !routes.includes(farBehind), 'and to neither ±121 s node')
  })
})
