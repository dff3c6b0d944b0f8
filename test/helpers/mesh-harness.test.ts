import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { after, describe, it } from 'node:test'
import { startMeshHarness } from './mesh-harness.ts'
import type { MeshHarness } from './mesh-harness.ts'
import { eventsSince } from './mesh-observe.ts'
import type { RouteJson } from './route-checks.ts'

let mesh: MeshHarness | undefined
after(async () => { await mesh?.stop() })

describe('MeshHarness', { timeout: 120_000 }, () => {
  it('startMeshHarness() links a line of processes through relays from their own addresses; cut, heal, kill and restart behave as a network would', async (t) => {
    mesh = await startMeshHarness({ name: 'harness', topology: { kind: 'line', nodes: 3 } })
    const m = mesh
    const [first, middle, last] = m.nodes as [typeof m.nodes[number], typeof m.nodes[number], typeof m.nodes[number]]
    assert.deepEqual(m.nodes.map((node) => node.host), ['127.0.0.2', '127.0.0.3', '127.0.0.4'])
    assert.deepEqual(m.edges, [[0, 1], [1, 2]])
    t.diagnostic(`converged in ${await m.waitForConvergence({ timeoutMs: 60_000 })} ms`)

    // Each node listens on its own address, and its neighbour sees it come from there (the relay's source address).
    const opened = await eventsSince(middle.process, 0, ['session_open'])
    const remoteOf = (fingerprint: string): string => String(opened.find((event) => event.peer === fingerprint)?.payload.remote_addr)
    assert.match(remoteOf(first.fingerprint), /\/ip4\/127\.0\.0\.2\/tcp\//, 'node 0 dialed from 127.0.0.2')
    assert.ok(middle.process.address.startsWith(`/ip4/127.0.0.3/tcp/${middle.port}/`), middle.process.address)
    const route = (await first.process.get('/v1/routes') as RouteJson[]).find((candidate) => candidate.destination === last.fingerprint)
    assert.deepEqual(route?.path, [middle.fingerprint, last.fingerprint], 'node 0 reaches node 2 through node 1: the relays are the only paths')

    // A cut link separates the line; waiting for convergence then times out and names what is missing.
    m.cutLink(1, 2)
    assert.equal(m.relay(2, 1).isCut, true)
    t.diagnostic(`separated in ${await m.waitForSeparation([0, 1], [2], { timeoutMs: 30_000 })} ms`)
    await assert.rejects(m.waitForConvergence({ timeoutMs: 1000 }), /missing: .*harness-1→harness-2/)
    m.healAll()
    assert.equal(m.relay(1, 2).isCut, false)
    t.diagnostic(`reconverged ${await m.waitForConvergence({ timeoutMs: 60_000 })} ms after the heal`)

    // kill -9, then restart on the same directory and address: the same node comes back.
    await m.kill(2)
    assert.equal(last.process.isRunning, false)
    await assert.rejects(m.waitForConvergence({ timeoutMs: 1000 }), /missing: .*harness-2/, 'a dead node is missing from convergence')
    await assert.rejects(m.restart(1), /still running/)
    const restarted = await m.restart(2)
    assert.equal(restarted.info.fingerprint, last.fingerprint)
    assert.equal(last.process, restarted, 'the node now answers through its new process')
    t.diagnostic(`reconverged ${await m.waitForConvergence({ timeoutMs: 60_000 })} ms after the restart`)

    // stop() ends every process and removes every data directory.
    await m.stop()
    assert.ok(m.nodes.every((node) => !node.process.isRunning && !existsSync(node.dataDir)))
    await m.stop()
  })

  it('startMeshHarness() refuses a mesh too large for its own 127.0.0.x addresses', async () => {
    await assert.rejects(startMeshHarness({ name: 'too-many', topology: { kind: 'line', nodes: 251 } }), RangeError)
  })
})
